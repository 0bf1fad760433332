/** Servers, API key (write-only), Hugging Face endpoint, cache location and size, clear cache. */
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { CacheInfo, CheckpointCleanup, CheckpointUsage, SandboxStatus } from '../../../shared/contract'
import { SANDBOX_FIXED_PORT_MIN } from '../../../shared/defaults'
import type { Failure } from '../../../shared/result'
import { LOCALES, LOCALE_NAMES, MISSING, isLocale, matchLocale } from '../../../shared/i18n'
import { useLocale, useT } from '../i18n'
import { api } from '../api'
import { HintPanel } from '../components/hint-panel'
import { Badge, Button, Card, Field } from '../components/ui'
import { useNav } from '../stores/nav-store'
import { useSettings } from '../stores/settings-store'

export function Settings(): React.JSX.Element {
  const { t, fmt } = useT()
  const { preference, systemTags } = useLocale(useShallow((s) => ({ preference: s.preference, systemTags: s.systemTags })))
  const { settings, update, load, storeFailure, chooseLocale } = useSettings(useShallow((s) => ({ settings: s.settings, update: s.update, load: s.load, storeFailure: s.failure, chooseLocale: s.chooseLocale })))
  const [newServer, setNewServer] = useState('')
  const [key, setKey] = useState('')
  const [endpoint, setEndpoint] = useState(settings?.hfEndpoint ?? '')
  const [cache, setCache] = useState<CacheInfo | null>(null)
  const [confirmAll, setConfirmAll] = useState(false)
  const [checkpoints, setCheckpoints] = useState<CheckpointUsage | CheckpointCleanup | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const { section, previous, go } = useNav(useShallow((s) => ({ section: s.settingsSection, previous: s.previous, go: s.go })))
  const [sandbox, setSandbox] = useState<SandboxStatus | null>(null)
  const [portText, setPortText] = useState(settings?.sandboxPort ? String(settings.sandboxPort) : '')
  const portValue = portText.trim() === '' ? null : Number(portText.trim())
  const portValid = portValue === null || (Number.isInteger(portValue) && portValue >= SANDBOX_FIXED_PORT_MIN && portValue <= 65535)
  // A hint's "Open settings" names the section that fixes the problem: bring it into view and put the
  // keyboard focus on its first field, so the fix is one keystroke away.
  useEffect(() => {
    if (!section) return
    const el = document.querySelector<HTMLElement>(`[data-testid="settings-${section}"]`)
    el?.scrollIntoView({ block: 'start' })
    el?.querySelector<HTMLElement>('input, select, button:not([disabled])')?.focus()
  }, [section])

  useEffect(() => {
    void load()
    void api.cacheInfo().then((r) => (r.ok ? setCache(r.value) : setFailure(r)))
    void api.sandboxStatus().then((r) => r.ok && setSandbox(r.value))
    void api.checkpointUsage({}).then((r) => r.ok && setCheckpoints(r.value))
  }, [load])
  const [seenPort, setSeenPort] = useState(settings?.sandboxPort)
  if (seenPort !== settings?.sandboxPort) {
    setSeenPort(settings?.sandboxPort)
    setPortText(settings?.sandboxPort ? String(settings.sandboxPort) : '')
  }
  const [seenEndpoint, setSeenEndpoint] = useState(settings?.hfEndpoint)
  if (seenEndpoint !== settings?.hfEndpoint) {
    setSeenEndpoint(settings?.hfEndpoint)
    setEndpoint(settings?.hfEndpoint ?? '')
  }

  const wrap = async (name: string, f: () => Promise<void>): Promise<void> => {
    setBusy(name)
    setFailure(null)
    try {
      await f()
    } finally {
      setBusy(null)
    }
  }
  const clear = (what: 'downloads' | 'all'): Promise<void> =>
    wrap(what, async () => {
      const r = await api.cacheClear({ what })
      if (r.ok) setCache(r.value)
      else setFailure(r)
      setConfirmAll(false)
    })
  const measureCheckpoints = (): Promise<void> =>
    wrap('measure', async () => {
      const r = await api.checkpointUsage({})
      if (r.ok) setCheckpoints(r.value)
      else setFailure(r)
    })
  const cleanCheckpoints = (): Promise<void> =>
    wrap('clean', async () => {
      const r = await api.checkpointCleanup({})
      if (!r.ok) return setFailure(r)
      setCheckpoints(r.value)
      const c = await api.cacheInfo()
      if (c.ok) setCache(c.value)
    })
  const cleaned = checkpoints && 'deleted' in checkpoints ? checkpoints : null
  const storeKey = (): Promise<void> =>
    wrap('key', async () => {
      const r = await api.apiKeySet({ key: key.trim() })
      setKey('')
      if (!r.ok) setFailure(r)
      await load()
    })
  const clearKey = (): Promise<void> =>
    wrap('clear-key', async () => {
      const r = await api.apiKeyClear()
      if (!r.ok) setFailure(r)
      await load()
    })

  const servers = settings?.servers ?? []
  const shown = failure ?? storeFailure
  return (
    <div className="page narrow" data-testid="settings">
      {previous === 'wizard' && (
        <button type="button" className="linklike small" onClick={() => go('wizard')} data-testid="back-to-wizard">
          ← {t.sftOrRl.back}
        </button>
      )}
      <h1>{t.settings.title}</h1>
      {shown && <HintPanel failure={shown} />}
      <Card title={t.settings.servers} testId="settings-servers">
        {servers.length === 0 && <div className="muted small">{t.settings.noServers(settings?.activeServer ?? null)}</div>}
        <ul className="plain-list">
          {servers.map((s) => (
            <li key={s.url} className="row spread">
              <span className="mono">{s.url}</span>
              <span className="row">
                {settings?.activeServer === s.url ? <Badge tone="ok">{t.settings.active}</Badge> : <Button variant="ghost" onClick={() => void update({ activeServer: s.url })}>{t.settings.makeActive}</Button>}
                <Button variant="ghost" onClick={() => void update({ servers: servers.filter((x) => x.url !== s.url), ...(settings?.activeServer === s.url ? { activeServer: null } : {}) })}>{t.settings.remove}</Button>
              </span>
            </li>
          ))}
        </ul>
        <form className="row" onSubmit={(e) => (e.preventDefault(), newServer.trim() && void update({ servers: [...servers, { url: newServer.trim() }] }).then((ok) => ok && setNewServer('')))}>
          <input className="input mono grow" aria-label={t.settings.addServer} placeholder={t.settings.serverPlaceholder} value={newServer} onChange={(e) => setNewServer(e.target.value)} />
          <Button type="submit" disabled={!newServer.trim()}>{t.settings.addServer}</Button>
        </form>
      </Card>

      <Card title={t.settings.keys} testId="settings-keys">
        {settings && <div className="small" data-testid="settings-key-status">{t.connect.keyStatus(settings.apiKey)} {settings.apiKey.envDiffers && <strong>{t.connect.envDiffers(settings.apiKey.envMasked)}</strong>}</div>}
        <form className="row" onSubmit={(e) => (e.preventDefault(), key.trim() && void storeKey())}>
          <input className="input mono grow" type="password" aria-label={t.connect.apiKey} autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
          <Button type="submit" variant="primary" disabled={!key.trim()} busy={busy === 'key'}>{t.settings.setKey}</Button>
          <Button variant="ghost" onClick={() => void clearKey()} disabled={!settings?.apiKey.set} busy={busy === 'clear-key'}>{t.settings.clearKey}</Button>
        </form>
        <div className="field-help">{t.connect.apiKeyHelp}</div>
      </Card>

      <Card title={t.settings.sandbox} testId="settings-sandbox">
        <form
          className="endpoint-row"
          onSubmit={(e) => {
            e.preventDefault()
            if (portValid) void update({ sandboxPort: portValue })
          }}
        >
          <Field label={t.settings.sandboxPort} error={portValid ? null : t.settings.sandboxPortInvalid(SANDBOX_FIXED_PORT_MIN)} help={t.settings.sandboxPortHelp}>
            {(id) => (
              <input
                id={id}
                className="input mono num-input"
                inputMode="numeric"
                value={portText}
                placeholder={t.settings.sandboxPortPlaceholder}
                onChange={(e) => setPortText(e.target.value)}
                data-testid="settings-sandbox-port"
              />
            )}
          </Field>
          <Button type="submit" disabled={!portValid || portValue === (settings?.sandboxPort ?? null)} data-testid="settings-sandbox-port-save">
            {t.common.save}
          </Button>
        </form>
        {sandbox?.fixedPortSource === 'serve-flag' && sandbox.fixedPort !== null && <div className="small muted">{t.settings.sandboxPortFlag(sandbox.fixedPort)}</div>}
        {sandbox?.running && sandbox.url && <div className="small muted">{t.connect.sandboxRunning(sandbox.url)}</div>}
      </Card>

      <Card title={t.settings.hub} testId="settings-hub">
        <form className="endpoint-row" onSubmit={(e) => (e.preventDefault(), void update({ hfEndpoint: endpoint.trim() || null }))}>
          <Field label={t.settings.endpoint}>
            {(id) => <input id={id} className="input mono" value={endpoint} placeholder={settings?.hfEndpointEffective} onChange={(e) => setEndpoint(e.target.value)} data-testid="settings-endpoint" />}
          </Field>
          <Button type="submit">{t.common.save}</Button>
        </form>
        {settings && <div className="field-help">{t.dataset.endpointHelp(settings.hfEndpointEffective, settings.hfEndpointSource)}</div>}
        {settings && <div className="small muted">{t.settings.hfToken(settings.hfTokenSet)}</div>}
      </Card>

      <Card title={t.settings.cache} testId="settings-cache">
        <table className="table kv small">
          <tbody>
            <tr>
              <th scope="row">{t.settings.location}</th>
              <td className="mono">{cache?.location ?? settings?.dataDir ?? MISSING}</td>
            </tr>
            <tr>
              <th scope="row">{t.settings.size}</th>
              <td data-testid="cache-size">{cache ? fmt.bytes(cache.totalBytes) : MISSING}</td>
            </tr>
            {cache?.parts.map((p) => (
              <tr key={p.name}>
                <th scope="row">{t.settings.parts[p.name]}</th>
                <td>{fmt.bytes(p.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row">
          <Button onClick={() => void clear('downloads')} busy={busy === 'downloads'}>{t.settings.clearDownloads}</Button>
          {!confirmAll ? (
            <Button variant="danger" onClick={() => setConfirmAll(true)}>{t.settings.clearAll}</Button>
          ) : (
            <div className="confirm" role="alertdialog" aria-label={t.settings.clearAll}>
              <span className="small">{t.settings.confirmClearAll}</span>
              <Button variant="danger" onClick={() => void clear('all')} busy={busy === 'all'}>{t.common.confirm}</Button>
              <Button variant="ghost" onClick={() => setConfirmAll(false)}>{t.common.cancel}</Button>
            </div>
          )}
        </div>
      </Card>

      <Card title={t.judge.disk.title} testId="settings-checkpoints">
        <div className="small" data-testid="checkpoint-total">
          {checkpoints ? t.judge.disk.total(fmt.bytes(checkpoints.totalBytes), checkpoints.runs.length) : MISSING}
          {checkpoints && checkpoints.unknown > 0 && <span className="muted"> · {t.judge.disk.unknown}</span>}
        </div>
        {checkpoints && checkpoints.reclaimableBytes > 0 && (
          <div className="small">{t.judge.disk.reclaimable(fmt.bytes(checkpoints.reclaimableBytes), checkpoints.runs.reduce((n, r) => n + r.reclaimable, 0))}</div>
        )}
        {cleaned && <div className="small">{cleaned.deleted > 0 ? t.judge.disk.cleaned(cleaned.deleted) : t.judge.disk.nothing} {cleaned.failed > 0 && t.judge.disk.failed(cleaned.failed)}</div>}
        <div className="row">
          <Button onClick={() => void measureCheckpoints()} busy={busy === 'measure'} data-testid="checkpoints-measure">{t.judge.disk.measure}</Button>
          <Button onClick={() => void cleanCheckpoints()} busy={busy === 'clean'} disabled={busy !== null} data-testid="checkpoints-cleanup">{t.judge.disk.cleanUp}</Button>
        </div>
        <div className="field-help">{t.judge.keepAllHelp}</div>
      </Card>

      <Card title={t.settings.language} testId="settings-language">
        <select className="input" aria-label={t.language.label} value={preference ?? ''} onChange={(e) => void chooseLocale(isLocale(e.target.value) ? e.target.value : null)} data-testid="settings-locale">
          <option value="">{t.language.followSystem(LOCALE_NAMES[matchLocale(systemTags)])}</option>
          {LOCALES.map((l) => (
            <option key={l} value={l} lang={l}>{LOCALE_NAMES[l]}</option>
          ))}
        </select>
        <div className="field-help">{t.settings.languageHelp}</div>
      </Card>

      <Card title={t.settings.wizard}>
        <label className="inline-check">
          <input type="checkbox" checked={settings ? !settings.wizardCompleted : false} onChange={(e) => void update({ wizardCompleted: !e.target.checked })} />
          {t.settings.showWizard}
        </label>
      </Card>
    </div>
  )
}
