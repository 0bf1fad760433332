/**
 * "Start a local TuFT server" on the connect step. Finds TuFT on this workstation; when it is there, a form picks
 * the base-model folders and TuFT's limits, shows the tuft_config.yaml it will write (keys hidden) and the command,
 * starts the server with its phases and live log, and names a failed start with its fix and the log line it was
 * recognised from. A running server (started here, earlier, or by the CLI) shows its state, log, stop, the
 * "leave it running on quit" choice, and "Connect to it", which makes it the active server.
 */
import { useEffect, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { LocalServerConfigInput, LocalServerField, LocalServerPlan, TuftInstall } from '../../../shared/local-server'
import type { Failure } from '../../../shared/result'
import { useT } from '../i18n'
import { api } from '../api'
import { HintPanel, type HintHandlers } from '../components/hint-panel'
import { Badge, Button, Card, Field, Notice, ProgressBar } from '../components/ui'
import { modelFolderProblem } from '../lib/what-happened'
import { useOp } from '../components/use-op'
import { useLocalServer } from '../stores/local-server-store'
import { useNav } from '../stores/nav-store'
import { useSettings } from '../stores/settings-store'
import { configOf, emptyForm, emptyModel, fixFocus, lowerMaxModelLen, nextPort, type FormFocus, type LocalServerDraft, type ModelDraft } from './draft'
import { ModelFolderRow } from './model-folder-row'
import { ServerLog } from './server-log'

type Stage = 'closed' | 'edit' | 'review' | 'starting'
const PHASES = ['checking', 'writing-config', 'starting', 'loading', 'ready'] as const

/** The input of each setting a fix can open the form at (a model's inside its row). */
const FIELD_TEST_IDS: Record<LocalServerField, string> = {
  model_path: 'model-path',
  model_name: 'model-name',
  max_model_len: 'max-model-len',
  max_lora_rank: 'max-lora-rank',
  tensor_parallel_size: 'tensor-parallel',
  training_backend: 'training-backend',
  fsdp_num_gpus: 'fsdp-gpus',
  checkpoint_dir: 'checkpoint-dir',
  port: 'local-port',
  colocate: 'colocate',
}
const MODEL_FIELDS = new Set<LocalServerField>(['model_path', 'model_name', 'max_model_len', 'max_lora_rank', 'tensor_parallel_size', 'training_backend', 'fsdp_num_gpus'])

export function LocalServerOffer({ onConnected }: { onConnected?: (url: string) => void }): React.JSX.Element {
  const { t, fmt, hint } = useT()
  const l = t.localServer
  const { status, init } = useLocalServer(useShallow((s) => ({ status: s.status, init: s.init })))
  const { setConnection, update } = useSettings(useShallow((s) => ({ setConnection: s.setConnection, update: s.update })))
  const openSettings = useNav((s) => s.openSettings)
  const op = useOp()
  const [install, setInstall] = useState<TuftInstall | null>(null)
  const [canPick, setCanPick] = useState(false)
  const [stage, setStage] = useState<Stage>('closed')
  const [form, setForm] = useState<LocalServerDraft>(() => useLocalServer.getState().draft ?? emptyForm())
  const { models, checkpointDir, port, colocate, persistence, keepRunning, exposed } = form
  const patch = (p: Partial<LocalServerDraft>): void => setForm((f) => ({ ...f, ...p }))
  const setModels = (update: (all: ModelDraft[]) => ModelDraft[]): void => setForm((f) => ({ ...f, models: update(f.models) }))
  useEffect(() => useLocalServer.setState({ draft: form }), [form])
  const [plan, setPlan] = useState<LocalServerPlan | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [busy, setBusy] = useState<'plan' | 'stop' | 'connect' | null>(null)
  const [connectedTo, setConnectedTo] = useState<string | null>(null)
  // Set by a one-click fix: the input to focus once the form shows it.
  const pendingFocus = useRef<FormFocus | null>(null)
  const formRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const focus = pendingFocus.current
    const form = formRef.current
    if (!focus || !form) return
    pendingFocus.current = null
    const scope = focus.field !== null && MODEL_FIELDS.has(focus.field) ? form.querySelector(`[data-testid="model-row-${focus.modelIndex}"]`) : form
    const input = scope?.querySelector(focus.field === null ? 'input, select' : `[data-testid="${FIELD_TEST_IDS[focus.field]}"]`)
    if (input instanceof HTMLElement) input.focus()
  })

  useEffect(() => {
    init()
    void api.localServerDetect().then((r) => setInstall(r.ok ? r.value : { found: false, command: null, tried: [], reason: r.message }))
    void api.appInfo().then((r) => setCanPick(r.ok && r.value.mode === 'electron'))
  }, [init])

  const config = (): LocalServerConfigInput => configOf(form)
  const edit = (): void => {
    setPlan(null)
    setStage('edit')
  }

  const review = async (): Promise<void> => {
    setBusy('plan')
    setFailure(null)
    try {
      const r = await api.localServerPlan({ config: config() })
      if (!r.ok) return setFailure(r)
      setPlan(r.value)
      setStage('review')
    } finally {
      setBusy(null)
    }
  }

  const start = async (): Promise<void> => {
    setFailure(null)
    setConnectedTo(null)
    setStage('starting')
    const opId = op.start('local-server')
    const r = await api.localServerStart({ opId, config: config(), keepRunningOnQuit: keepRunning })
    op.done()
    if (!r.ok) {
      // Stopped by the user while it was starting: nothing to explain.
      if (r.code !== 'cancelled') setFailure(r)
      setStage('review')
      return
    }
    setStage('closed')
  }

  const stop = async (): Promise<void> => {
    setBusy('stop')
    try {
      // A start in progress is cancelled (main stops the process it spawned); a running server is stopped.
      if (stage === 'starting' && op.opId) {
        await api.opCancel({ opId: op.opId })
        return
      }
      const r = await api.localServerStop()
      if (!r.ok) setFailure(r)
      setConnectedTo(null)
    } finally {
      setBusy(null)
    }
  }

  const connect = async (): Promise<void> => {
    if (!status?.url) return
    setBusy('connect')
    setFailure(null)
    try {
      const r = await api.connectionTest({ url: status.url })
      if (!r.ok) return setFailure(r)
      setConnection(r.value)
      await update({ activeServer: r.value.url })
      setConnectedTo(r.value.url)
      onConnected?.(r.value.url)
    } finally {
      setBusy(null)
    }
  }

  const toggleKeep = async (keep: boolean): Promise<void> => {
    const r = await api.localServerKeepRunning({ keepRunning: keep })
    if (!r.ok) setFailure(r)
  }

  const pickCheckpoints = async (): Promise<void> => {
    const r = await api.pickFolder({ purpose: 'checkpoint-folder', ...(checkpointDir.trim() ? { defaultPath: checkpointDir.trim() } : {}) })
    if (r.ok && r.value.path) patch({ checkpointDir: r.value.path })
  }

  // A fix changes the form (or not) and opens it where the user should look; the failure it answered is done.
  const applyFix = (next: LocalServerDraft | null, at: FormFocus): void => {
    if (next) setForm(next)
    setFailure(null)
    pendingFocus.current = at
    edit()
  }

  const live = status && (status.state === 'running' || status.state === 'starting' || status.state === 'unhealthy' || status.state === 'stopping')
  const line = typeof failure?.details?.line === 'string' ? failure.details.line : null
  const failurePanel = failure && <HintPanel failure={failure} handlers={fixHandlers(failure)} />

  function fixHandlers(f: Failure): HintHandlers {
    const port = nextPort(f)
    const shorter = lowerMaxModelLen(form, plan)
    return {
      openSettings,
      retry: f.code === 'local-server-start-timeout' ? () => start() : undefined,
      ...(port !== null ? { nextPort: port, useNextPort: () => applyFix({ ...form, port: String(port) }, { field: 'port', modelIndex: 0 }) } : {}),
      ...(shorter ? { lowerMaxModelLenTo: shorter.to, lowerMaxModelLen: () => applyFix(shorter.form, shorter.focus) } : {}),
      editLocalServer: (field) => applyFix(null, fixFocus(field, f)),
    }
  }

  if (!install) {
    return (
      <Card title={l.title} testId="local-server">
        <div className="muted small">{l.detecting}</div>
      </Card>
    )
  }

  if (live && status) {
    const tone = status.state === 'running' ? 'ok' : status.state === 'unhealthy' ? 'warn' : 'info'
    return (
      <Card
        testId="local-server"
        title={
          <>
            {l.liveTitle} <Badge tone={tone} testId="local-server-state">{l.state[status.state] ?? status.state}</Badge>
          </>
        }
        actions={
          <>
            <Button variant="primary" onClick={() => void connect()} busy={busy === 'connect'} disabled={status.state !== 'running' || busy !== null} data-testid="local-server-connect">
              {l.useIt}
            </Button>
            <Button variant="danger" onClick={() => void stop()} busy={busy === 'stop' || status.state === 'stopping'} disabled={busy !== null} data-testid="local-server-stop">
              {l.stop}
            </Button>
          </>
        }
      >
        <div className="small">
          {status.url && <span className="mono" data-testid="local-server-url">{l.running(status.url)}</span>}
          {status.pid !== null && <span className="muted"> · {l.pid(status.pid)}</span>}
          {status.startedAt && <span className="muted"> · {l.startedAt(fmt.dateTime(status.startedAt))}</span>}
        </div>
        {status.models.length > 0 && (
          <div className="small">
            {l.servedModels}: {status.models.map((m) => (
              <span key={m.name} className="mono model-chip" title={m.path}>
                {m.name}
              </span>
            ))}
          </div>
        )}
        {status.state === 'unhealthy' && <Notice tone="warning">{l.unhealthyNote}</Notice>}
        {connectedTo && <Notice tone="ok" testId="local-server-connected">{l.connected(connectedTo)}</Notice>}
        <label className="inline-check">
          <input type="checkbox" checked={status.keepRunningOnQuit} onChange={(e) => void toggleKeep(e.target.checked)} data-testid="keep-running" />
          {l.keepRunning}
        </label>
        {stage === 'starting' && <StartProgress op={op.progress} />}
        {failurePanel}
        <ServerLog logPath={status.logPath} />
      </Card>
    )
  }

  if (!install.found) {
    return (
      <Card title={l.title} testId="local-server">
        <div className="small" data-testid="tuft-not-installed">
          <span className="strong">{l.notDetected}</span> <span className="muted">{hint('tuft-not-installed').fix}</span>
        </div>
      </Card>
    )
  }

  return (
    <Card
      testId="local-server"
      title={l.title}
      actions={
        stage === 'closed' ? (
          <Button onClick={() => setStage('edit')} data-testid="local-server-setup">{l.setUp}</Button>
        ) : stage !== 'starting' ? (
          <Button variant="ghost" onClick={() => setStage('closed')}>{l.hide}</Button>
        ) : null
      }
    >
      <div className="muted small" data-testid="tuft-detected">
        {l.detected(install.command.join(' '))}
      </div>
      {status?.state === 'exited' && <Notice tone="warning">{l.exitedNote}</Notice>}
      {stage === 'closed' && <div className="field-help">{l.intro}</div>}

      {stage === 'edit' && (
        // Not a <form>: the connect step around it is one, and Enter here reviews this config, not the connection.
        <div
          ref={formRef}
          className="local-server-form"
          data-testid="local-server-form"
          onKeyDown={(e) => {
            if (e.key !== 'Enter' || !(e.target instanceof HTMLInputElement)) return
            e.preventDefault()
            void review()
          }}
        >
          {models.map((m, i) => (
            <ModelFolderRow
              key={m.key}
              draft={m}
              index={i}
              canPick={canPick}
              canRemove={models.length > 1}
              onChange={(patch) => setModels((all) => all.map((x) => (x.key === m.key ? { ...x, ...patch } : x)))}
              onRemove={() => setModels((all) => all.filter((x) => x.key !== m.key))}
            />
          ))}
          <Button variant="ghost" onClick={() => setModels((all) => [...all, emptyModel(Math.max(...all.map((x) => x.key)) + 1)])} data-testid="add-model">
            {l.addModel}
          </Button>
          <div className="grid-3">
            <Field label={l.checkpointDir} help={l.checkpointDirHelp}>
              {(id) => (
                <div className="row nowrap-row">
                  <input id={id} className="input mono grow" value={checkpointDir} onChange={(e) => patch({ checkpointDir: e.target.value })} autoComplete="off" spellCheck={false} data-testid="checkpoint-dir" />
                  {canPick && <Button onClick={() => void pickCheckpoints()}>{l.browse}</Button>}
                </div>
              )}
            </Field>
            <Field label={l.port}>
              {(id) => <input id={id} className="input num-input" inputMode="numeric" value={port} onChange={(e) => patch({ port: e.target.value })} data-testid="local-port" />}
            </Field>
            <Field label={l.host}>
              {(id) => (
                <select id={id} className="input" value={exposed ? 'all' : 'local'} onChange={(e) => patch({ exposed: e.target.value === 'all' })}>
                  <option value="local">{l.hostLocal}</option>
                  <option value="all">{l.hostAll}</option>
                </select>
              )}
            </Field>
          </div>
          <div className="checks">
            <label className="inline-check">
              <input type="checkbox" checked={colocate} onChange={(e) => patch({ colocate: e.target.checked })} data-testid="colocate" />
              {l.colocate}
            </label>
            <label className="inline-check">
              <input type="checkbox" checked={persistence} onChange={(e) => patch({ persistence: e.target.checked })} />
              {l.persistence}
            </label>
            <label className="inline-check">
              <input type="checkbox" checked={keepRunning} onChange={(e) => patch({ keepRunning: e.target.checked })} data-testid="keep-running-choice" />
              {l.keepRunning}
            </label>
          </div>
          <div className="field-help">{l.keysNote}</div>
          <Button variant="primary" onClick={() => void review()} busy={busy === 'plan'} disabled={models.every((m) => !m.path.trim())} data-testid="local-server-review">
            {l.preview}
          </Button>
        </div>
      )}

      {(stage === 'review' || stage === 'starting') && plan && (
        <div className="plan" data-testid="local-server-plan">
          <table className="table kv small">
            <tbody>
              <tr>
                <th scope="row">{l.planUrl}</th>
                <td className="mono">{plan.url}</td>
              </tr>
              <tr>
                <th scope="row">{l.planCommand}</th>
                <td className="mono">{plan.command.join(' ')}</td>
              </tr>
              <tr>
                <th scope="row">{l.planConfigPath}</th>
                <td className="mono">{plan.configPath}</td>
              </tr>
              <tr>
                <th scope="row">{l.planCheckpoints}</th>
                <td className="mono">{plan.checkpointDir}</td>
              </tr>
              <tr>
                <th scope="row">{l.planLog}</th>
                <td className="mono">{plan.logPath}</td>
              </tr>
            </tbody>
          </table>
          <h4>{l.review}</h4>
          <pre className="yaml" data-testid="yaml-preview">{plan.yaml}</pre>
          {plan.problems.length > 0 && (
            <Notice tone="error" testId="plan-problems">
              {l.planProblems}
              <ul className="plain-list">
                {plan.problems.map((p) => (
                  <li key={p.message}>{modelFolderProblem(t, p, true)}</li>
                ))}
              </ul>
            </Notice>
          )}
          {stage === 'review' && (
            <div className="row">
              <Button onClick={edit} data-testid="local-server-edit">{l.edit}</Button>
              <Button variant="primary" onClick={() => void start()} disabled={plan.problems.length > 0} data-testid="local-server-start">
                {l.start}
              </Button>
            </div>
          )}
        </div>
      )}

      {stage === 'starting' && <StartProgress op={op.progress} />}
      {failurePanel}
      {line && (
        <div className="failed-line" data-testid="failed-line">
          <div className="label-like">{l.failedLine}</div>
          <pre className="log-lines short">{line}</pre>
        </div>
      )}
      {(stage === 'starting' || failure?.details?.logTail !== undefined || status?.state === 'exited') && <ServerLog mark={line} logPath={status?.logPath ?? null} />}
    </Card>
  )
}

function StartProgress({ op }: { op: { phase: string; current: number; total: number } | null }): React.JSX.Element {
  const { t, fmt } = useT()
  const l = t.localServer
  const at = op ? PHASES.indexOf(op.phase as (typeof PHASES)[number]) : 0
  return (
    <div className="start-progress" data-testid="local-server-progress" data-phase={op?.phase ?? 'checking'}>
      <ol className="phases" aria-label={l.starting}>
        {PHASES.map((p, i) => (
          <li key={p} className={`phase phase-${i < at ? 'done' : i === at ? 'current' : 'todo'}`} aria-current={i === at ? 'step' : undefined}>
            <span className="phase-dot" aria-hidden="true" />
            {l.phases[p]}
          </li>
        ))}
      </ol>
      {op?.phase === 'loading' && <ProgressBar label={l.phases.loading} current={0} total={0} detail={l.loadingFor(fmt.duration(op.current), fmt.duration(op.total))} />}
    </div>
  )
}
