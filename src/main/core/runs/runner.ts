import { randomUUID } from 'node:crypto'
import type { Db } from '../store'
import {
  createTuftClient,
  type ForwardBackwardResult,
  type Pending,
  type TrainingModel,
  type TuftClient,
  type TuftClientOptions,
} from '../tuft'
import { loadTokenizer, tokenizeSplit } from '../tokenize'
import { getDataset } from '../datasets'
import type { Datum } from '../../../shared/datum'
import { DIVERGENCE_FACTOR, HELDOUT_FRACTION, RUN_HEARTBEAT_MS } from '../../../shared/defaults'
import { bestOf, defaultSteps, evalsSinceBest, isNewBest } from '../../../shared/judge'
import type { ErrorCode } from '../../../shared/error-codes'
import { asStudioError, StudioError } from '../../../shared/result'
import {
  adamParamsOf,
  ResumeOverridesSchema,
  RunConfigSchema,
  type ResumeOverrides,
  type RunCheckpoint,
  type RunConfig,
  type RunConfigInput,
  type RunDataInfo,
  type RunEvent,
  type RunPhase,
  type RunStatus,
  type RunSummaryDto,
  type ServerConfig,
} from '../../../shared/runs'
import { BatchStream, datumSource, maskedNll, splitTrainEval, type DatumSource } from './data'
import { recordResume, resumableParamsOf } from './resume-history'
import { uniqueRunName } from './run-names'
import { formatLr } from '../../../shared/i18n/format'
import { bestName, keptPaths } from './checkpoints'
import {
  deleteCheckpointRows,
  discardAfter,
  dropCheckpointsFrom,
  getCheckpoints,
  getEvals,
  getRunSummary,
  heartbeat,
  insertRun,
  lastStateCheckpoint,
  recordCheckpoint,
  recordEval,
  recordMetric,
  runConfig,
  runRowFacts,
  updateRun,
  type RunPatch,
} from './store'

export type RunDeps = {
  db: Db
  /** The built-in sandbox's URL and key, for runs whose server is `{kind: 'sandbox'}`. */
  sandbox?: () => Promise<{ url: string; apiKey: string }>
  /** A key from the app's settings for remote servers; never stored with the run. */
  apiKey?: string
  env?: NodeJS.ProcessEnv
  /** Client tuning (retry policy, timeouts); e.g. tests shorten the retry budget for a dead server. */
  clientOptions?: Pick<TuftClientOptions, 'retry' | 'requestTimeoutMs' | 'pollTimeoutMs'>
}

export type RunOptions = {
  onEvent?: (e: RunEvent) => void
  sweepId?: string | null
}

export type RunHandle = {
  readonly runId: string
  /** Settles when the run stops for any reason (never rejects; the outcome is in the summary). */
  readonly done: Promise<RunSummaryDto>
  status(): RunStatus
  pause(): void
  resume(): void
  /** Stop after the steps in flight, then save state and sampler weights. */
  stop(): void
  /** Stop after the steps in flight without saving. */
  cancel(): void
}

/** Runs executing in this process; controls by id and the interrupted-run recovery consult it. */
const active = new Map<string, RunHandle>()
export const activeRun = (id: string): RunHandle | undefined => active.get(id)
export const isActiveHere = (id: string): boolean => active.has(id)

/** The server went away: the run is interrupted (not failed) and the model is left alone. */
const SERVER_GONE: readonly ErrorCode[] = ['server-unreachable', 'timeout', 'future-expired']
/** Failures that are nobody's bug and end a run as interrupted, to be resumed once they are fixed. */
const INTERRUPTING: readonly ErrorCode[] = [...SERVER_GONE, 'disk-full', 'data-folder-not-writable']

/** Validates a config (zod, defaults from src/shared/defaults.ts); throws StudioError('invalid-input'). */
export function parseRunConfig(input: unknown): RunConfig {
  const parsed = RunConfigSchema.safeParse(input)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ')
    throw new StudioError('invalid-input', `Invalid run config: ${issues}`)
  }
  return parsed.data
}

export function startRun(deps: RunDeps, input: RunConfigInput, opts: RunOptions = {}): RunHandle {
  const config = parseRunConfig(input)
  const runId = randomUUID()
  const name = uniqueRunName(deps.db, config.name ?? `${config.dataset.name} r${config.rank} lr${formatLr(config.learningRate)}`)
  insertRun(deps.db, {
    id: runId,
    name,
    config,
    baseModel: config.baseModel ?? '(server default)',
    totalSteps: config.steps ?? 0,
    sweepId: opts.sweepId ?? null,
  })
  return launch(deps, runId, config, { kind: 'new' }, opts)
}

