import { describe, expect, it } from 'vitest'
import { yScale } from './y-scale'

/** The labels echarts would draw at 5 ticks over [min, max] with this many decimals. */
const labels = (min: number, max: number, decimals: number): string[] => Array.from({ length: 6 }, (_, i) => (min + ((max - min) * i) / 5).toFixed(decimals))

describe('y axis scale', () => {
  it('gives a lone first point a band around it, with labels that differ', () => {
    const y = yScale([{ points: [[1, 11.9342]] }])
    expect(y.min).toBeLessThan(11.9342)
    expect(y.max).toBeGreaterThan(11.9342)
    const l = labels(y.min!, y.max!, y.decimals)
    expect(new Set(l).size).toBe(l.length)
    // A flat learning rate keeps positive ticks.
    const lr = yScale([{ points: [[1, 1e-3], [2, 1e-3]] }])
    expect(lr.min).toBeGreaterThan(0)
    expect(new Set(labels(lr.min!, lr.max!, lr.decimals)).size).toBe(6)
  })

  it('leaves a real range to echarts, with enough decimals for its ticks', () => {
    const y = yScale([{ points: [[1, 9.91], [2, 9.95]] }, { points: [[0, 9.93]] }])
    expect(y.min).toBeUndefined()
    const l = labels(9.91, 9.95, y.decimals)
    expect(new Set(l).size).toBe(l.length)
    expect(yScale([]).decimals).toBeGreaterThanOrEqual(0)
  })
})
