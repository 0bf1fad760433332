import { sameServer } from '../../../shared/server-url'
import type { Db } from '../store'
import {
  RunConfigSchema,
  type CheckpointKind,
  type RunCheckpoint,
  type RunConfig,
  type RunDataInfo,
  type RunDetailDto,
  type RunError,
  type RunEval,
  type RunMetric,
  type RunMetricsDto,
  type RunStatus,
  type RunSummaryDto,
  type Series,
} from '../../../shared/runs'
import { RUN_STALE_MS } from '../../../shared/defaults'
import { epochsOf, judgeRun, planData } from '../../../shared/judge'
import { bestSampler, finalSampler } from './checkpoints'
import { isErrorCode } from '../../../shared/error-codes'
import { scrubDeep } from '../../../shared/redact'
import { StudioError } from '../../../shared/result'
import { assertRunNameFree } from './run-names'

/**
 * The run store: every write happens as the fact arrives, in its own transaction, so a crash loses at
 * most the step in flight. Metrics/evals are keyed (run_id, step); re-recording a step replaces it.
 */

type RunRow = {
  id: string
  name: string
  status: RunStatus
  config_json: string
  sweep_id: string | null
  server_url: string | null
  base_model: string
  dataset: string
  rank: number
  learning_rate: number
  model_id: string | null
  tokenizer_id: string | null
  total_steps: number
  data_json: string | null
  error_code: string | null
  error_message: string | null
  error_details_json: string | null
  sampler_path: string | null
  owner_pid: number | null
  heartbeat_at: number | null
  created_at: string
  updated_at: string
}

const now = (): string => new Date().toISOString()

/** Strips the API key: it is never written to disk with a run. */
export function storableConfig(config: RunConfig): RunConfig {
  if (config.server.kind === 'remote') {
    const { apiKey: _drop, ...server } = config.server
    return { ...config, server }
  }
  return config
}