/**
 * Resumes an interrupted, failed, stopped or paused run from its last save_state: a new training model
 * is created, the checkpoint is loaded with its optimizer state, metrics recorded after that checkpoint
 * are discarded (they describe weights the run no longer has) and steps continue from it. Max length,
 * batch size and learning rate can be changed. A different rank cannot load the saved LoRA weights, so
 * when the run has a checkpoint a rank override starts a new run instead (the handle's runId tells).
 */
export function resumeRun(
  deps: RunDeps,
  runId: string,
  opts: RunOptions & { overrides?: ResumeOverrides; apiKey?: string } = {},
): RunHandle {
  if (active.has(runId)) throw new StudioError('invalid-input', 'This run is already running in this window.', { says: 'run-already-running' })
  flushUnrecordedStatuses()
  const pending = unrecorded.get(runId)
  // Its last status could not be stored yet: the store still cannot be written, so the run cannot go on.
  if (pending) throw asStudioError(pending.error)
  const facts = runRowFacts(deps.db, runId)
  if (facts.status === 'completed' || facts.status === 'running' || facts.status === 'queued')
    throw new StudioError('run-not-resumable', `Run ${runId} is ${facts.status}; only interrupted, failed, stopped or paused runs can be resumed.`, {
      status: facts.status,
    })
  const overrides = ResumeOverridesSchema.parse(opts.overrides ?? {})
  const base = runConfig(deps.db, runId)
  const checkpoint = lastStateCheckpoint(deps.db, runId)
  let config: RunConfig = { ...base, ...overrides }
  if (base.server.kind === 'remote' && (opts.apiKey ?? deps.apiKey))
    config = { ...config, server: { ...base.server, apiKey: opts.apiKey ?? deps.apiKey } }
  if (overrides.rank !== undefined && overrides.rank !== base.rank && checkpoint) {
    // LoRA weights saved at one rank cannot be loaded at another: the override starts a new run with
    // the same data and settings at the new rank, and this run stays as it is (still resumable).
    const h = startRun(deps, { ...config, name: `${facts.name} (rank ${overrides.rank})` }, { ...opts, sweepId: facts.sweepId })
    recordResume(deps.db, h.runId, { fromStep: 0, before: resumableParamsOf(base), after: resumableParamsOf(config), sourceRunId: runId })
    return h
  }
  recordResume(deps.db, runId, { fromStep: checkpoint?.step ?? 0, before: resumableParamsOf(base), after: resumableParamsOf(config) })
  updateRun(deps.db, runId, { status: 'queued', config, error: null, owned: true })
  return launch(deps, runId, config, { kind: 'resume', checkpoint }, { ...opts, sweepId: facts.sweepId })
}

type Start = { kind: 'new' } | { kind: 'resume'; checkpoint: RunCheckpoint | null }
type Request = 'none' | 'pause' | 'stop' | 'cancel'

/** Pause/stop/cancel requests, checked between steps; pause parks the loop until resume(). */
class Control {
  request: Request = 'none'
  private wake: (() => void) | null = null

  set(r: Request): void {
    this.request = r
    if (r !== 'pause') this.wake?.()
  }

  waitWhilePaused(): Promise<void> {
    if (this.request !== 'pause') return Promise.resolve()
    return new Promise((res) => {
      this.wake = () => {
        this.wake = null
        res()
      }
    })
  }
}

function launch(deps: RunDeps, runId: string, config: RunConfig, start: Start, opts: RunOptions): RunHandle {
  const control = new Control()
  let status: RunStatus = 'queued'
  const emit = (e: RunEvent): void => {
    if (e.type === 'status') status = e.status
    try {
      opts.onEvent?.(e)
    } catch {
      // A listener's bug must not kill the run.
    }
  }
  const beat = setInterval(() => {
    try {
      heartbeat(deps.db, runId)
    } catch {
      // The store may be closed during shutdown; the next start treats the run as interrupted.
    }
  }, RUN_HEARTBEAT_MS)
  beat.unref()

  const done = execute(deps, runId, config, start, control, emit)
    .catch((err: unknown) => {
      // Anything execute() did not classify is still recorded with the run.
      const e = asStudioError(err)
      const status: RunStatus = INTERRUPTING.includes(e.code) ? 'interrupted' : 'failed'
      try {
        setStatus(deps.db, runId, emit, status, { code: e.code, message: e.message, details: e.details })
      } catch {
        // The store cannot take it: setStatus kept it for a later write and told the listeners.
      }
    })
    .then(() => {
      clearInterval(beat)
      active.delete(runId)
      try {
        updateRun(deps.db, runId, { owned: false })
      } catch (err) {
        // Store closed during shutdown (the run's status was already written), or full: then it goes with the status.
        if (unrecorded.has(runId)) recordLater(deps.db, runId, { owned: false }, err)
      }
      return summaryNow(deps.db, runId)
    })

  const handle: RunHandle = {
    runId,
    done,
    status: () => status,
    pause: () => {
      if (control.request === 'none') control.set('pause')
    },
    resume: () => {
      if (control.request === 'pause') control.set('none')
    },
    stop: () => control.set('stop'),
    cancel: () => control.set('cancel'),
  }
  active.set(runId, handle)
  return handle
}

