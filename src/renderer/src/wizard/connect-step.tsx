/**
 * Step 1: pick a server (discovered ones with their source, or typed), give the API key, and test health +
 * key + capabilities in one go — or start the local sandbox. The key field is write-only: the typed key is
 * handed to main to store encrypted and cleared from the page; only facts about it come back.
 */
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { WIZARD_READY_TEST_ID, type DiscoveredServer, type SandboxStatus } from '../../../shared/contract'
import type { Failure } from '../../../shared/result'
import { useT } from '../i18n'
import { api } from '../api'
import { HintPanel } from '../components/hint-panel'
import { LanguageSwitch } from '../components/language-switch'
import { LocalServerOffer } from '../local-server/local-server-offer'
import { Badge, Button, Card, Field, Notice } from '../components/ui'
import { useNav } from '../stores/nav-store'
import { useSettings } from '../stores/settings-store'
import { useWizard } from '../stores/wizard-store'
import { StepForm } from './step-form'

export function ConnectStep(): React.JSX.Element {
  const { t } = useT()
  const { settings, connection, setConnection, update, load } = useSettings(
    useShallow((s) => ({ settings: s.settings, connection: s.connection, setConnection: s.setConnection, update: s.update, load: s.load })),
  )
  const setStep = useWizard((s) => s.setStep)
  const openSettings = useNav((s) => s.openSettings)
  const [servers, setServers] = useState<DiscoveredServer[] | null>(null)
  const [sandbox, setSandbox] = useState<SandboxStatus | null>(null)
  const [url, setUrl] = useState('')
  const [key, setKey] = useState('')
  const [busy, setBusy] = useState<'test' | 'sandbox' | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)

  useEffect(() => {
    let live = true
    void api.connectionDiscover().then((r) => {
      if (!live) return
      if (!r.ok) {
        setServers([])
        setFailure(r)
        return
      }
      setServers(r.value.servers)
      setSandbox(r.value.sandbox)
      setUrl((cur) => cur || useSettings.getState().connection?.url || useSettings.getState().settings?.activeServer || r.value.servers[0]?.url || '')
    })
    return () => {
      live = false
    }
  }, [])

  const test = async (target?: string): Promise<void> => {
    const address = (target ?? url).trim()
    setBusy('test')
    setFailure(null)
    setConnection(null)
    try {
      if (key.trim()) {
        const k = await api.apiKeySet({ key: key.trim() })
        setKey('')
        if (!k.ok) return setFailure(k)
        await load()
      }
      const r = await api.connectionTest(address ? { url: address } : {})
      if (!r.ok) return setFailure(r)
      setConnection(r.value)
      setUrl(r.value.url)
      if (!r.value.isSandbox) await update({ activeServer: r.value.url })
    } finally {
      setBusy(null)
    }
  }

  const startSandbox = async (): Promise<void> => {
    setBusy('sandbox')
    setFailure(null)
    setConnection(null)
    try {
      const s = await api.sandboxStart()
      if (!s.ok) return setFailure(s)
      setSandbox(s.value)
      if (!s.value.url) return
      setUrl(s.value.url)
      const r = await api.connectionTest({ url: 'sandbox' })
      if (!r.ok) return setFailure(r)
      setConnection(r.value)
      await update({ activeServer: 'sandbox' })
    } finally {
      setBusy(null)
    }
  }

  const keyStatus = connection?.key ?? settings?.apiKey ?? null

  return (
    <StepForm
      title={t.connect.title}
      intro={t.connect.intro}
      testId="step-connect"
      headerExtra={<LanguageSwitch />}
      canContinue={busy === null && url.trim() !== ''}
      busy={busy !== null}
      continueLabel={connection ? t.common.continue : t.connect.test}
      onContinue={() => (connection ? setStep('dataset') : void test())}
    >
      {servers !== null && <span data-testid={WIZARD_READY_TEST_ID} hidden />}
      <div className="grid-2">
        <Card title={t.connect.discovered}>
          {servers === null ? (
            <div className="muted">{t.common.working}</div>
          ) : servers.length === 0 ? (
            <div className="muted">{t.connect.noneDiscovered}</div>
          ) : (
            <ul className="choice-list" aria-label={t.connect.discovered}>
              {servers.map((s) => (
                <li key={`${s.source}:${s.url}`}>
                  <label className={`choice${url === s.url ? ' selected' : ''}`}>
                    <input type="radio" name="server" checked={url === s.url} onChange={() => setUrl(s.url)} />
                    <span className="mono">{s.url}</span>
                    <Badge>{t.connect.sourceLabel[s.source]}</Badge>
                  </label>
                </li>
              ))}
            </ul>
          )}
          <div className="sandbox-box">
            <Button onClick={() => void startSandbox()} busy={busy === 'sandbox'} disabled={busy !== null} data-testid="use-sandbox">
              {t.connect.sandbox}
            </Button>
            <div className="field-help">{sandbox?.running && sandbox.url ? t.connect.sandboxRunning(sandbox.url) : t.connect.sandboxNote}</div>
          </div>
        </Card>
        <Card>
          <Field label={t.connect.url}>
            {(id) => <input id={id} className="input mono" value={url} onChange={(e) => setUrl(e.target.value)} placeholder={t.connect.urlPlaceholder} autoComplete="off" spellCheck={false} data-testid="server-url" />}
          </Field>
          <Field
            label={t.connect.apiKey}
            help={
              <>
                {t.connect.apiKeyHelp}
                {keyStatus && (
                  <div data-testid="key-status">
                    {t.connect.keyStatus(keyStatus.set, keyStatus.source, keyStatus.storage)} {keyStatus.envDiffers && <strong>{t.connect.envDiffers}</strong>}
                  </div>
                )}
              </>
            }
          >
            {(id) => <input id={id} className="input mono" type="password" value={key} onChange={(e) => setKey(e.target.value)} placeholder={t.connect.apiKeyPlaceholder} autoComplete="off" data-testid="api-key" />}
          </Field>
          <Button onClick={() => void test()} busy={busy === 'test'} disabled={busy !== null || url.trim() === ''} data-testid="test-connection">
            {t.connect.test}
          </Button>
          {busy === 'test' && <div className="field-help">{t.connect.testing}</div>}
          {busy === 'sandbox' && <div className="field-help">{t.connect.sandboxStarting}</div>}
        </Card>
      </div>
      <LocalServerOffer onConnected={setUrl} />

      {failure && (
        <HintPanel
          failure={failure}
          handlers={{ retry: () => test(), useSandbox: () => startSandbox(), openSettings }}
        />
      )}

      {connection && (
        <Card testId="connection-report" title={<>{t.connect.ok} <Badge tone="ok">{t.connect.health(Math.round(connection.health.latencyMs))}</Badge> {connection.isSandbox && <Badge tone="info">{t.connect.sourceLabel.sandbox}</Badge>}</>}>
          <div className="muted small">
            <span className="mono">{connection.url}</span> · {t.connect.sourceLabel[connection.source]} · {t.connect.keyUsed(connection.key.source)}
          </div>
          <h4>{t.connect.models}</h4>
          <ul className="plain-list">
            {connection.capabilities.supported_models.map((m) => (
              <li key={m.model_name}>
                <span className="mono">{m.model_name}</span> <span className="muted small">{[t.connect.maxRank(m.max_lora_rank), t.connect.maxContext(m.max_context_length)].filter(Boolean).join(' · ')}</span>
              </li>
            ))}
          </ul>
          {connection.key.envDiffers && <Notice tone="warning">{t.connect.envDiffers}</Notice>}
        </Card>
      )}
    </StepForm>
  )
}
