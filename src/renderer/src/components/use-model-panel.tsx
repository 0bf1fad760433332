/**
 * "Use this model" for one sampler checkpoint: its `tinker://` path, ready-to-run snippets (curl, Python and Node
 * `openai`, the tinker SDK) that read the key from the environment, "Try it" (one chat through the server's
 * OpenAI-compatible route), and "Download adapter" (or where the weights live when they cannot be fetched).
 * Given a run id it offers that run's sampler checkpoints on the server the run trained on; given a path, that
 * checkpoint on the given (or active) server. Nothing is asked of the server until the panel is opened.
 */
import { useEffect, useState } from 'react'
import type { RunDetail } from '../../../shared/contract'
import type { Failure } from '../../../shared/result'
import { sameServer } from '../../../shared/server-url'
import type { TryChatResult, UseModelView } from '../../../shared/server-browser'
import type { UseModelSnippets } from '../../../shared/use-model-snippets'
import { useT } from '../i18n'
import { useLocalServer } from '../stores/local-server-store'
import { api } from '../api'
import { CopyButton } from './copy-button'
import { DownloadAdapter } from './download-adapter'
import { HintPanel } from './hint-panel'
import { Button, Card, Field, Notice } from './ui'

type Target = { runId: string } | { tinkerPath: string; server?: string }
type Tab = keyof Pick<UseModelSnippets, 'curl' | 'pythonOpenai' | 'nodeOpenai' | 'pythonTinker'>
const TABS: Tab[] = ['curl', 'pythonOpenai', 'nodeOpenai', 'pythonTinker']

/** The server a run trained on, as the contract names it: the sandbox by kind (its port changes), else its address. */
export function runServer(run: Pick<RunDetail, 'config' | 'serverUrl'>): string | undefined {
  if (run.config.server.kind === 'sandbox') return 'sandbox'
  return run.serverUrl ?? run.config.server.url
}


export function UseModelPanel(props: Target & { startOpen?: boolean; onClose?: () => void }): React.JSX.Element {
  const { t } = useT()
  const [open, setOpen] = useState(props.startOpen ?? false)
  const u = t.useModel
  if (!open)
    return (
      <Card testId="use-model" title={u.title} actions={<Button onClick={() => setOpen(true)} data-testid="use-model-open">{u.title}</Button>}>
        <div className="muted small">{u.keyNote('TINKER_API_KEY')}</div>
      </Card>
    )
  return <OpenPanel target={props} onClose={props.onClose ?? (() => setOpen(false))} />
}

