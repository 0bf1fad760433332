import { HISTOGRAM_BINS, SUGGESTED_MAX_LENGTH_PERCENTILE } from '../../../shared/defaults'
import type { TokenStats } from '../../../shared/datum'

/** The value at index ⌊p·n⌋ of ascending-sorted values: strictly more than a share p of them are ≤ it. */
function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

/** Histogram bin width: a 1-2-5 step so edges read well. */
function niceWidth(max: number, bins: number): number {
  const raw = Math.max(1, max / bins)
  const mag = 10 ** Math.floor(Math.log10(raw))
  for (const step of [1, 2, 5, 10]) if (step * mag >= raw) return Math.max(1, step * mag)
  return 10 * mag
}

/**
 * Length statistics of a tokenized split. `lengths` are whole-conversation token counts (before the
 * cut); `weightedTokens` is what will actually be trained on (weighted target tokens of the datums).
 */
export function computeStats(lengths: ArrayLike<number>, maxLength: number, weightedTokens = 0): TokenStats {
  const sorted = Float64Array.from(lengths).sort()
  const n = sorted.length
  let total = 0
  let truncated = 0
  for (let i = 0; i < n; i++) {
    total += sorted[i]
    if (sorted[i] > maxLength) truncated++
  }
  const max = n ? sorted[n - 1] : 0
  const width = niceWidth(max, HISTOGRAM_BINS)
  const bins = Math.max(1, Math.floor(max / width) + 1)
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * width)
  const counts = new Array<number>(bins).fill(0)
  for (let i = 0; i < n; i++) counts[Math.min(bins - 1, Math.floor(sorted[i] / width))]++
  const p95 = percentile(sorted, SUGGESTED_MAX_LENGTH_PERCENTILE)
  return {
    conversations: n,
    totalTokens: total,
    weightedTokens,
    p50: percentile(sorted, 0.5),
    p95,
    max,
    histogram: { edges, counts },
    truncatedShare: n ? truncated / n : 0,
    suggestedMaxLength: p95,
  }
}