/**
 * Statuses the store could not take (a full disk, a data folder turned read-only), by run: retried every
 * heartbeat until they are written, so a run does not stay "running" once there is room again.
 */
const unrecorded = new Map<string, { db: Db; patch: RunPatch; error: unknown }>()
let unrecordedRetry: NodeJS.Timeout | null = null

function recordLater(db: Db, runId: string, patch: RunPatch, error: unknown): void {
  const prev = unrecorded.get(runId)
  unrecorded.set(runId, { db, patch: { ...prev?.patch, ...patch }, error })
  unrecordedRetry ??= setInterval(flushUnrecordedStatuses, RUN_HEARTBEAT_MS)
  unrecordedRetry.unref()
}

/** Writes the statuses that could not be stored before, where the store takes them now. */
export function flushUnrecordedStatuses(): void {
  for (const [runId, u] of unrecorded) {
    if (!u.db.open) {
      unrecorded.delete(runId)
      continue
    }
    try {
      updateRun(u.db, runId, u.patch)
      unrecorded.delete(runId)
    } catch (err) {
      u.error = err
    }
  }
  if (unrecorded.size === 0 && unrecordedRetry) {
    clearInterval(unrecordedRetry)
    unrecordedRetry = null
  }
}

/** A run's summary, with a status the store could not take yet in place of the stored one. */
function summaryNow(db: Db, runId: string): RunSummaryDto {
  const summary = getRunSummary(db, runId)
  const later = unrecorded.get(runId)?.patch
  return later ? { ...summary, status: later.status ?? summary.status, error: later.error ?? summary.error } : summary
}

/**
 * Records a status (and its error) and tells the listeners. They hear it even when the store cannot take it;
 * the status is then kept for a later write (recordLater) and the store's error is thrown.
 */
function setStatus(
  db: Db,
  runId: string,
  emit: (e: RunEvent) => void,
  status: RunStatus,
  error?: { code: ErrorCode; message: string; details?: Record<string, unknown> },
): void {
  const patch: RunPatch = { status, ...(error ? { error } : {}) }
  let storeFailure: unknown = null
  try {
    updateRun(db, runId, patch)
  } catch (err) {
    storeFailure = err
    recordLater(db, runId, patch, err)
  }
  if (error) emit({ runId, type: 'error', code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) })
  emit({ runId, type: 'status', status })
  if (storeFailure) throw storeFailure
}

export async function connectFor(deps: RunDeps, server: ServerConfig): Promise<TuftClient> {
  if (server.kind === 'sandbox') {
    if (!deps.sandbox) throw new StudioError('server-unreachable', 'No built-in sandbox is available in this process.', { says: 'no-sandbox' })
    const sb = await deps.sandbox()
    return createTuftClient({ ...deps.clientOptions, url: sb.url, apiKey: sb.apiKey, env: {} })
  }
  return createTuftClient({ ...deps.clientOptions, url: server.url, apiKey: server.apiKey ?? deps.apiKey, env: deps.env ?? process.env })
}

type StepItem = {
  kind: 'step'
  step: number
  batch: Datum[]
  cursorAfter: number
  fb: Promise<ForwardBackwardResult>
  opt: Promise<{ metrics?: Record<string, number> | null }>
  submittedAt: number
  /** When both results had arrived (independent of when the loop got round to finalising the step). */
  doneAt: Promise<number>
}
type EvalItem = { kind: 'eval'; step: number; chunks: { datums: Datum[]; out: Promise<ForwardBackwardResult> }[] }
type SaveItem = { kind: 'save'; step: number; cursor: number; name: string; out: Promise<{ path: string }> }
type Item = StepItem | EvalItem | SaveItem

const stepName = (step: number): string => `step-${String(step).padStart(6, '0')}`
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

/** Where TuFT keeps a named checkpoint (its save replies carry exactly this path). */
const checkpointPath = (modelId: string, kind: 'weights' | 'sampler_weights', name: string): string => `tinker://${modelId}/${kind}/${name}`

/**
 * Settles a training call whose POST was sent again after its reply was lost (`maybeDuplicated`). The server
 * may then hold two copies, but its seq_id guard runs only one: when the first copy ran, the second fails
 * with a sequence conflict and the first one's result never arrives. Such a call is settled before anything
 * else is sent, so the server's seq_id still answers for this call alone: after a conflict the counter is
 * resynced, and a server that expects a seq_id past this call's has run it exactly once — `recover` then
 * rebuilds the missing result without applying anything again. Otherwise the failure stands.
 */
