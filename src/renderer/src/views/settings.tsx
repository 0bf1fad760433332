/** Servers, API key (write-only), Hugging Face endpoint, cache location and size, clear cache. */
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { CacheInfo } from '../../../shared/contract'
import type { Failure } from '../../../shared/result'
import { UI } from '../../../shared/ui-strings'
import { api } from '../api'
import { HintPanel } from '../components/hint-panel'
import { Badge, Button, Card, Field } from '../components/ui'
import { fmtBytes } from '../lib/format'
import { useNav } from '../stores/nav-store'
import { useSettings } from '../stores/settings-store'

export function Settings(): React.JSX.Element {
  const { settings, update, load, storeFailure } = useSettings(useShallow((s) => ({ settings: s.settings, update: s.update, load: s.load, storeFailure: s.failure })))
  const [newServer, setNewServer] = useState('')
  const [key, setKey] = useState('')
  const [endpoint, setEndpoint] = useState(settings?.hfEndpoint ?? '')
  const [cache, setCache] = useState<CacheInfo | null>(null)
  const [confirmAll, setConfirmAll] = useState(false)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const section = useNav((s) => s.settingsSection)
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
  }, [load])
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
      <h1>{UI.settings.title}</h1>
      {shown && <HintPanel failure={shown} />}
      <Card title={UI.settings.servers} testId="settings-servers">
        {servers.length === 0 && <div className="muted small">{UI.settings.noServers(settings?.activeServer ?? null)}</div>}
        <ul className="plain-list">
          {servers.map((s) => (
            <li key={s.url} className="row spread">
              <span className="mono">{s.url}</span>
              <span className="row">
                {settings?.activeServer === s.url ? <Badge tone="ok">{UI.settings.active}</Badge> : <Button variant="ghost" onClick={() => void update({ activeServer: s.url })}>{UI.settings.makeActive}</Button>}
                <Button variant="ghost" onClick={() => void update({ servers: servers.filter((x) => x.url !== s.url), ...(settings?.activeServer === s.url ? { activeServer: null } : {}) })}>{UI.settings.remove}</Button>
              </span>
            </li>
          ))}
        </ul>
        <form className="row" onSubmit={(e) => (e.preventDefault(), newServer.trim() && void update({ servers: [...servers, { url: newServer.trim() }] }).then((ok) => ok && setNewServer('')))}>
          <input className="input mono grow" aria-label={UI.settings.addServer} placeholder={UI.settings.serverPlaceholder} value={newServer} onChange={(e) => setNewServer(e.target.value)} />
          <Button type="submit" disabled={!newServer.trim()}>{UI.settings.addServer}</Button>
        </form>
      </Card>

      <Card title={UI.settings.keys} testId="settings-keys">
        {settings && <div className="small" data-testid="settings-key-status">{UI.connect.keyStatus(settings.apiKey.set, settings.apiKey.source, settings.apiKey.storage)} {settings.apiKey.envDiffers && <strong>{UI.connect.envDiffers}</strong>}</div>}
        <form className="row" onSubmit={(e) => (e.preventDefault(), key.trim() && void storeKey())}>
          <input className="input mono grow" type="password" aria-label={UI.connect.apiKey} autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
          <Button type="submit" variant="primary" disabled={!key.trim()} busy={busy === 'key'}>{UI.settings.setKey}</Button>
          <Button variant="ghost" onClick={() => void clearKey()} disabled={!settings?.apiKey.set} busy={busy === 'clear-key'}>{UI.settings.clearKey}</Button>
        </form>
        <div className="field-help">{UI.connect.apiKeyHelp}</div>
      </Card>

      <Card title={UI.settings.hub} testId="settings-hub">
        <form className="endpoint-row" onSubmit={(e) => (e.preventDefault(), void update({ hfEndpoint: endpoint.trim() || null }))}>
          <Field label={UI.settings.endpoint}>
            {(id) => <input id={id} className="input mono" value={endpoint} placeholder={settings?.hfEndpointEffective} onChange={(e) => setEndpoint(e.target.value)} data-testid="settings-endpoint" />}
          </Field>
          <Button type="submit">{UI.common.save}</Button>
        </form>
        {settings && <div className="field-help">{UI.dataset.endpointHelp(settings.hfEndpointEffective, settings.hfEndpointSource)}</div>}
        {settings && <div className="small muted">{UI.settings.hfToken(settings.hfTokenSet)}</div>}
      </Card>

      <Card title={UI.settings.cache} testId="settings-cache">
        <table className="table kv small">
          <tbody>
            <tr>
              <th scope="row">{UI.settings.location}</th>
              <td className="mono">{cache?.location ?? settings?.dataDir ?? '—'}</td>
            </tr>
            <tr>
              <th scope="row">{UI.settings.size}</th>
              <td data-testid="cache-size">{cache ? fmtBytes(cache.totalBytes) : '—'}</td>
            </tr>
            {cache?.parts.map((p) => (
              <tr key={p.name}>
                <th scope="row">{UI.settings.parts[p.name] ?? p.name}</th>
                <td>{fmtBytes(p.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row">
          <Button onClick={() => void clear('downloads')} busy={busy === 'downloads'}>{UI.settings.clearDownloads}</Button>
          {!confirmAll ? (
            <Button variant="danger" onClick={() => setConfirmAll(true)}>{UI.settings.clearAll}</Button>
          ) : (
            <div className="confirm" role="alertdialog" aria-label={UI.settings.clearAll}>
              <span className="small">{UI.settings.confirmClearAll}</span>
              <Button variant="danger" onClick={() => void clear('all')} busy={busy === 'all'}>{UI.common.confirm}</Button>
              <Button variant="ghost" onClick={() => setConfirmAll(false)}>{UI.common.cancel}</Button>
            </div>
          )}
        </div>
      </Card>

      <Card title={UI.settings.wizard}>
        <label className="inline-check">
          <input type="checkbox" checked={settings ? !settings.wizardCompleted : false} onChange={(e) => void update({ wizardCompleted: !e.target.checked })} />
          {UI.settings.showWizard}
        </label>
      </Card>
    </div>
  )
}
