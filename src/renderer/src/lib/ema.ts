/**
 * TensorBoard-style exponential moving average with debiasing: early points are divided by (1 − wⁿ) so the
 * smoothed curve starts at the data instead of at zero. Non-finite values are passed through as gaps (NaN)
 * without poisoning the average, so a diverged step stays visible on the raw series.
 */
export function debiasedEma(points: readonly (readonly [number, number])[], weight: number): [number, number][] {
  const out: [number, number][] = new Array(points.length)
  let acc = 0
  let n = 0
  for (let i = 0; i < points.length; i++) {
    const [x, y] = points[i]
    if (!Number.isFinite(y)) {
      out[i] = [x, NaN]
      continue
    }
    acc = acc * weight + (1 - weight) * y
    n++
    out[i] = [x, weight === 0 ? y : acc / (1 - Math.pow(weight, n))]
  }
  return out
}

/**
 * Incremental version for live charts: keeps the running state so appending one point is O(1) instead of
 * re-smoothing the whole 20,000-point series on every frame.
 */
export class EmaAccumulator {
  private acc = 0
  private n = 0
  readonly smoothed: [number, number][] = []

  constructor(private readonly weight: number) {}

  push(x: number, y: number): void {
    if (!Number.isFinite(y)) {
      this.smoothed.push([x, NaN])
      return
    }
    this.acc = this.acc * this.weight + (1 - this.weight) * y
    this.n++
    this.smoothed.push([x, this.weight === 0 ? y : this.acc / (1 - Math.pow(this.weight, this.n))])
  }
}