async function settleResent<T>(model: TrainingModel, sent: Pending<T>, recover: () => Promise<T>): Promise<{ result: Promise<T> }> {
  if (!sent.maybeDuplicated) return { result: sent.result }
  const result = sent.result.catch(async (err: unknown) => {
    if (!(err instanceof StudioError) || err.code !== 'sequence-conflict') throw err
    const expected = await model.resyncSeqId()
    if (expected <= Math.max(...sent.seqIds)) throw err
    return recover()
  })
  await result.catch(() => undefined)
  return { result }
}

/**
 * A forward pass (no gradients, no state change), sent again if its own reply is lost. After a
 * forward_backward whose reply was lost it gives the same outputs: the weights have not changed yet.
 */
async function forwardOnce(model: TrainingModel, datums: Datum[]): Promise<ForwardBackwardResult> {
  const sent = await model.forward(datums, 'cross_entropy')
  return (await settleResent(model, sent, () => forwardOnce(model, datums))).result
}

async function execute(
  deps: RunDeps,
  runId: string,
  config: RunConfig,
  start: Start,
  control: Control,
  emit: (e: RunEvent) => void,
): Promise<void> {
  const { db } = deps
  const phase = (p: RunPhase, message?: string): void => emit({ runId, type: 'phase', phase: p, ...(message ? { message } : {}) })
  const fail = (code: ErrorCode, message: string, details?: Record<string, unknown>): void => {
    const status: RunStatus = INTERRUPTING.includes(code) ? 'interrupted' : 'failed'
    endedBy = code
    try {
      setStatus(db, runId, emit, status, { code, message, ...(details ? { details } : {}) })
    } catch {
      // The store cannot take even this (a disk still full): setStatus kept it for a later write and told
      // the listeners, and the run's summary reports it meanwhile.
    }
    phase('error', message)
  }

  let endedBy: ErrorCode | null = null
  setStatus(db, runId, emit, 'running')
  let client: TuftClient | null = null
  let model: TrainingModel | null = null
  let releaseData = (): void => undefined
  try {
    // ── connecting: health, key and capabilities; every limit is checked before anything is created ──
    phase('connecting')
    client = await connectFor(deps, config.server)
    const check = await client.checkConnection()
    if (!check.ok) throw new StudioError(check.code, check.message, check.details)
    const models = check.value.capabilities.supported_models
    const baseModel = config.baseModel ?? models[0]?.model_name
    if (!baseModel) throw new StudioError('unknown-model', 'The server lists no supported models.', { served: [] })
    const cap = models.find((m) => m.model_name === baseModel)
    if (!cap)
      throw new StudioError('unknown-model', `The server does not serve ${baseModel} (it serves ${models.map((m) => m.model_name).join(', ')}).`, {
        model: baseModel,
        served: models.map((m) => m.model_name),
      })
    if (cap.max_lora_rank != null && config.rank > cap.max_lora_rank)
      throw new StudioError(
        'rank-exceeds-server-max',
        `LoRA rank ${config.rank} exceeds the server's maximum ${cap.max_lora_rank} for ${baseModel}.`,
        { rank: config.rank, maxRank: cap.max_lora_rank, model: baseModel },
      )
    if (cap.max_context_length != null && config.maxLength > cap.max_context_length)
      throw new StudioError(
        'invalid-input',
        `Max length ${config.maxLength} exceeds the model's context of ${cap.max_context_length} tokens.`,
        { maxLength: config.maxLength, maxContext: cap.max_context_length },
      )
    const runConfigNow: RunConfig = { ...config, baseModel }
    updateRun(db, runId, { serverUrl: client.server.url, baseModel, config: runConfigNow })
    const server = client

    // ── creating-run ──
    phase('creating-run')
    model = await client.createLoraModel({
      base_model: baseModel,
      rank: config.rank,
      train_mlp: config.trainMlp,
      train_attn: config.trainAttn,
      train_unembed: config.trainUnembed,
      user_metadata: { studio_run_id: runId },
    })
    const info = await model.getInfo()
    const tokenizerId = config.tokenizer ?? info.model_data?.tokenizer_id ?? baseModel
    updateRun(db, runId, { modelId: model.modelId, tokenizerId })

    // ── tokenizing: cached per (split, tokenizer, template, max length, train-on) ──
    phase('tokenizing')
    const data = await prepareData(db, config, tokenizerId)
    releaseData = data.release
    const totalSteps =
      config.steps ??
      (config.epochs !== undefined
        ? Math.max(1, Math.ceil((config.epochs * data.train.count) / config.batchSize))
        : defaultSteps(data.train.count, config.batchSize))
    // The stored config says what this run does: its length (a resume with another batch size keeps it) and
    // the eval set it measures (not the requested maximum).
    const used: RunConfig = { ...config, baseModel, steps: totalSteps, evalSetSize: data.info.evalExamples }
    updateRun(db, runId, { data: data.info, totalSteps, config: used })

    let step = 0
    let cursor = 0
    if (start.kind === 'resume' && start.checkpoint) {
      phase('creating-run', `loading checkpoint ${start.checkpoint.name} (step ${start.checkpoint.step})`)
      const path = start.checkpoint.path
      await (await settleResent(model, await model.loadState(path, { optimizer: true }), async () => ({ path }))).result
      step = start.checkpoint.step
      cursor = start.checkpoint.cursor
    }
    if (start.kind === 'resume') discardAfter(db, runId, step)

    await trainLoop({
      db,
      runId,
      config,
      model,
      train: data.train,
      evalSet: data.evalSet,
      evalBytes: data.evalBytes,
      totalSteps,
      startStep: step,
      startCursor: cursor,
      control,
      emit,
      phase,
      fail,
      deleteCheckpoint: (path) => server.deleteCheckpoint(path),
    })
  } catch (err) {
    const e = asStudioError(err)
    fail(e.code, e.message, e.details)
  } finally {
    releaseData()
    // Free the server's memory (a GPU on TuFT): everything worth keeping was saved. Skipped when the
    // server is gone, where it would only wait out the retries.
    if (model && !(endedBy && SERVER_GONE.includes(endedBy))) await model.unload().catch(() => undefined)
    client?.close()
  }
}