export function insertRun(
  db: Db,
  r: { id: string; name: string; config: RunConfig; baseModel: string; totalSteps: number; sweepId?: string | null },
): void {
  const t = now()
  db.prepare(
    `INSERT INTO runs (id, name, status, config_json, sweep_id, base_model, dataset, rank, learning_rate, total_steps,
       owner_pid, heartbeat_at, created_at, updated_at)
     VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.name,
    JSON.stringify(storableConfig(r.config)),
    r.sweepId ?? null,
    r.baseModel,
    r.config.dataset.name,
    r.config.rank,
    r.config.learningRate,
    r.totalSteps,
    process.pid,
    Date.now(),
    t,
    t,
  )
}

export type RunPatch = Partial<{
  status: RunStatus
  config: RunConfig
  serverUrl: string
  baseModel: string
  modelId: string
  tokenizerId: string
  totalSteps: number
  data: RunDataInfo
  error: RunError | null
  samplerPath: string
  owned: boolean
}>

export function updateRun(db: Db, id: string, p: RunPatch): void {
  const sets: string[] = ['updated_at = ?']
  const vals: unknown[] = [now()]
  const set = (col: string, v: unknown): void => {
    sets.push(`${col} = ?`)
    vals.push(v)
  }
  if (p.status !== undefined) set('status', p.status)
  if (p.config !== undefined) {
    set('config_json', JSON.stringify(storableConfig(p.config)))
    set('rank', p.config.rank)
    set('learning_rate', p.config.learningRate)
  }
  if (p.serverUrl !== undefined) set('server_url', p.serverUrl)
  if (p.baseModel !== undefined) set('base_model', p.baseModel)
  if (p.modelId !== undefined) set('model_id', p.modelId)
  if (p.tokenizerId !== undefined) set('tokenizer_id', p.tokenizerId)
  if (p.totalSteps !== undefined) set('total_steps', p.totalSteps)
  if (p.data !== undefined) set('data_json', JSON.stringify(p.data))
  if (p.samplerPath !== undefined) set('sampler_path', p.samplerPath)
  if (p.error !== undefined) {
    // Whatever made the error, it is stored without secrets.
    const error = p.error && scrubDeep(p.error)
    set('error_code', error?.code ?? null)
    set('error_message', error?.message ?? null)
    set('error_details_json', error?.details ? JSON.stringify(error.details) : null)
  }
  if (p.owned !== undefined) {
    set('owner_pid', p.owned ? process.pid : null)
    set('heartbeat_at', p.owned ? Date.now() : null)
  }
  vals.push(id)
  db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...vals)
}

export function heartbeat(db: Db, id: string): void {
  db.prepare('UPDATE runs SET heartbeat_at = ?, owner_pid = ? WHERE id = ?').run(Date.now(), process.pid, id)
}

export function recordMetric(db: Db, runId: string, m: RunMetric): void {
  db.prepare(
    `INSERT OR REPLACE INTO run_metrics (run_id, step, train_nll, weighted_tokens, total_tokens, tokens_per_s, step_time_s,
       learning_rate, loss_sum, grad_norm, server_metrics_json, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    runId,
    m.step,
    finiteOrNull(m.trainNll),
    m.weightedTokens,
    m.totalTokens,
    m.tokensPerS,
    m.stepTimeS,
    m.learningRate,
    m.lossSum,
    m.gradNorm,
    JSON.stringify(m.serverMetrics),
    now(),
  )
  db.prepare('UPDATE runs SET updated_at = ?, heartbeat_at = ? WHERE id = ?').run(now(), Date.now(), runId)
}

export function recordEval(db: Db, runId: string, e: RunEval): void {
  db.prepare(
    `INSERT OR REPLACE INTO run_evals (run_id, step, test_nll, weighted_tokens, conversations, bits_per_byte, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(runId, e.step, finiteOrNull(e.testNll), e.weightedTokens, e.conversations, e.bitsPerByte === null ? null : finiteOrNull(e.bitsPerByte), now())
}

export function recordCheckpoint(db: Db, runId: string, c: RunCheckpoint): void {
  db.transaction(() => {
    db.prepare(
      `INSERT OR REPLACE INTO run_checkpoints (run_id, kind, step, name, path, cursor, model_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(runId, c.kind, c.step, c.name, c.path, c.cursor, c.modelId, c.createdAt)
    if (c.kind === 'sampler') db.prepare('UPDATE runs SET sampler_path = ?, updated_at = ? WHERE id = ?').run(c.path, now(), runId)
  })()
}

/**
 * Resuming from a checkpoint at step S replays steps S+1… with the same batches, so the metrics and
 * evals recorded after S (by weights that the resumed run no longer has) are discarded, in one transaction.
 * Curves therefore always describe the weights the run actually continues from: nothing duplicated, and
 * every step ≤ S kept.
 */
export function discardAfter(db: Db, runId: string, step: number): { metrics: number; evals: number } {
  return db.transaction(() => ({
    metrics: db.prepare('DELETE FROM run_metrics WHERE run_id = ? AND step > ?').run(runId, step).changes,
    evals: db.prepare('DELETE FROM run_evals WHERE run_id = ? AND step > ?').run(runId, step).changes,
  }))()
}

/** Forgets checkpoints that were deleted from the server. */
export function deleteCheckpointRows(db: Db, runId: string, paths: readonly string[]): number {
  const del = db.prepare('DELETE FROM run_checkpoints WHERE run_id = ? AND path = ?')
  return db.transaction(() => paths.reduce((n, p) => n + del.run(runId, p).changes, 0))()
}

/** Forgets the state checkpoints at or after `step` (e.g. saved from diverged weights); returns how many. */
export function dropCheckpointsFrom(db: Db, runId: string, step: number): number {
  return db.prepare(`DELETE FROM run_checkpoints WHERE run_id = ? AND kind = 'state' AND step >= ?`).run(runId, step).changes
}

/**
 * Marks runs whose runner is gone as interrupted: status running/paused/queued, and the owning process is
 * dead or has not written a heartbeat for RUN_STALE_MS. Runs owned by a live process (another window, a CLI)
 * are left alone. Returns the ids it marked.
 */
export function markInterruptedRuns(db: Db, activeHere: (id: string) => boolean, staleMs = RUN_STALE_MS): string[] {
  const rows = db
    .prepare(`SELECT id, owner_pid, heartbeat_at FROM runs WHERE status IN ('running', 'paused', 'queued')`)
    .all() as { id: string; owner_pid: number | null; heartbeat_at: number | null }[]
  const marked: string[] = []
  for (const r of rows) {
    if (activeHere(r.id)) continue
    const otherLive = r.owner_pid !== null && r.owner_pid !== process.pid && pidAlive(r.owner_pid)
    const fresh = r.heartbeat_at !== null && Date.now() - r.heartbeat_at < staleMs
    if (otherLive && fresh) continue
    updateRun(db, r.id, {
      status: 'interrupted',
      error: { code: 'run-interrupted', message: 'The runner stopped while this run was training.', details: { says: 'runner-stopped' } },
      owned: false,
    })
    marked.push(r.id)
  }
  return marked
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null)

// ── Reads ─────────────────────────────────────────────────────────────────────────────────────────────

function row(db: Db, id: string): RunRow {
  const r = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined
  if (!r) throw new StudioError('run-not-found', `No run with id ${id}`)
  return r
}

export function runConfig(db: Db, id: string): RunConfig {
  return RunConfigSchema.parse(JSON.parse(row(db, id).config_json))
}

export function runRowFacts(db: Db, id: string): { status: RunStatus; modelId: string | null; serverUrl: string | null; tokenizerId: string | null; baseModel: string; totalSteps: number; sweepId: string | null; name: string } {
  const r = row(db, id)
  return {
    status: r.status,
    modelId: r.model_id,
    serverUrl: r.server_url,
    tokenizerId: r.tokenizer_id,
    baseModel: r.base_model,
    totalSteps: r.total_steps,
    sweepId: r.sweep_id,
    name: r.name,
  }
}

function summaryOf(db: Db, r: RunRow): RunSummaryDto {
  const m = db
    .prepare('SELECT step, train_nll FROM run_metrics WHERE run_id = ? ORDER BY step DESC LIMIT 1')
    .get(r.id) as { step: number; train_nll: number | null } | undefined
  const e = db
    .prepare('SELECT test_nll FROM run_evals WHERE run_id = ? ORDER BY step DESC LIMIT 1')
    .get(r.id) as { test_nll: number | null } | undefined
  const best = db.prepare('SELECT MIN(test_nll) AS b FROM run_evals WHERE run_id = ?').get(r.id) as { b: number | null }
  const error: RunError | null =
    r.error_code && isErrorCode(r.error_code)
      ? {
          code: r.error_code,
          message: r.error_message ?? '',
          ...(r.error_details_json ? { details: JSON.parse(r.error_details_json) as Record<string, unknown> } : {}),
        }
      : null
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    baseModel: r.base_model,
    rank: r.rank,
    learningRate: r.learning_rate,
    dataset: r.dataset,
    sweepId: r.sweep_id,
    step: m?.step ?? 0,
    totalSteps: r.total_steps,
    finalTrainNll: m?.train_nll ?? null,
    finalTestNll: e?.test_nll ?? null,
    bestTestNll: best.b,
    error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export function listRuns(db: Db, opts: { sweepId?: string } = {}): RunSummaryDto[] {
  const rows = (
    opts.sweepId
      ? db.prepare('SELECT * FROM runs WHERE sweep_id = ? ORDER BY created_at, id').all(opts.sweepId)
      : db.prepare('SELECT * FROM runs ORDER BY created_at DESC, id').all()
  ) as RunRow[]
  return rows.map((r) => summaryOf(db, r))
}

export function getRunSummary(db: Db, id: string): RunSummaryDto {
  return summaryOf(db, row(db, id))
}

export function getMetrics(db: Db, runId: string, sinceStep = 0): RunMetric[] {
  const rows = db
    .prepare('SELECT * FROM run_metrics WHERE run_id = ? AND step > ? ORDER BY step')
    .all(runId, sinceStep) as {
    step: number
    train_nll: number | null
    weighted_tokens: number
    total_tokens: number
    tokens_per_s: number | null
    step_time_s: number | null
    learning_rate: number
    loss_sum: number | null
    grad_norm: number | null
    server_metrics_json: string
  }[]
  return rows.map((r) => ({
    step: r.step,
    trainNll: r.train_nll ?? Number.NaN,
    weightedTokens: r.weighted_tokens,
    totalTokens: r.total_tokens,
    tokensPerS: r.tokens_per_s ?? 0,
    stepTimeS: r.step_time_s ?? 0,
    learningRate: r.learning_rate,
    lossSum: r.loss_sum,
    gradNorm: r.grad_norm,
    serverMetrics: JSON.parse(r.server_metrics_json) as Record<string, number>,
  }))
}

export function getEvals(db: Db, runId: string, sinceStep = -1): RunEval[] {
  const rows = db
    .prepare('SELECT step, test_nll, weighted_tokens, conversations, bits_per_byte FROM run_evals WHERE run_id = ? AND step > ? ORDER BY step')
    .all(runId, sinceStep) as { step: number; test_nll: number | null; weighted_tokens: number; conversations: number; bits_per_byte: number | null }[]
  return rows.map((r) => ({
    step: r.step,
    testNll: r.test_nll ?? Number.NaN,
    weightedTokens: r.weighted_tokens,
    conversations: r.conversations,
    bitsPerByte: r.bits_per_byte,
  }))
}

export function getCheckpoints(db: Db, runId: string, kind?: CheckpointKind): RunCheckpoint[] {
  const rows = (
    kind
      ? db.prepare('SELECT * FROM run_checkpoints WHERE run_id = ? AND kind = ? ORDER BY step').all(runId, kind)
      : db.prepare('SELECT * FROM run_checkpoints WHERE run_id = ? ORDER BY step, kind').all(runId)
  ) as { kind: CheckpointKind; step: number; name: string; path: string; cursor: number; model_id: string; created_at: string }[]
  return rows.map((r) => ({
    step: r.step,
    kind: r.kind,
    name: r.name,
    path: r.path,
    cursor: r.cursor,
    modelId: r.model_id,
    createdAt: r.created_at,
  }))
}

export const lastStateCheckpoint = (db: Db, runId: string): RunCheckpoint | null =>
  getCheckpoints(db, runId, 'state').at(-1) ?? null

const RESUMABLE: readonly RunStatus[] = ['interrupted', 'failed', 'stopped', 'paused', 'cancelled']

export function getRunDetail(db: Db, id: string): RunDetailDto {
  const r = row(db, id)
  const summary = summaryOf(db, r)
  const config = RunConfigSchema.parse(JSON.parse(r.config_json))
  const metrics = getMetrics(db, id)
  const evals = getEvals(db, id)
  const data = r.data_json ? (JSON.parse(r.data_json) as RunDataInfo) : null
  const judgement = judgeRun({
    train: metrics.map((m) => [m.step, m.trainNll]),
    test: evals.map((e) => [e.step, e.testNll]),
    finished: r.status === 'completed' || r.status === 'stopped',
    diverged: summary.error?.code === 'loss-diverged',
  })
  const all = getCheckpoints(db, id)
  const best = bestSampler(all, judgement.best?.step ?? null)
  const checkpoints = all.map((c) => (best && c.path === best.path ? { ...c, best: true } : c))
  return {
    ...summary,
    config,
    serverUrl: r.server_url,
    modelId: r.model_id,
    tokenizerId: r.tokenizer_id,
    samplerPath: r.sampler_path,
    resumable: RESUMABLE.includes(r.status) && summary.step < r.total_steps,
    metrics,
    evals,
    checkpoints,
    data,
    judgement,
    epochs: data ? epochsOf(summary.step > 0 ? summary.step : r.total_steps, config.batchSize, data.trainExamples) : null,
    evalPlan: data ? evalPlanOf(data, config, evals[0]?.weightedTokens ?? null) : null,
    bestCheckpoint: best ? { ...best, best: true } : null,
    finalCheckpoint: finalSampler(all),
    earlyStopped: r.status === 'completed' && config.earlyStop !== undefined && summary.step < r.total_steps,
  }
}

/** The held-out set a run measured test NLL on, as it was chosen (and its weighted tokens, once measured). */
function evalPlanOf(d: RunDataInfo, config: RunConfig, measuredTokens: number | null) {
  const trainDatums = d.evalSource === 'held-out' ? (d.heldOutOf ?? d.trainExamples + d.heldOut) : d.trainExamples
  return planData({
      trainDatums,
      evalSplitDatums: d.evalSource === 'split' ? (d.evalSplitSize ?? d.evalExamples) : null,
      evalSetSize: d.evalExamples,
      heldOutFraction: d.heldOutFraction ?? config.heldOutFraction,
      evalWeightedTokens: measuredTokens,
  })
}

/** Curves for the charts: train/test NLL plus every other per-step series that was reported. */
export function getMetricsDto(db: Db, runId: string, sinceStep = 0): RunMetricsDto {
  row(db, runId)
  const metrics = getMetrics(db, runId, sinceStep)
  const evals = getEvals(db, runId, sinceStep === 0 ? -1 : sinceStep)
  const extra: Record<string, Series> = {}
  const push = (k: string, step: number, v: number | null): void => {
    if (v === null || !Number.isFinite(v)) return
    ;(extra[k] ??= []).push([step, v])
  }
  for (const e of evals) push('test_bits_per_byte', e.step, e.bitsPerByte)
  for (const m of metrics) {
    push('tokens_per_s', m.step, m.tokensPerS)
    push('step_time_s', m.step, m.stepTimeS)
    push('learning_rate', m.step, m.learningRate)
    push('weighted_tokens', m.step, m.weightedTokens)
    push('total_tokens', m.step, m.totalTokens)
    push('grad_norm', m.step, m.gradNorm)
    push('loss_sum', m.step, m.lossSum)
    for (const [k, v] of Object.entries(m.serverMetrics)) push(`server:${k}`, m.step, v)
  }
  return {
    runId,
    trainNll: metrics.filter((m) => Number.isFinite(m.trainNll)).map((m) => [m.step, m.trainNll]),
    testNll: evals.filter((e) => Number.isFinite(e.testNll)).map((e) => [e.step, e.testNll]),
    extra,
  }
}

export function renameRun(db: Db, id: string, name: string): RunSummaryDto {
  row(db, id)
  assertRunNameFree(db, name, id)
  db.prepare('UPDATE runs SET name = ?, updated_at = ? WHERE id = ?').run(name.trim(), now(), id)
  return getRunSummary(db, id)
}

export function deleteRunRow(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0
}

export type ServerLink = { runId: string; name: string; status: RunStatus }

/**
 * The local runs that trained these server training runs: the run's own model id, or the model id a checkpoint was
 * saved under (a resumed run can continue on a new server run). Newest local run wins.
 */
export function runsByServerModelIds(db: Db, ids: string[]): Map<string, ServerLink> {
  const rows = db
    .prepare(
      `SELECT r.id, r.name, r.status, r.model_id AS mid, r.created_at FROM runs r WHERE r.model_id IN (SELECT value FROM json_each(?))
       UNION SELECT r.id, r.name, r.status, c.model_id AS mid, r.created_at FROM run_checkpoints c JOIN runs r ON r.id = c.run_id
       WHERE c.model_id IN (SELECT value FROM json_each(?))
       ORDER BY created_at`,
    )
    .all(JSON.stringify(ids), JSON.stringify(ids)) as { id: string; name: string; status: RunStatus; mid: string }[]
  return new Map(rows.map((r) => [r.mid, { runId: r.id, name: r.name, status: r.status }]))
}

/** The local run and step that saved each of these `tinker://` paths. */
export function checkpointsByPaths(db: Db, paths: string[]): Map<string, ServerLink & { step: number }> {
  const rows = db
    .prepare(
      `SELECT c.path, c.step, r.id, r.name, r.status FROM run_checkpoints c JOIN runs r ON r.id = c.run_id
       WHERE c.path IN (SELECT value FROM json_each(?)) ORDER BY r.created_at`,
    )
    .all(JSON.stringify(paths)) as { path: string; step: number; id: string; name: string; status: RunStatus }[]
  return new Map(rows.map((r) => [r.path, { runId: r.id, name: r.name, status: r.status, step: r.step }]))
}

/** One server training run a local run trained, with the checkpoints the local record holds for it. */
export type LocalServerRun = ServerLink & { modelId: string; baseModel: string; rank: number; updatedAt: string; checkpoints: RunCheckpoint[] }

/**
 * Every server training run the app's runs trained on one server (the sandbox by kind, since its port changes per
 * launch; any other server by its address), newest local run first. A resumed run that continued on a new server
 * run appears once per server run, each with the checkpoints saved under it.
 */
export function localRunsOnServer(db: Db, server: { sandbox: true } | { url: string }): LocalServerRun[] {
  const rows = db.prepare('SELECT id, name, status, config_json, server_url, model_id, base_model, rank, updated_at FROM runs ORDER BY created_at DESC, id').all() as Pick<
    RunRow,
    'id' | 'name' | 'status' | 'config_json' | 'server_url' | 'model_id' | 'base_model' | 'rank' | 'updated_at'
  >[]
  const here = (r: (typeof rows)[number]): boolean => {
    const kind = (JSON.parse(r.config_json) as { server?: { kind?: string } }).server?.kind
    if ('sandbox' in server) return kind === 'sandbox'
    return kind !== 'sandbox' && r.server_url !== null && sameServer(r.server_url, server.url)
  }
  const out: LocalServerRun[] = []
  for (const r of rows.filter(here)) {
    const byModel = new Map<string, RunCheckpoint[]>()
    if (r.model_id) byModel.set(r.model_id, [])
    for (const c of getCheckpoints(db, r.id)) {
      const list = byModel.get(c.modelId) ?? []
      list.push(c)
      byModel.set(c.modelId, list)
    }
    for (const [modelId, checkpoints] of byModel)
      out.push({ runId: r.id, name: r.name, status: r.status, modelId, baseModel: r.base_model, rank: r.rank, updatedAt: r.updated_at, checkpoints })
  }
  return out
}

