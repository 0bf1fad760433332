import { describe, expect, it } from 'vitest'
import { Decimator, type Point } from './decimate'

const series = (n: number, f: (i: number) => number): [number, number][] => Array.from({ length: n }, (_, i) => [i, f(i)])

describe('Decimator', () => {
  it('passes short series through unchanged', () => {
    const pts = series(50, (i) => i * 2)
    expect(new Decimator(100).update(pts)).toEqual(pts)
  })

  it('draws at most 2 × maxBuckets points and keeps every spike', () => {
    const pts = series(20_000, (i) => (i === 12_345 ? 99 : i === 777 ? -5 : Math.sin(i)))
    const out = new Decimator(1000).update(pts)
    expect(out.length).toBeLessThanOrEqual(2000)
    expect(out).toContainEqual([12_345, 99])
    expect(out).toContainEqual([777, -5])
    // x stays in step order.
    for (let i = 1; i < out.length; i++) expect(out[i][0]).toBeGreaterThan(out[i - 1][0])
  })

  it('incremental appends give the same result as decimating the whole series at once', () => {
    const all = series(5000, (i) => Math.cos(i / 3) + i / 1000)
    const inc = new Decimator(300)
    let got: [number, number][] = []
    for (let n = 1; n <= all.length; n += 37) got = inc.update(all.slice(0, n))
    got = inc.update(all)
    expect(got).toEqual(new Decimator(300).update(all))
  })

  it('starts over when the series is replaced by another run', () => {
    const d = new Decimator(10)
    d.update(series(100, () => 1))
    const other: Point[] = series(5, (i) => 10 + i)
    expect(d.update(other)).toEqual(other)
  })

  it('keeps a NaN step visible', () => {
    const pts = series(1000, (i) => (i === 500 ? NaN : 1))
    expect(new Decimator(50).update(pts).some(([, y]) => Number.isNaN(y))).toBe(true)
  })
})