async function prepareData(
  db: Db,
  config: RunConfig,
  tokenizerId: string,
): Promise<{ train: DatumSource; evalSet: DatumSource; info: RunDataInfo; evalBytes: number | null; release: () => void }> {
  const tokenizer = await loadTokenizer(db, { modelId: tokenizerId })
  const ds = getDataset(db, config.dataset.name)
  if (!ds) throw new StudioError('dataset-not-cached', `No dataset named ${config.dataset.name} in the local store.`, { name: config.dataset.name })
  const splits = ds.splits.map((s) => s.split)
  const trainSplit = config.dataset.split ?? (splits.includes('train') ? 'train' : splits[0])
  if (!trainSplit || !splits.includes(trainSplit))
    throw new StudioError('invalid-input', `Dataset ${config.dataset.name} has no split ${trainSplit} (it has ${splits.join(', ')}).`, {
      name: config.dataset.name,
      split: trainSplit ?? '',
      splits,
    })
  const evalSplit = config.dataset.evalSplit ?? (trainSplit !== 'test' && splits.includes('test') ? 'test' : undefined)
  if (evalSplit && !splits.includes(evalSplit))
    throw new StudioError('invalid-input', `Dataset ${config.dataset.name} has no split ${evalSplit} for evaluation (it has ${splits.join(', ')}).`, {
      name: config.dataset.name,
      split: evalSplit,
      splits,
    })
  const tok = (split: string) =>
    tokenizeSplit(db, { dataset: config.dataset.name, split, tokenizer, maxLength: config.maxLength, trainOn: config.trainOn })
  const train = await tok(trainSplit)
  const evalTok = evalSplit && config.evalSetSize > 0 ? await tok(evalSplit) : null
  const split = splitTrainEval(train.datumCount, evalTok?.datumCount ?? null, config.evalSetSize, config.seed, config.heldOutFraction)
  if (split.train.length === 0)
    throw new StudioError('dataset-no-usable-rows', `No conversation of ${config.dataset.name}/${trainSplit} has a weighted target token at max length ${config.maxLength}.`, {
      name: config.dataset.name,
      split: trainSplit,
      maxLength: config.maxLength,
      noTargetTokens: true,
    })
  // Batches and eval chunks are read from the tokenized cache by datum index when they are sent.
  const trainSource = datumSource(split.train, train.datumsAt)
  const evalSet = datumSource(split.eval, (evalTok ?? train).datumsAt)
  const release = [train.pin(), ...(evalTok ? [evalTok.pin()] : [])]
  // UTF-8 bytes of the weighted eval targets, for bits per byte (byte-level BPE tokenizers only).
  const table = tokenizer.byteLength
  let evalBytes: number | null = null
  if (table) {
    evalBytes = 0
    for (let i = 0; i < evalSet.count; i += config.batchSize)
      for (const d of evalSet.read(range(i, Math.min(evalSet.count, i + config.batchSize))))
        evalBytes += d.target_tokens.reduce((m, t, k) => m + d.weights[k] * (table[t] ?? 0), 0)
  }
  return {
    train: trainSource,
    evalSet,
    release: () => release.forEach((r) => r()),
    evalBytes: evalBytes && evalBytes > 0 ? evalBytes : null,
    info: {
      dataset: config.dataset.name,
      trainSplit,
      trainExamples: split.train.length,
      evalSource: split.evalSource,
      evalSplit: split.evalSource === 'split' ? (evalSplit ?? null) : null,
      evalExamples: split.eval.length,
      heldOut: split.heldOut,
      skipped: train.skippedCount,
      ...(split.evalSource === 'held-out' ? { heldOutOf: train.datumCount, heldOutFraction: config.heldOutFraction ?? HELDOUT_FRACTION } : {}),
      ...(split.evalSource === 'split' && evalTok ? { evalSplitSize: evalTok.datumCount } : {}),
    },
  }
}

