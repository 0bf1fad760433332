import { describe, expect, it } from 'vitest'
import { histogramLayout } from './histogram'

// 30 bins of 50 tokens, as computeStats makes them for a longest conversation of 1,480 tokens.
const edges = Array.from({ length: 31 }, (_, i) => i * 50)
const counts = edges.slice(1).map((_, i) => 30 - i)

describe('histogramLayout', () => {
  it('puts the marker at the max length in tokens, not at a bin index', () => {
    const l = histogramLayout(edges, counts, 730, 1480)
    expect(l.marker).toBe(730)
    expect(l.axisMax).toBe(1500)
    expect(l.beyond).toBe(false)
    // Bins whose upper edge passes the max length are the cut ones.
    expect(l.bars.filter((b) => b.cut).map((b) => b.from)[0]).toBe(700)
    expect(l.bars[0]).toEqual({ from: 0, to: 50, count: 30, cut: false })
  })

  it('stretches the axis to a max length just past the data, and says nothing is cut', () => {
    const l = histogramLayout(edges, counts, 2048, 1480)
    expect(l).toMatchObject({ axisMax: 2048, marker: 2048, beyond: true })
    expect(l.bars.some((b) => b.cut)).toBe(false)
  })

  it('leaves a max length far past the data off the axis, still saying nothing is cut', () => {
    const small = edges.slice(0, 11)
    const l = histogramLayout(small, counts.slice(0, 10), 2048, 480)
    expect(l).toMatchObject({ axisMax: 500, marker: null, beyond: true })
  })
})
