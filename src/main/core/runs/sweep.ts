import { randomUUID } from 'node:crypto'
import type { Db } from '../store'
import { SWEEP_CONCURRENCY_DEFAULT, SWEEP_MODERATE_RANK, SWEEP_TIE_TOLERANCE } from '../../../shared/defaults'
import { judgeRun } from '../../../shared/judge'
import { StudioError } from '../../../shared/result'
import { formatLr } from '../../../shared/i18n/format'
import type {
  RunConfigInput,
  RunEvent,
  SweepCell,
  SweepRecommendation,
  SweepSummaryDto,
} from '../../../shared/runs'
import { getCheckpoints, getEvals, getMetrics, listRuns } from './store'
import { bestSampler } from './checkpoints'
import { parseRunConfig, startRun, type RunDeps, type RunHandle } from './runner'

export type SweepSpec = {
  config: RunConfigInput
  ranks: number[]
  learningRates: number[]
  concurrency?: number
  name?: string
}

export type SweepHandle = {
  readonly sweepId: string
  readonly done: Promise<SweepSummaryDto>
  /** Cancels the running cells and skips the ones not started yet. */
  cancel(): void
}

const now = (): string => new Date().toISOString()

/**
 * A grid of ranks × learning rates, each cell a normal run (same data, seed and steps), at most
 * `concurrency` at a time: TuFT is multi-tenant, so several LoRA runs share one server.
 */
