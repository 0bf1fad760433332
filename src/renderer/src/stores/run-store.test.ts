import { beforeEach, describe, expect, it } from 'vitest'
import type { RunEventView } from '../../../shared/contract'
import { useRuns } from './run-store'

const metric = (step: number, trainNll: number, gradNorm: number | null = null): RunEventView => ({
  runId: 'r1',
  type: 'metric',
  step,
  trainNll,
  weightedTokens: 10,
  totalTokens: 20,
  tokensPerS: 100,
  stepTimeS: 0.1,
  learningRate: 1e-4,
  lossSum: null,
  gradNorm,
  serverMetrics: {},
})

describe('run store', () => {
  beforeEach(() => useRuns.setState({ runs: {} }))

  it('appends metrics and evals as they arrive, and keeps "not reported" metrics empty', () => {
    const { apply } = useRuns.getState()
    apply(metric(1, 2.5))
    apply(metric(2, 2.4))
    apply({ runId: 'r1', type: 'eval', step: 2, testNll: 2.6, weightedTokens: 5, conversations: 3, bitsPerByte: null })
    const r = useRuns.getState().runs.r1
    expect(r.train).toEqual([[1, 2.5], [2, 2.4]])
    expect(r.test).toEqual([[2, 2.6]])
    expect(r.gradNorm).toEqual([])
    expect(r.lr).toEqual([[1, 1e-4], [2, 1e-4]])
  })

  it('replaces the points of steps repeated after a resume instead of duplicating them', () => {
    const { apply } = useRuns.getState()
    for (const s of [1, 2, 3]) apply(metric(s, 3 - s / 10))
    apply(metric(2, 9))
    expect(useRuns.getState().runs.r1.train).toEqual([[1, 2.9], [2, 9]])
  })

  it('merges history loaded later under the live points', () => {
    useRuns.getState().apply(metric(3, 1.5))
    useRuns.getState().loadMetrics({ runId: 'r1', trainNll: [[1, 2], [2, 1.8]], testNll: [[0, 2.2]], extra: { grad_norm: [[1, 4]] } })
    const r = useRuns.getState().runs.r1
    expect(r.train).toEqual([[1, 2], [2, 1.8], [3, 1.5]])
    expect(r.test).toEqual([[0, 2.2]])
    expect(r.gradNorm).toEqual([[1, 4]])
  })

  it('shows grad norm per weighted token, live and from history, so a healthy run does not look like exploding gradients', () => {
    const { apply, loadMetrics } = useRuns.getState()
    apply(metric(2, 2.4, 25_000)) // 10 weighted tokens
    loadMetrics({ runId: 'r1', trainNll: [[1, 2.5]], testNll: [], extra: { grad_norm: [[1, 40_000]], weighted_tokens: [[1, 8_000]] } })
    expect(useRuns.getState().runs.r1.gradNormPerToken).toEqual([[1, 5], [2, 2_500]])
  })

  it('keeps the phase an error happened in and the coded failure for the hint', () => {
    const { apply } = useRuns.getState()
    apply({ runId: 'r1', type: 'phase', phase: 'training' })
    apply({ runId: 'r1', type: 'error', code: 'server-oom', message: 'CUDA out of memory', details: { status: 422 } })
    apply({ runId: 'r1', type: 'phase', phase: 'error' })
    const r = useRuns.getState().runs.r1
    expect(r.reached).toBe('training')
    expect(r.error).toEqual({ ok: false, code: 'server-oom', message: 'CUDA out of memory', details: { status: 422 } })
  })
})
