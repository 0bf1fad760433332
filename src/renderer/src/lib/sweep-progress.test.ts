import { describe, expect, it } from 'vitest'
import type { SweepCell } from '../../../shared/contract'
import { sweepProgress } from './sweep-progress'

const cell = (runId: string, status: SweepCell['status'], step: number): SweepCell => ({
  runId,
  rank: 8,
  learningRate: 1e-4,
  status,
  finalTestNll: null,
  verdict: null,
  bestStep: null,
  overfitFrom: null,
  bestCheckpoint: null,
  bestTestNll: null,
  trainMeanNll: null,
  unstable: false,
  note: null,
  step,
  totalSteps: 10,
})

describe('sweep progress', () => {
  const start = Date.parse('2026-01-01T00:00:00Z')
  const sweep = { total: 4, stepsPerCell: 10, createdAt: new Date(start).toISOString(), status: 'running' as const }

  it('counts finished cells and steps over the whole grid, with live steps winning, and an ETA at the pace so far', () => {
    const p = sweepProgress({ ...sweep, cells: [cell('a', 'completed', 10), cell('b', 'running', 2)] }, { b: { step: 5, status: 'running' } }, start + 60_000)
    expect(p).toEqual({ cellsFinished: 1, cellsTotal: 4, stepsDone: 15, stepsTotal: 40, etaS: 100 })
  })

  it('has no ETA before the first step or once done, and no step total before it is known', () => {
    expect(sweepProgress({ ...sweep, cells: [] }, {}, start + 1000).etaS).toBeNull()
    const done = sweepProgress({ ...sweep, status: 'done', cells: [cell('a', 'failed', 3), cell('b', 'completed', 10)] }, {}, start + 1000)
    expect(done).toMatchObject({ cellsFinished: 2, stepsDone: 13, etaS: null })
    expect(sweepProgress({ ...sweep, stepsPerCell: null, cells: [] }, {}, start).stepsTotal).toBeNull()
  })
})
