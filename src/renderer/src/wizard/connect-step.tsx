/**
 * Step 1: pick a server (discovered ones with their source, or typed), give the API key, and test health +
 * key + capabilities in one go — or start the local sandbox. The key field is write-only: the typed key is
 * handed to main to store encrypted (the form says so before and after) and cleared from the page; only its
 * last characters come back, to compare with the key the user meant. The address typed here lives in the
 * wizard's store, so a hint's "Open settings" and the way back keep it.
 */
import { useEffect, useRef, useState } from 'react'
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
import { QuickStart } from './quick-start'
import { StepForm } from './step-form'
import { sameServer } from '../../../shared/server-url'


export function ConnectStep(): React.JSX.Element {
  const { t } = useT()
  const { settings, connection, setConnection, update, load } = useSettings(
    useShallow((s) => ({ settings: s.settings, connection: s.connection, setConnection: s.setConnection, update: s.update, load: s.load })),
  )
  const { url, setUrl, setStep } = useWizard(useShallow((s) => ({ url: s.serverUrl, setUrl: s.setServerUrl, setStep: s.setStep })))
  const openSettings = useNav((s) => s.openSettings)
  const [servers, setServers] = useState<DiscoveredServer[] | null>(null)
  const [sandbox, setSandbox] = useState<SandboxStatus | null>(null)
  const [key, setKey] = useState('')
  const [savedKey, setSavedKey] = useState<string | null>(null)
  const [copy, setCopy] = useState<'copied' | 'failed' | null>(null)
  const [busy, setBusy] = useState<'test' | 'sandbox' | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const keyInput = useRef<HTMLInputElement>(null)

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
      const w = useWizard.getState()
      if (!w.serverUrl) w.setServerUrl(useSettings.getState().connection?.url || useSettings.getState().settings?.activeServer?.replace(/^sandbox$/, '') || r.value.servers[0]?.url || '')
    })
    const off = api.on('sandbox', (s) => setSandbox(s))
    return () => {
      live = false
      off()
    }
  }, [])

  const connected = connection !== null && sameServer(connection.url, url)
  const sandboxTarget = sandbox?.running === true && sameServer(sandbox.url, url)

  const test = async (): Promise<void> => {
    const address = url.trim()
    if (!address) return
    setBusy('test')
    setFailure(null)
    setConnection(null)
    try {
      if (key.trim() && !sandboxTarget) {
        const k = await api.apiKeySet({ key: key.trim() })
        setKey('')
        if (!k.ok) return setFailure(k)
        setSavedKey(k.value.masked ?? '')
        await load()
      }
      const r = await api.connectionTest({ url: address })
      if (!r.ok) return setFailure(r)
      setConnection(r.value)
      setUrl(r.value.url)
      await update({ activeServer: r.value.isSandbox ? 'sandbox' : r.value.url })
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
      // The list now has the sandbox in it, ticked.
      void api.connectionDiscover().then((d) => d.ok && setServers(d.value.servers))
      const r = await api.connectionTest({ url: 'sandbox' })
      if (!r.ok) return setFailure(r)
      setConnection(r.value)
      await update({ activeServer: 'sandbox' })
    } finally {
      setBusy(null)
    }
  }

  const copySandboxKey = async (): Promise<void> => {
    setCopy(null)
    const r = await api.sandboxKeyCopy()
    if (!r.ok) return setFailure(r)
    try {
      await navigator.clipboard.writeText(r.value.key)
      setCopy('copied')
    } catch {
      setCopy('failed')
    }
  }

  // Enter in the address or key field tests the connection; once it is tested, Enter continues (the form's submit).
  const enterTests = (e: React.KeyboardEvent<HTMLInputElement>): void => {
    if (e.key !== 'Enter' || connected) return
    e.preventDefault()
    if (busy === null) void test()
  }

  const keyFacts = settings?.apiKey ?? null
  const isKeyFailure = failure?.code === 'invalid-api-key' || failure?.code === 'missing-api-key'

  return (
    <StepForm
      title={t.connect.title}
      intro={t.connect.intro}
      testId="step-connect"
      headerExtra={<LanguageSwitch />}
      canContinue={busy === null && connected}
      blockedReason={busy !== null ? null : connection !== null && !connected ? t.connect.urlChanged : t.connect.testFirst}
      busy={busy !== null}
      onContinue={() => setStep('dataset')}
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
                  <label className={`choice${sameServer(url, s.url) ? ' selected' : ''}`}>
                    <input type="radio" name="server" checked={sameServer(url, s.url)} onChange={() => setUrl(s.url)} />
                    <span className="mono">{s.url}</span>
                    <Badge>{t.connect.sourceLabel[s.source]}</Badge>
                  </label>
                </li>
              ))}
            </ul>
          )}
          <div className="sandbox-box" data-testid="sandbox-box">
            <Button onClick={() => void startSandbox()} busy={busy === 'sandbox'} disabled={busy !== null} data-testid="use-sandbox">
              {t.connect.sandbox}
            </Button>
            <div className="field-help">{sandbox?.running && sandbox.url ? t.connect.sandboxRunning(sandbox.url) : t.connect.sandboxNote}</div>
            {sandbox?.running && sandbox.keyMasked && (
              <div className="row small">
                <Badge testId="sandbox-key">{t.connect.sandboxKey(sandbox.keyMasked)}</Badge>
                <Button variant="ghost" onClick={() => void copySandboxKey()} data-testid="copy-sandbox-key">
                  {t.connect.copyKey}
                </Button>
                {copy && (
                  <span role="status" className={copy === 'failed' ? 'warn-text' : 'muted'} data-testid="copy-status">
                    {copy === 'copied' ? t.connect.keyCopied : t.connect.copyFailed}
                  </span>
                )}
              </div>
            )}
            {sandbox && (
              <div className="row small muted">
                <span data-testid="sandbox-port">{t.connect.sandboxPort(sandbox)}</span>
                {sandbox.fixedPortSource !== 'serve-flag' && (
                  <button type="button" className="linklike" onClick={() => openSettings('sandbox')}>
                    {t.connect.fixPort}
                  </button>
                )}
              </div>
            )}
          </div>
        </Card>
        <Card>
          <Field label={t.connect.url}>
            {(id) => (
              <input
                id={id}
                className="input mono"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                onKeyDown={enterTests}
                placeholder={t.connect.urlPlaceholder}
                autoComplete="off"
                spellCheck={false}
                data-testid="server-url"
              />
            )}
          </Field>
          {sandboxTarget ? (
            <div className="field">
              <span className="label-like">{t.connect.apiKey}</span>
              <div className="field-help" data-testid="key-status">{t.connect.sandboxOwnKey(sandbox?.keyMasked ?? null)}</div>
            </div>
          ) : (
            <Field
              label={t.connect.apiKey}
              help={
                key.trim() ? (
                  <span data-testid="key-will-save">{t.connect.apiKeyWillSave(keyFacts?.masked ?? null)}</span>
                ) : (
                  <>
                    {t.connect.apiKeyHelp}
                    {keyFacts && (
                      <div data-testid="key-status">
                        {t.connect.keyStatus(keyFacts)} {keyFacts.envDiffers && <strong>{t.connect.envDiffers(keyFacts.envMasked)}</strong>}
                      </div>
                    )}
                  </>
                )
              }
            >
              {(id) => (
                <input
                  id={id}
                  ref={keyInput}
                  className="input mono"
                  type="password"
                  value={key}
                  onChange={(e) => setKey(e.target.value)}
                  onKeyDown={enterTests}
                  placeholder={t.connect.apiKeyPlaceholder(keyFacts?.masked ?? null, keyFacts?.envMasked ?? null)}
                  autoComplete="off"
                  data-testid="api-key"
                />
              )}
            </Field>
          )}
          <Button onClick={() => void test()} busy={busy === 'test'} disabled={busy !== null || url.trim() === ''} data-testid="test-connection">
            {t.connect.test}
          </Button>
          {busy === 'test' && <div className="field-help">{t.connect.testing}</div>}
          {busy === 'sandbox' && <div className="field-help">{t.connect.sandboxStarting}</div>}
          {savedKey !== null && (
            <Notice tone="info" testId="key-saved">
              {t.connect.keySaved(savedKey)}
            </Notice>
          )}
        </Card>
      </div>
      <LocalServerOffer onConnected={setUrl} />

      <QuickStart />
      {/* A "Start a local TuFT server" section belongs here, between choosing a server and the test's result. */}

      {failure && (
        <HintPanel
          failure={failure}
          handlers={{ retry: () => test(), useSandbox: () => startSandbox(), openSettings }}
          extra={
            isKeyFailure && !sandboxTarget ? (
              <Button onClick={() => keyInput.current?.focus()} data-testid="edit-key">
                {t.connect.editKey}
              </Button>
            ) : undefined
          }
        />
      )}

      {connection && (
        <Card testId="connection-report" title={<>{t.connect.ok} <Badge tone="ok">{t.connect.health(Math.round(connection.health.latencyMs))}</Badge> {connection.isSandbox && <Badge tone="info">{t.connect.sourceLabel.sandbox}</Badge>}</>}>
          <div className="muted small">
            <span className="mono">{connection.url}</span> · {t.connect.sourceLabel[connection.source]} · <span data-testid="key-used">{t.connect.keyUsed(connection.key.source, connection.keySentMasked)}</span>
          </div>
          <h4>{t.connect.models}</h4>
          <ul className="plain-list">
            {connection.capabilities.supported_models.map((m) => (
              <li key={m.model_name}>
                <span className="mono">{m.model_name}</span> <span className="muted small">{[t.connect.maxRank(m.max_lora_rank), t.connect.maxContext(m.max_context_length)].filter(Boolean).join(' · ')}</span>
              </li>
            ))}
          </ul>
          {connection.key.source === 'settings' && connection.key.envDiffers && <Notice tone="warning">{t.connect.envDiffers(connection.key.envMasked)}</Notice>}
        </Card>
      )}
    </StepForm>
  )
}