function OpenPanel({ target, onClose }: { target: Target; onClose: () => void }): React.JSX.Element {
  const { t } = useT()
  const u = t.useModel
  const runId = 'runId' in target ? target.runId : null
  const [run, setRun] = useState<RunDetail | null>(null)
  const [path, setPath] = useState<string | null>('tinkerPath' in target ? target.tinkerPath : null)
  const [failure, setFailure] = useState<Failure | null>(null)

  useEffect(() => {
    if (!runId) return
    void api.runGet({ runId }).then((r) => {
      if (!r.ok) return setFailure(r)
      setRun(r.value)
      const samplers = r.value.checkpoints.filter((c) => c.kind === 'sampler')
      setPath(r.value.samplerPath ?? samplers.at(-1)?.path ?? null)
    })
  }, [runId])

  const server = 'server' in target ? target.server : run ? runServer(run) : undefined
  const samplers = run?.checkpoints.filter((c) => c.kind === 'sampler') ?? []
  const loading = runId !== null && run === null && !failure

  return (
    <Card testId="use-model" title={u.title} actions={<Button variant="ghost" onClick={onClose}>{u.hide}</Button>}>
      {failure && <HintPanel failure={failure} />}
      {loading && <div className="muted small">{t.common.working}</div>}
      {run && samplers.length === 0 && <Notice tone="info" testId="use-model-no-sampler">{u.noSampler}</Notice>}
      {samplers.length > 1 && (
        <Field label={u.checkpoint}>
          {(id) => (
            <select id={id} className="input" value={path ?? ''} onChange={(e) => setPath(e.target.value)} data-testid="use-model-checkpoint">
              {samplers.map((c) => (
                <option key={c.path} value={c.path}>
                  {u.checkpointOption(c.name, c.step)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {path && (!runId || run) && <CheckpointUse key={`${server ?? ''}|${path}`} server={server} path={path} />}
    </Card>
  )
}

function CheckpointUse({ server, path }: { server: string | undefined; path: string }): React.JSX.Element {
  const { t, fmt, locale } = useT()
  const u = t.useModel
  const [view, setView] = useState<UseModelView | null>(null)
  const [tab, setTab] = useState<Tab>('curl')
  const [message, setMessage] = useState(u.samplePrompt)
  const [reply, setReply] = useState<TryChatResult | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [snippetFailure, setSnippetFailure] = useState<Failure | null>(null)
  const [busy, setBusy] = useState(false)
  const at = server ? { server } : {}
  const local = useLocalServer((s) => s.status)
  useEffect(() => useLocalServer.getState().init(), [])
  // Snippets read the key from the environment; for the server started here, say where that key is.
  const localKeyFile = view && local?.url && local.configPath && sameServer(local.url, view.server) ? local.configPath : null

  useEffect(() => {
    // The snippets' prompt is the one "Try it" starts with, in the UI's language.
    void api.useModelSnippets({ ...(server ? { server } : {}), model: path, locale }).then((r) => (r.ok ? setView(r.value) : setSnippetFailure(r)))
  }, [server, path, locale])

  const tryIt = async (): Promise<void> => {
    setBusy(true)
    setFailure(null)
    setReply(null)
    try {
      const r = await api.tryChat({ ...at, model: path, messages: [{ role: 'user', content: message }] })
      if (r.ok) setReply(r.value)
      else setFailure(r)
    } finally {
      setBusy(false)
    }
  }

  const code = view?.snippets[tab] ?? ''
  return (
    <div className="use-model" data-testid="use-model-body">
      <div className="kv-line">
        <span className="label-like">{u.path}</span>
        <code className="mono path" data-testid="use-model-path">{path}</code>
        <CopyButton text={path} label={u.copy} copiedLabel={u.copied} testId="copy-path" />
      </div>
      {snippetFailure && <HintPanel failure={snippetFailure} />}
      {view && (
        <>
          <div className="kv-line">
            <span className="label-like">{u.endpoint}</span>
            <code className="mono path">{view.snippets.endpoint}</code>
            <CopyButton text={view.snippets.endpoint} label={u.copy} copiedLabel={u.copied} />
          </div>
          <div className="muted small">
            {u.keyNote(view.snippets.keyEnv)} {localKeyFile && <span data-testid="local-key-file">{u.localKeyAt(localKeyFile)}</span>}
          </div>
          <div className="row spread">
            <div className="segmented compact" role="tablist">
              {TABS.map((k) => (
                <button key={k} type="button" role="tab" aria-selected={tab === k} className={tab === k ? 'active' : ''} onClick={() => setTab(k)} data-testid={`snippet-tab-${k}`}>
                  {u.tabs[k]}
                </button>
              ))}
            </div>
            <CopyButton text={code} label={u.copy} copiedLabel={u.copied} testId="copy-snippet" />
          </div>
          <pre className="code" data-testid="snippet">{code}</pre>
        </>
      )}
      <div className="try-it">
        <Field label={u.message}>
          {(id) => <textarea id={id} className="input" rows={2} value={message} onChange={(e) => setMessage(e.target.value)} data-testid="try-message" />}
        </Field>
        <div className="row">
          <Button variant="primary" onClick={() => void tryIt()} busy={busy} disabled={busy || !message.trim()} data-testid="try-it">
            {u.tryIt}
          </Button>
          {busy && <span className="muted small">{u.trying}</span>}
        </div>
      </div>
      {reply && (
        <div data-testid="try-reply">
          <div className="label-like">
            {u.reply} <span className="muted small">{u.replyMeta(fmt.milliseconds(Math.round(reply.latencyMs)), reply.usage?.completion_tokens ?? null)}</span>
          </div>
          <div className="sample-text">{reply.reply}</div>
        </div>
      )}
      {failure && <HintPanel failure={failure} handlers={{ retry: () => tryIt() }} />}
      <DownloadAdapter server={server} tinkerPath={path} />
    </div>
  )
}
