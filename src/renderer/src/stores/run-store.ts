/**
 * Live state of runs as the main process reports it: phase, status, progress and curves. The renderer never
 * owns this state; it mirrors `run` push events and fills history from `runMetrics` when a run is opened.
 */
import { create } from 'zustand'
import type { RunEventView, RunMetrics, Series } from '../../../shared/contract'
import type { Failure } from '../../../shared/result'
import { isErrorCode } from '../../../shared/error-codes'

export type LiveRun = {
  phase: string | null
  /** The furthest working phase reached (connecting … saving), kept when the run then errors or stops. */
  reached: string | null
  status: string | null
  step: number
  total: number | null
  etaS: number | null
  tokensPerS: number | null
  train: Series
  test: Series
  gradNorm: Series
  /** Grad norm divided by the step's weighted tokens: the server's norm is of the summed loss. */
  gradNormPerToken: Series
  lr: Series
  error: Failure | null
  /** Bumped on every change, so components can subscribe to one number instead of whole arrays. */
  version: number
}

const emptyRun = (): LiveRun => ({
  phase: null,
  reached: null,
  status: null,
  step: 0,
  total: null,
  etaS: null,
  tokensPerS: null,
  train: [],
  test: [],
  gradNorm: [],
  gradNormPerToken: [],
  lr: [],
  error: null,
  version: 0,
})

type Runs = {
  runs: Record<string, LiveRun>
  apply: (e: RunEventView) => void
  loadMetrics: (m: RunMetrics) => void
  setStatus: (runId: string, status: string) => void
}

const num = (x: unknown): number | null => (typeof x === 'number' && !Number.isNaN(x) ? x : null)

/** Appends or replaces the point for `step`, keeping the series in step order (resumes can repeat a step). */
function upsert(series: Series, step: number, value: number): Series {
  const last = series[series.length - 1]
  if (!last || last[0] < step) return [...series, [step, value]]
  const kept = series.filter(([s]) => s < step)
  return [...kept, [step, value]]
}

/** `values` divided by the same step's token count (steps without a count are left out). */
export function perToken(values: Series, tokens: Series): Series {
  const byStep = new Map(tokens.map(([s, v]) => [s, v]))
  return values.flatMap(([s, v]): Series => {
    const w = byStep.get(s)
    return w && w > 0 ? [[s, v / w]] : []
  })
}

const mergeSeries = (base: Series, extra: Series): Series => {
  let out = base
  for (const [s, v] of extra) out = upsert(out, s, v)
  return out
}

export const useRuns = create<Runs>()((set) => ({
  runs: {},
  apply: (e) =>
    set((s) => {
      const cur = s.runs[e.runId] ?? emptyRun()
      const next: LiveRun = { ...cur, version: cur.version + 1 }
      switch (e.type) {
        case 'phase':
          next.phase = typeof e.phase === 'string' ? e.phase : cur.phase
          if (next.phase && !['error', 'stopped', 'paused', 'done'].includes(next.phase)) next.reached = next.phase
          if (next.phase !== 'error') next.error = null
          break
        case 'progress':
          next.step = num(e.current) ?? cur.step
          next.total = num(e.total) ?? cur.total
          next.etaS = num(e.etaS)
          next.tokensPerS = num(e.tokensPerS) ?? cur.tokensPerS
          break
        case 'metric': {
          const step = num(e.step)
          if (step === null) break
          const nll = typeof e.trainNll === 'number' ? e.trainNll : NaN
          next.train = upsert(cur.train, step, nll)
          const g = num(e.gradNorm)
          if (g !== null) next.gradNorm = upsert(cur.gradNorm, step, g)
          const w = num(e.weightedTokens)
          if (g !== null && w !== null && w > 0) next.gradNormPerToken = upsert(cur.gradNormPerToken, step, g / w)
          const lr = num(e.learningRate)
          if (lr !== null) next.lr = upsert(cur.lr, step, lr)
          next.tokensPerS = num(e.tokensPerS) ?? cur.tokensPerS
          next.step = Math.max(cur.step, step)
          break
        }
        case 'eval': {
          const step = num(e.step)
          const v = num(e.testNll)
          if (step !== null && v !== null) next.test = upsert(cur.test, step, v)
          break
        }
        case 'status':
          next.status = typeof e.status === 'string' ? e.status : cur.status
          break
        case 'error': {
          const code = isErrorCode(e.code) ? e.code : 'internal'
          const details = typeof e.details === 'object' && e.details !== null ? (e.details as Record<string, unknown>) : undefined
          next.error = { ok: false, code, message: String(e.message ?? ''), ...(details ? { details } : {}) }
          break
        }
        default:
          return s
      }
      return { runs: { ...s.runs, [e.runId]: next } }
    }),
  loadMetrics: (m) =>
    set((s) => {
      const cur = s.runs[m.runId] ?? emptyRun()
      const lastStep = m.trainNll.length ? m.trainNll[m.trainNll.length - 1][0] : 0
      return {
        runs: {
          ...s.runs,
          [m.runId]: {
            ...cur,
            // Events that arrived while the history was loading are newer: merge them over it.
            train: mergeSeries(m.trainNll, cur.train),
            test: mergeSeries(m.testNll, cur.test),
            gradNorm: mergeSeries(m.extra.grad_norm ?? [], cur.gradNorm),
            gradNormPerToken: mergeSeries(perToken(m.extra.grad_norm ?? [], m.extra.weighted_tokens ?? []), cur.gradNormPerToken),
            lr: mergeSeries(m.extra.learning_rate ?? [], cur.lr),
            step: Math.max(cur.step, lastStep),
            version: cur.version + 1,
          },
        },
      }
    }),
  setStatus: (runId, status) =>
    set((s) => {
      const cur = s.runs[runId] ?? emptyRun()
      return { runs: { ...s.runs, [runId]: { ...cur, status, version: cur.version + 1 } } }
    }),
}))
