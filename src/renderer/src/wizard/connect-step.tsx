/**
 * Step 1: pick a server (discovered ones with their source, or typed), give the API key, and test health +
 * key + capabilities in one go — or start the local sandbox. The key field is write-only: the typed key is
 * handed to main to store encrypted and cleared from the page; only facts about it come back.
 */
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { WIZARD_READY_TEST_ID, type DiscoveredServer, type SandboxStatus } from '../../../shared/contract'
import type { Failure } from '../../../shared/result'
import { UI } from '../../../shared/ui-strings'
import { api } from '../api'
import { HintPanel } from '../components/hint-panel'
import { Badge, Button, Card, Field, Notice } from '../components/ui'
import { useNav } from '../stores/nav-store'
import { useSettings } from '../stores/settings-store'
import { useWizard } from '../stores/wizard-store'
import { StepForm } from './step-form'

export function ConnectStep(): React.JSX.Element {
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
      title={UI.connect.title}
      intro={UI.connect.intro}
      testId="step-connect"
      canContinue={busy === null && url.trim() !== ''}
      busy={busy !== null}
      continueLabel={connection ? UI.common.continue : UI.connect.test}
      onContinue={() => (connection ? setStep('dataset') : void test())}
    >
      {servers !== null && <span data-testid={WIZARD_READY_TEST_ID} hidden />}
      <div className="grid-2">
        <Card title={UI.connect.discovered}>
          {servers === null ? (
            <div className="muted">{UI.common.working}</div>
          ) : servers.length === 0 ? (
            <div className="muted">{UI.connect.noneDiscovered}</div>
          ) : (
            <ul className="choice-list" aria-label={UI.connect.discovered}>
              {servers.map((s) => (
                <li key={`${s.source}:${s.url}`}>
                  <label className={`choice${url === s.url ? ' selected' : ''}`}>
                    <input type="radio" name="server" checked={url === s.url} onChange={() => setUrl(s.url)} />
                    <span className="mono">{s.url}</span>
                    <Badge>{UI.connect.sourceLabel[s.source] ?? s.source}</Badge>
                  </label>
                </li>
              ))}
            </ul>
          )}
          <div className="sandbox-box">
            <Button onClick={() => void startSandbox()} busy={busy === 'sandbox'} disabled={busy !== null} data-testid="use-sandbox">
              {UI.connect.sandbox}
            </Button>
            <div className="field-help">{sandbox?.running && sandbox.url ? `${UI.connect.sourceLabel.sandbox}: ${sandbox.url}` : UI.connect.sandboxNote}</div>
          </div>
        </Card>
        <Card>
          <Field label={UI.connect.url}>
            {(id) => <input id={id} className="input mono" value={url} onChange={(e) => setUrl(e.target.value)} placeholder={UI.connect.urlPlaceholder} autoComplete="off" spellCheck={false} data-testid="server-url" />}
          </Field>
          <Field
            label={UI.connect.apiKey}
            help={
              <>
                {UI.connect.apiKeyHelp}
                {keyStatus && (
                  <div data-testid="key-status">
                    {UI.connect.keyStatus(keyStatus.set, keyStatus.source, keyStatus.storage)} {keyStatus.envDiffers && <strong>{UI.connect.envDiffers}</strong>}
                  </div>
                )}
              </>
            }
          >
            {(id) => <input id={id} className="input mono" type="password" value={key} onChange={(e) => setKey(e.target.value)} placeholder={UI.connect.apiKeyPlaceholder} autoComplete="off" data-testid="api-key" />}
          </Field>
          <Button onClick={() => void test()} busy={busy === 'test'} disabled={busy !== null || url.trim() === ''} data-testid="test-connection">
            {UI.connect.test}
          </Button>
          {busy === 'test' && <div className="field-help">{UI.connect.testing}</div>}
          {busy === 'sandbox' && <div className="field-help">{UI.connect.sandboxStarting}</div>}
        </Card>
      </div>

      {failure && (
        <HintPanel
          failure={failure}
          handlers={{ retry: () => test(), useSandbox: () => startSandbox(), openSettings }}
        />
      )}

      {connection && (
        <Card testId="connection-report" title={<>{UI.connect.ok} <Badge tone="ok">{UI.connect.health(Math.round(connection.health.latencyMs))}</Badge> {connection.isSandbox && <Badge tone="info">{UI.connect.sourceLabel.sandbox}</Badge>}</>}>
          <div className="muted small">
            <span className="mono">{connection.url}</span> · {UI.connect.sourceLabel[connection.source] ?? connection.source} · {UI.connect.keyUsed(connection.key.source)}
          </div>
          <h4>{UI.connect.models}</h4>
          <ul className="plain-list">
            {connection.capabilities.supported_models.map((m) => (
              <li key={m.model_name}>
                <span className="mono">{m.model_name}</span> <span className="muted small">{[UI.connect.maxRank(m.max_lora_rank), UI.connect.maxContext(m.max_context_length)].filter(Boolean).join(' · ')}</span>
              </li>
            ))}
          </ul>
          {connection.key.envDiffers && <Notice tone="warning">{UI.connect.envDiffers}</Notice>}
        </Card>
      )}
    </StepForm>
  )
}
