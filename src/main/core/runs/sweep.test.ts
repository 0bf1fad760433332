import { describe, expect, it } from 'vitest'
import type { SweepCell } from '../../../shared/runs'
import { recommend } from './sweep'

const cell = (rank: number, learningRate: number, finalTestNll: number | null, extra: Partial<SweepCell> = {}): SweepCell => ({
  runId: `r${rank}-${learningRate}`,
  rank,
  learningRate,
  status: 'completed',
  finalTestNll,
  bestTestNll: finalTestNll,
  trainMeanNll: finalTestNll,
  unstable: false,
  note: null,
  step: 10,
  totalSteps: 10,
  ...extra,
})

describe('sweep recommendation (the guide as a rule)', () => {
  it('picks the lowest final test NLL among stable cells', () => {
    const r = recommend([cell(8, 1e-4, 2.0), cell(8, 1e-3, 1.5), cell(32, 1e-4, 1.9), cell(32, 1e-3, 1.8)])
    expect(r).toMatchObject({ rank: 8, learningRate: 1e-3 })
  })

  it('prefers the lower learning rate when the higher one is unstable', () => {
    const r = recommend([
      cell(8, 1e-4, 1.7),
      cell(8, 1e-3, 1.2, { unstable: true, note: 'test NLL rose 20% above its best' }),
    ])
    expect(r).toMatchObject({ rank: 8, learningRate: 1e-4 })
    expect(r!.reason).toMatch(/unstable/)
  })

  it('breaks ties toward a moderate, smaller rank', () => {
    const r = recommend([cell(128, 1e-4, 1.5), cell(32, 1e-4, 1.51), cell(8, 1e-4, 1.52)])
    expect(r).toMatchObject({ rank: 8 })
    expect(r!.reason).toMatch(/smaller rank/)
    // A rank above the moderate default wins only when it is clearly better.
    expect(recommend([cell(128, 1e-4, 1.0), cell(32, 1e-4, 1.5)])).toMatchObject({ rank: 128 })
  })

  it('recommends nothing when no cell completed stably', () => {
    expect(recommend([cell(8, 1e-3, null, { status: 'failed', unstable: true, note: 'diverged' })])).toBeNull()
  })
})
