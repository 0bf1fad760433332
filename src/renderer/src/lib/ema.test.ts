import { describe, expect, it } from 'vitest'
import { debiasedEma, EmaAccumulator } from './ema'

describe('debiasedEma', () => {
  it('starts at the first value (debiased) instead of being pulled toward zero', () => {
    const s = debiasedEma([[0, 4], [1, 4], [2, 4]], 0.9)
    for (const [, y] of s) expect(y).toBeCloseTo(4, 12)
  })

  it('matches the TensorBoard formula on a step change', () => {
    const w = 0.5
    const s = debiasedEma([[0, 0], [1, 2]], w)
    // acc1 = 0, acc2 = 0.5*0 + 0.5*2 = 1; debias: 1 / (1 - 0.25) = 4/3
    expect(s[1][1]).toBeCloseTo(4 / 3, 12)
  })

  it('keeps NaN as a gap without poisoning later points', () => {
    const s = debiasedEma([[0, 1], [1, NaN], [2, 1]], 0.9)
    expect(Number.isNaN(s[1][1])).toBe(true)
    expect(s[2][1]).toBeCloseTo(1, 12)
  })

  it('the incremental accumulator equals the batch computation', () => {
    const pts: [number, number][] = Array.from({ length: 200 }, (_, i) => [i, Math.sin(i / 7) + 3 - i / 100])
    const acc = new EmaAccumulator(0.9)
    for (const [x, y] of pts) acc.push(x, y)
    const batch = debiasedEma(pts, 0.9)
    acc.smoothed.forEach(([x, y], i) => {
      expect(x).toBe(batch[i][0])
      expect(y).toBeCloseTo(batch[i][1], 12)
    })
  })
})