export function startSweep(deps: RunDeps, spec: SweepSpec, opts: { onEvent?: (e: RunEvent) => void } = {}): SweepHandle {
  const ranks = [...new Set(spec.ranks)]
  const lrs = [...new Set(spec.learningRates)]
  if (ranks.length === 0 || lrs.length === 0) throw new StudioError('invalid-input', 'A sweep needs at least one rank and one learning rate.', { says: 'sweep-empty' })
  const concurrency = spec.concurrency ?? SWEEP_CONCURRENCY_DEFAULT
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new StudioError('invalid-input', 'Sweep concurrency must be a positive integer.', { says: 'sweep-concurrency' })
  const base = parseRunConfig(spec.config)
  // Validate every cell before anything starts, so a bad rank/LR fails the whole sweep up front.
  const cells = ranks.flatMap((rank) => lrs.map((learningRate) => ({ rank, learningRate })))
  for (const c of cells) parseRunConfig({ ...spec.config, rank: c.rank, learningRate: c.learningRate })

  const sweepId = randomUUID()
  // Written like a run's own name (`no_robots r32 lr1e-4`), without words: names are stored and outlive the
  // language they were made in, and the UI says "sweep" in the reader's language around them.
  const name = spec.name ?? `${base.dataset.name} r${ranks.join('/')} × lr${lrs.map(formatLr).join('/')}`
  deps.db
    .prepare(
      `INSERT INTO sweeps (id, name, ranks_json, lrs_json, concurrency, base_config_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(sweepId, name, JSON.stringify(ranks), JSON.stringify(lrs), concurrency, JSON.stringify({ ...base, server: { kind: base.server.kind } }), now())

  let cancelled = false
  const running = new Set<RunHandle>()
  let inFlight = 0
  let maxObserved = 0
  const queue = [...cells]

  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c && !cancelled; c = queue.shift()) {
      inFlight++
      maxObserved = Math.max(maxObserved, inFlight)
      deps.db.prepare('UPDATE sweeps SET max_concurrent_observed = ? WHERE id = ?').run(maxObserved, sweepId)
      const h = startRun(
        deps,
        { ...spec.config, rank: c.rank, learningRate: c.learningRate, name: `${name}: r${c.rank} lr${formatLr(c.learningRate)}` },
        { sweepId, onEvent: opts.onEvent },
      )
      running.add(h)
      await h.done
      running.delete(h)
      inFlight--
    }
  }

  const done = Promise.all(Array.from({ length: Math.min(concurrency, cells.length) }, worker)).then(() => {
    const summary = getSweep(deps.db, sweepId)
    deps.db.prepare('UPDATE sweeps SET recommendation_json = ? WHERE id = ?').run(JSON.stringify(summary.recommendation), sweepId)
    return summary
  })

  return {
    sweepId,
    done,
    cancel: () => {
      cancelled = true
      for (const h of running) h.cancel()
    },
  }
}

type SweepRow = {
  id: string
  name: string
  ranks_json: string
  lrs_json: string
  concurrency: number
  max_concurrent_observed: number
  recommendation_json: string | null
  base_config_json: string
  created_at: string
}

export function getSweep(db: Db, sweepId: string): SweepSummaryDto {
  const row = db.prepare('SELECT * FROM sweeps WHERE id = ?').get(sweepId) as SweepRow | undefined
  if (!row) throw new StudioError('not-found', `No sweep with id ${sweepId}`)
  const runs = listRuns(db, { sweepId })
  const cells = runs.map((r): SweepCell => ({ ...cellOf(db, r.id, r.rank, r.learningRate, r.status, r.error?.code ?? null), step: r.step, totalSteps: r.totalSteps }))
  const ranks = JSON.parse(row.ranks_json) as number[]
  const lrs = JSON.parse(row.lrs_json) as number[]
  const total = ranks.length * lrs.length
  const finished = cells.filter((c) => !LIVE.includes(c.status)).length
  return {
    id: row.id,
    name: row.name,
    // recommendation_json is written when the sweep's workers finish (also after a cancel).
    status: row.recommendation_json !== null || (finished === runs.length && runs.length === total) ? 'done' : 'running',
    ranks,
    learningRates: lrs,
    concurrency: row.concurrency,
    maxConcurrentObserved: row.max_concurrent_observed,
    cells,
    // Every cell trains the same data with the same steps (or epochs, known once a cell has tokenized).
    stepsPerCell: (JSON.parse(row.base_config_json) as { steps?: number }).steps ?? (Math.max(0, ...runs.map((r) => r.totalSteps)) || null),
    createdAt: row.created_at,
    finished,
    total,
    // A cell still training can still overfit or win: no recommendation until every cell has finished.
    recommendation: finished === total ? recommend(cells) : null,
  }
}

const LIVE: readonly SweepCell['status'][] = ['queued', 'running', 'paused']

export function listSweeps(db: Db): SweepSummaryDto[] {
  const ids = db.prepare('SELECT id FROM sweeps ORDER BY created_at DESC').all() as { id: string }[]
  return ids.map((r) => getSweep(db, r.id))
}

function cellOf(db: Db, runId: string, rank: number, learningRate: number, status: SweepCell['status'], errorCode: string | null): Omit<SweepCell, 'step' | 'totalSteps'> {
  const evals = getEvals(db, runId).filter((e) => Number.isFinite(e.testNll))
  const metrics = getMetrics(db, runId)
  const finalTestNll = evals.at(-1)?.testNll ?? null
  // Mean over the last quarter of steps: the guide's "train mean NLL" late in training, less noisy than one batch.
  const tail = metrics.slice(Math.floor(metrics.length * 0.75))
  const finiteTail = tail.filter((m) => Number.isFinite(m.trainNll))
  const trainMeanNll = finiteTail.length ? finiteTail.reduce((s, m) => s + m.trainNll, 0) / finiteTail.length : null
  const live = LIVE.includes(status)
  const j = judgeRun({
    train: metrics.map((m) => [m.step, m.trainNll]),
    test: evals.map((e) => [e.step, e.testNll]),
    finished: status === 'completed' || status === 'stopped',
    diverged: errorCode === 'loss-diverged',
  })
  const verdict = live ? null : j.verdict
  const best = bestSampler(getCheckpoints(db, runId), j.best?.step ?? null)
  let note: string | null = null
  if (verdict === 'diverged') note = errorCode === 'loss-diverged' ? 'diverged (loss blew up): lower the LR' : 'unstable (train NLL rose): lower the LR'
  else if (verdict === 'overfit') note = `overfit after step ${j.best!.step} (test NLL ${((j.riseAboveBest ?? 0) * 100).toFixed(0)}% above its best at the end): lower LR or rank, or fewer steps`
  else if (verdict === 'too-slow') note = 'too slow (test NLL still falling steeply): more steps'
  else if (!live && status !== 'completed') note = `run ${status}`
  return {
    runId,
    rank,
    learningRate,
    status,
    finalTestNll,
    bestTestNll: j.best?.testNll ?? null,
    trainMeanNll,
    unstable: verdict === 'diverged',
    note,
    verdict,
    bestStep: j.best?.step ?? null,
    overfitFrom: verdict === 'overfit' ? j.overfitFrom : null,
    bestCheckpoint: best?.path ?? null,
  }
}

/**
 * The guide's advice as a rule, applied once every cell has finished: among completed cells that did not diverge,
 * the lowest *best* test NLL wins (an overfitting cell is judged at its best step, which becomes the stopping step);
 * cells within SWEEP_TIE_TOLERANCE of it are ties, and among ties the guide prefers a rank no higher than the
 * moderate default, then the smaller rank, then the lower learning rate (the safer choice when both work).
 */
export function recommend(cells: SweepCell[]): SweepRecommendation {
  const ok = cells.filter((c) => c.status === 'completed' && c.verdict !== 'diverged' && c.bestTestNll !== null && c.bestStep !== null)
  if (ok.length === 0) return null
  const best = Math.min(...ok.map((c) => c.bestTestNll!))
  const ties = ok.filter((c) => c.bestTestNll! <= best * (1 + SWEEP_TIE_TOLERANCE))
  ties.sort(
    (x, y) =>
      Number(x.rank > SWEEP_MODERATE_RANK) - Number(y.rank > SWEEP_MODERATE_RANK) ||
      x.rank - y.rank ||
      x.learningRate - y.learningRate ||
      x.bestTestNll! - y.bestTestNll!,
  )
  const pick = ties[0]
  const reasons: string[] = [`stop at step ${pick.bestStep} (best test NLL ${pick.bestTestNll!.toFixed(4)})`]
  if (ties.length > 1)
    reasons.push(
      `${ties.length - 1} other cell(s) within ${(SWEEP_TIE_TOLERANCE * 100).toFixed(0)}% of the best; the guide prefers a moderate (≤${SWEEP_MODERATE_RANK}), smaller rank and the lower learning rate among ties`,
    )
  for (const c of cells.filter((c) => c !== pick && c.verdict !== null && c.verdict !== 'fine'))
    reasons.push(`rank ${c.rank}, lr ${c.learningRate}: ${c.note}`)
  return {
    runId: pick.runId,
    rank: pick.rank,
    learningRate: pick.learningRate,
    stopStep: pick.bestStep!,
    bestTestNll: pick.bestTestNll!,
    checkpoint: pick.bestCheckpoint,
    reason: `rank ${pick.rank}, lr ${pick.learningRate}: ${reasons.join('; ')}.`,
  }
}
