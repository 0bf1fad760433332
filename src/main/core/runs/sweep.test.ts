import { describe, expect, it } from 'vitest'
import type { SweepCell } from '../../../shared/runs'
import { recommend } from './sweep'

const cell = (rank: number, learningRate: number, bestTestNll: number | null, extra: Partial<SweepCell> = {}): SweepCell => ({
  runId: `r${rank}-${learningRate}`,
  rank,
  learningRate,
  status: 'completed',
  finalTestNll: bestTestNll,
  bestTestNll,
  trainMeanNll: bestTestNll,
  unstable: false,
  note: null,
  step: 10,
  totalSteps: 10,
  verdict: 'fine',
  bestStep: 30,
  overfitFrom: null,
  bestCheckpoint: `tinker://m/sampler_weights/best-${rank}-${learningRate}`,
  ...extra,
})

describe('sweep recommendation (the guide as a rule)', () => {
  it('ranks cells by their best test NLL and recommends a stopping step and its checkpoint', () => {
    const r = recommend([cell(8, 1e-4, 2.0), cell(8, 1e-3, 1.5, { bestStep: 10 }), cell(32, 1e-4, 1.9), cell(32, 1e-3, 1.8)])
    expect(r).toMatchObject({ rank: 8, learningRate: 1e-3, stopStep: 10, bestTestNll: 1.5, checkpoint: 'tinker://m/sampler_weights/best-8-0.001' })
    expect(r!.reason).toMatch(/stop at step 10/)
  })

  it('judges an overfitting cell at its best step, not at its final test NLL', () => {
    // The 1e-3 cell ends worse than the 1e-4 one but was better at step 10: stop there.
    const r = recommend([
      cell(32, 1e-4, 9.4, { finalTestNll: 9.4, bestStep: 40 }),
      cell(32, 1e-3, 9.2, { finalTestNll: 12.5, bestStep: 10, verdict: 'overfit', overfitFrom: 20, note: 'overfit after step 10' }),
    ])
    expect(r).toMatchObject({ learningRate: 1e-3, stopStep: 10 })
  })

  it('never recommends a diverged cell, and says why the others fell', () => {
    const r = recommend([
      cell(8, 1e-4, 1.7),
      cell(8, 1e-3, 1.2, { verdict: 'diverged', unstable: true, note: 'diverged (loss blew up): lower the LR' }),
    ])
    expect(r).toMatchObject({ rank: 8, learningRate: 1e-4 })
    expect(r!.reason).toMatch(/lr 0.001: diverged/)
  })

  it('breaks ties toward a moderate, smaller rank, then the lower learning rate', () => {
    const r = recommend([cell(128, 1e-4, 1.5), cell(32, 1e-4, 1.51), cell(8, 1e-4, 1.52)])
    expect(r).toMatchObject({ rank: 8 })
    expect(r!.reason).toMatch(/smaller rank/)
    // A rank above the moderate default wins only when it is clearly better.
    expect(recommend([cell(128, 1e-4, 1.0), cell(32, 1e-4, 1.5)])).toMatchObject({ rank: 128 })
  })

  it('recommends nothing when no cell completed without diverging', () => {
    expect(recommend([cell(8, 1e-3, null, { status: 'failed', verdict: 'diverged', unstable: true, note: 'diverged' })])).toBeNull()
  })
})
