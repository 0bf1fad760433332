/**
 * Min/max decimation for long, append-only series: each bucket of k consecutive points is drawn as its
 * minimum and maximum (in step order), so spikes and divergence stay visible while the chart draws at most
 * 2 × maxBuckets points. Appending is amortised O(1): only the last bucket is recomputed, and the bucket size
 * doubles (with one rebuild) when the series outgrows it.
 */
export type Point = readonly [number, number]

export class Decimator {
  private k = 1
  private done: [number, number][] = []
  /** Index of the first point not yet folded into a complete bucket. */
  private next = 0
  private source: readonly Point[] | null = null
  private firstY: number | undefined

  constructor(private readonly maxBuckets: number) {}

  update(points: readonly Point[]): [number, number][] {
    const replaced = this.source === null || points.length < this.next || points[0]?.[1] !== this.firstY
    if (replaced) {
      this.k = 1
      this.reset(points)
    }
    this.source = points
    while (points.length > this.maxBuckets * this.k) {
      this.k *= 2
      this.reset(points)
    }
    while (this.next + this.k <= points.length) {
      this.pushBucket(points, this.next, this.next + this.k, this.done)
      this.next += this.k
    }
    if (this.next >= points.length) return this.done
    const tail: [number, number][] = []
    this.pushBucket(points, this.next, points.length, tail)
    return this.done.concat(tail)
  }

  private reset(points: readonly Point[]): void {
    this.done = []
    this.next = 0
    this.firstY = points[0]?.[1]
  }

  private pushBucket(points: readonly Point[], from: number, to: number, out: [number, number][]): void {
    if (to - from === 1) {
      out.push([points[from][0], points[from][1]])
      return
    }
    let lo = from
    let hi = from
    for (let i = from + 1; i < to; i++) {
      const y = points[i][1]
      // NaN (a diverged step) wins both slots, so it shows up as a gap instead of disappearing.
      if (Number.isNaN(y)) {
        lo = hi = i
        break
      }
      if (y < points[lo][1]) lo = i
      if (y > points[hi][1]) hi = i
    }
    const [a, b] = lo <= hi ? [lo, hi] : [hi, lo]
    out.push([points[a][0], points[a][1]])
    if (b !== a) out.push([points[b][0], points[b][1]])
  }
}