type LoopArgs = {
  db: Db
  runId: string
  config: RunConfig
  model: TrainingModel
  train: DatumSource
  evalSet: DatumSource
  evalBytes: number | null
  totalSteps: number
  startStep: number
  startCursor: number
  control: Control
  emit: (e: RunEvent) => void
  phase: (p: RunPhase, message?: string) => void
  fail: (code: ErrorCode, message: string, details?: Record<string, unknown>) => void
  /** Removes a checkpoint from the server (the REST call every TuFT server and the sandbox answer). */
  deleteCheckpoint: (path: string) => Promise<void>
}

/**
 * The pipelined loop. Training calls resolve when the server has accepted them, so step k+1 is
 * submitted as soon as step k's optim_step is accepted while step k's results are still being computed;
 * at most `lookahead` steps are in flight, so pause/stop/cancel and errors take effect within that many
 * steps. Results are finalised strictly in submission order, so the first error seen is the root cause.
 */
async function trainLoop(a: LoopArgs): Promise<void> {
  const { db, runId, config, model, emit, phase, control } = a
  const adam = adamParamsOf(config)
  const stream = new BatchStream(a.train.count, config.seed)
  const queue: Item[] = []
  let poisoned = false
  const guard = <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => {
      poisoned = true
    })
    return p
  }
  let step = a.startStep
  let cursor = a.startCursor
  let lastGood = { step: a.startStep, cursor: a.startCursor }
  let lastSaved = a.startStep
  let lastEval = a.startStep
  let reference: number | null = null
  let lastDoneAt = performance.now()
  let stepTimeEma: number | null = null
  // The best test NLL so far (a resume starts from the evaluations it kept), and evaluations since it.
  const prior = getEvals(db, runId).map((e): [number, number] => [e.step, e.testNll])
  let best = bestOf(prior)
  let sinceBest = evalsSinceBest(prior)
  let newBestAt: number | null = null
  let earlyStopAt: number | null = null
  // The last step whose train NLL passed the divergence check: a state saved before it holds good weights.
  let checkedThrough = a.startStep
  const deleting = new Set<string>()
  const deletions: Promise<unknown>[] = []

  /** Under 'last-best', removes from the server (then from the run) every checkpoint no longer kept. */
  const prune = (checked = checkedThrough): void => {
    if (config.keepCheckpoints !== 'last-best') return
    const all = getCheckpoints(db, runId)
    const keep = keptPaths(all, best?.step ?? null, checked)
    for (const c of all) {
      if (keep.has(c.path) || deleting.has(c.path)) continue
      deleting.add(c.path)
      // A server that cannot delete keeps it listed with the run: the clean-up action can try again.
      deletions.push(a.deleteCheckpoint(c.path).then(() => deleteCheckpointRows(db, runId, [c.path]), () => undefined))
    }
  }
  const settleDeletions = (): Promise<unknown> => Promise.allSettled(deletions.splice(0))

  const evaluates = a.evalSet.count > 0 && config.evalEvery > 0
  const evalDue = (s: number): boolean => evaluates && (s % config.evalEvery === 0 || s === a.totalSteps)
  const saveDue = (s: number): boolean => config.checkpointEvery > 0 && s % config.checkpointEvery === 0 && s < a.totalSteps

  const submitEval = async (s: number): Promise<void> => {
    const chunks: EvalItem['chunks'] = []
    for (let i = 0; i < a.evalSet.count; i += config.batchSize) {
      const datums = a.evalSet.read(range(i, Math.min(a.evalSet.count, i + config.batchSize)))
      const sent = await settleResent(model, await model.forward(datums), () => forwardOnce(model, datums))
      chunks.push({ datums, out: guard(sent.result) })
    }
    queue.push({ kind: 'eval', step: s, chunks })
  }
  const submitSave = async (s: number, c: number): Promise<void> => {
    const name = stepName(s)
    const path = checkpointPath(model.modelId, 'weights', name)
    const sent = await settleResent(model, await model.saveState(name), async () => ({ path }))
    queue.push({ kind: 'save', step: s, cursor: c, name, out: guard(sent.result) })
  }

  const finalize = async (item: Item): Promise<void> => {
    if (item.kind === 'step') {
      const [out, opt] = [await item.fb, await item.opt]
      const nll = maskedNll(out.loss_fn_outputs, item.batch)
      const t = await item.doneAt
      // Wall time this step added: from the previous step's completion (or this one's submission, if later).
      const stepTimeS = Math.max(1e-3, (t - Math.max(lastDoneAt, item.submittedAt)) / 1000)
      lastDoneAt = t
      stepTimeEma = stepTimeEma === null ? stepTimeS : 0.8 * stepTimeEma + 0.2 * stepTimeS
      const serverMetrics = { ...(out.metrics ?? {}), ...(opt.metrics ?? {}) }
      const gradKey = Object.keys(serverMetrics).find((k) => k.startsWith('grad_norm'))
      const metric = {
        step: item.step,
        trainNll: nll.nll,
        weightedTokens: nll.weighted,
        totalTokens: nll.total,
        tokensPerS: stepTimeS > 0 ? nll.total / stepTimeS : 0,
        stepTimeS,
        learningRate: adam.learning_rate,
        lossSum: serverMetrics['loss:sum'] ?? null,
        gradNorm: gradKey ? serverMetrics[gradKey] : null,
        serverMetrics,
      }
      recordMetric(db, runId, metric)
      emit({ runId, type: 'metric', ...metric })
      const remaining = a.totalSteps - item.step
      emit({
        runId,
        type: 'progress',
        current: item.step,
        total: a.totalSteps,
        etaS: stepTimeEma === null ? null : remaining * stepTimeEma,
        tokensPerS: metric.tokensPerS,
      })
      if (!Number.isFinite(nll.nll) || (reference !== null && nll.nll > DIVERGENCE_FACTOR * reference))
        throw new StudioError(
          'loss-diverged',
          `Train NLL became ${Number.isFinite(nll.nll) ? nll.nll.toFixed(3) : String(nll.nll)} at step ${item.step}` +
            (reference !== null ? ` (started at ${reference.toFixed(3)}).` : '.'),
          { step: item.step, trainNll: nll.nll, reference },
        )
      reference ??= nll.nll
      lastGood = { step: item.step, cursor: item.cursorAfter }
      checkedThrough = item.step
    } else if (item.kind === 'eval') {
      let loss = 0
      let w = 0
      for (const c of item.chunks) {
        const r = maskedNll((await c.out).loss_fn_outputs, c.datums)
        loss += r.lossSum
        w += r.weighted
      }
      const e = {
        step: item.step,
        testNll: loss / Math.max(w, 1),
        weightedTokens: w,
        conversations: a.evalSet.count,
        bitsPerByte: a.evalBytes ? loss / (Math.LN2 * a.evalBytes) : null,
      }
      recordEval(db, runId, e)
      lastEval = item.step
      if (isNewBest(best?.testNll ?? null, e.testNll)) {
        best = { step: item.step, testNll: e.testNll }
        sinceBest = 0
        newBestAt = item.step
      } else if (Number.isFinite(e.testNll)) sinceBest++
      emit({ runId, type: 'eval', ...e })
      if (item.step === 0 && Number.isFinite(e.testNll)) reference ??= e.testNll
    } else {
      const { path } = await item.out
      const c: RunCheckpoint = {
        step: item.step,
        kind: 'state',
        name: item.name,
        path,
        cursor: item.cursor,
        modelId: model.modelId,
        createdAt: new Date().toISOString(),
      }
      recordCheckpoint(db, runId, c)
      lastSaved = item.step
      emit({ runId, type: 'checkpoint', ...c })
      prune()
    }
  }
  const stepsInFlight = (): number => queue.filter((i) => i.kind === 'step').length
  const drain = async (): Promise<void> => {
    while (queue.length) await finalize(queue.shift()!)
  }

  /** Sampler weights of the current server weights, recorded with the run; `best` names them as the best so far. */
  const saveSampler = async (s: number, c: number, best: boolean): Promise<void> => {
    const name = best ? bestName(s) : `sampler-${String(s).padStart(6, '0')}`
    const expectedPath = checkpointPath(model.modelId, 'sampler_weights', name)
    const sent = await settleResent(model, await model.saveWeightsForSampler(name), async () => ({ path: expectedPath }))
    const { path } = await sent.result
    if (!path) throw new StudioError('server-error', 'The server returned no path for the sampler weights.', { says: 'no-sampler-path' })
    const ck: RunCheckpoint = { step: s, kind: 'sampler', name, path, cursor: c, modelId: model.modelId, createdAt: new Date().toISOString() }
    recordCheckpoint(db, runId, ck)
    emit({ runId, type: 'checkpoint', ...ck, ...(best ? { best: true } : {}) })
    prune()
  }

  /** Saves state (and optionally sampler weights) of the current server weights, recording both. */
  const saveNow = async (s: number, c: number, sampler: boolean): Promise<void> => {
    phase('saving')
    if (s > lastSaved || s === 0) {
      await submitSave(s, c)
      await drain()
    }
    if (sampler) await saveSampler(s, c, false)
  }

  try {
    phase('training')
    if (step === 0 && evaluates) await submitEval(0)
    while (step < a.totalSteps) {
      if (control.request === 'pause') {
        await drain()
        await saveNow(step, cursor, false)
        setStatus(db, runId, emit, 'paused')
        phase('paused')
        await control.waitWhilePaused()
        // A stop or cancel while paused ends the run from here.
        if ((control.request as Request) !== 'none') break
        setStatus(db, runId, emit, 'running')
        phase('training')
        lastDoneAt = performance.now()
      }
      if (control.request !== 'none' || poisoned) break
      const s = step + 1
      const batch = a.train.read(stream.indicesAt(cursor, config.batchSize))
      const submittedAt = performance.now()
      // A lost forward_backward reply is rebuilt by a forward pass on the same batch before optim_step is sent.
      const fbSent = await settleResent(model, await model.forwardBackward(batch, 'cross_entropy'), () => forwardOnce(model, batch))
      const fb = guard(fbSent.result)
      if (poisoned) {
        queue.push({ kind: 'step', step: s, batch, cursorAfter: cursor + batch.length, fb, opt: fb, submittedAt, doneAt: settledAt([fb]) })
        break
      }
      // A lost optim_step reply only carried the server's metrics, which are gone with it.
      const optSent = await settleResent(model, await model.optimStep(adam), async () => ({ metrics: null }))
      const opt = guard(optSent.result)
      cursor += batch.length
      step = s
      queue.push({ kind: 'step', step: s, batch, cursorAfter: cursor, fb, opt, submittedAt, doneAt: settledAt([fb, opt]) })
      if (evalDue(s)) {
        await submitEval(s)
        // Whether these weights are the best so far (worth keeping) and whether to go on depends on this
        // evaluation: wait for it before anything changes them.
        await drain()
        // The final weights are saved as sampler weights anyway.
        if (newBestAt === s && s > 0 && s < a.totalSteps) await saveSampler(s, cursor, true)
        if (config.earlyStop !== undefined && sinceBest >= config.earlyStop && s < a.totalSteps) {
          earlyStopAt = s
          break
        }
      }
      if (saveDue(s)) await submitSave(s, cursor)
      while (stepsInFlight() >= config.lookahead) await finalize(queue.shift()!)
    }
    await drain()
  } catch (err) {
    const e = asStudioError(err)
    // Let the calls already accepted settle (they fail in order behind the failed one) before saving.
    await Promise.allSettled(queue.splice(0).flatMap(itemPromises))
    if (e.code === 'loss-diverged') {
      // The NLL of step k is computed with the weights after step k-1, so those weights (and any state
      // saved from them) are already bad: drop such checkpoints so a resume starts from an earlier one.
      const badFrom = Number(e.details?.step ?? step) - 1
      const dropped = dropCheckpointsFrom(db, runId, badFrom)
      if (dropped) e.details!.droppedCheckpoints = dropped
    } else if (e.code === 'server-oom' || e.code === 'bad-datum' || e.code === 'server-error') {
      // The server is alive: keep the last good step so a resume with lower limits continues from it.
      try {
        if (lastGood.step > lastSaved) await saveNow(lastGood.step, lastGood.cursor, false)
      } catch {
        // The server could not save either; resume falls back to the last periodic checkpoint.
      }
    }
    await settleDeletions()
    a.fail(e.code, e.message, e.details)
    return
  }

  if (control.request === 'cancel') {
    await settleDeletions()
    setStatus(db, runId, emit, 'cancelled')
    phase('stopped', 'cancelled')
    return
  }
  if (evaluates && lastEval < step) {
    // Stopped between eval points: the curve still ends at the weights that are saved.
    await submitEval(step)
    await drain()
  }
  await saveNow(step, cursor, true)
  // Every step up to here passed the divergence check: the newest state is the only one a resume needs.
  prune(Number.POSITIVE_INFINITY)
  await settleDeletions()
  if (control.request === 'stop') {
    setStatus(db, runId, emit, 'stopped')
    phase('stopped')
  } else {
    setStatus(db, runId, emit, 'completed')
    phase(
      'done',
      earlyStopAt !== null
        ? `stopped early at step ${earlyStopAt}: no new best test NLL in ${config.earlyStop} evaluations (best ${best?.testNll.toFixed(4)} at step ${best?.step})`
        : undefined,
    )
  }
}

/** When all of `ps` have resolved; a rejection surfaces through the promises themselves. */
function settledAt(ps: Promise<unknown>[]): Promise<number> {
  const at = Promise.all(ps).then(() => performance.now())
  at.catch(() => undefined)
  return at
}

const itemPromises = (i: Item): Promise<unknown>[] =>
  i.kind === 'step' ? [i.fb, i.opt] : i.kind === 'eval' ? i.chunks.map((c) => c.out) : [i.out]
