import { HISTOGRAM_BINS, SUGGESTED_MAX_LENGTH_PERCENTILE } from '../../../shared/defaults'
import type { TokenStats } from '../../../shared/datum'

/** Histogram bin width: a 1-2-5 step so edges read well. */
function niceWidth(max: number, bins: number): number {
  const raw = Math.max(1, max / bins)
  const mag = 10 ** Math.floor(Math.log10(raw))
  for (const step of [1, 2, 5, 10]) if (step * mag >= raw) return Math.max(1, step * mag)
  return 10 * mag
}

/**
 * Length statistics of a tokenized split from `[length, conversations]` pairs in ascending length (what
 * one SQL GROUP BY gives), so no pass ever holds one value per conversation. Lengths are whole rendered
 * conversations (before the cut); `weightedTokens` is what will actually be trained on (the weighted
 * target tokens of the datums). A percentile p is the value at index ⌊p·n⌋ of the sorted lengths:
 * strictly more than a share p of them are ≤ it.
 */
export function statsFromLengthCounts(
  counts: readonly (readonly [number, number])[],
  maxLength: number,
  weightedTokens = 0,
): TokenStats {
  let n = 0
  let total = 0
  let truncated = 0
  for (const [length, c] of counts) {
    n += c
    total += length * c
    if (length > maxLength) truncated += c
  }
  const percentile = (p: number): number => {
    if (n === 0) return 0
    const at = Math.min(n - 1, Math.floor(p * n))
    let seen = 0
    for (const [length, c] of counts) {
      seen += c
      if (seen > at) return length
    }
    return counts[counts.length - 1][0]
  }
  const max = n ? counts[counts.length - 1][0] : 0
  const width = niceWidth(max, HISTOGRAM_BINS)
  const bins = Math.max(1, Math.floor(max / width) + 1)
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * width)
  const histogram = new Array<number>(bins).fill(0)
  for (const [length, c] of counts) histogram[Math.min(bins - 1, Math.floor(length / width))] += c
  const p95 = percentile(SUGGESTED_MAX_LENGTH_PERCENTILE)
  return {
    conversations: n,
    totalTokens: total,
    weightedTokens,
    p50: percentile(0.5),
    p95,
    max,
    histogram: { edges, counts: histogram },
    truncatedShare: n ? truncated / n : 0,
    suggestedMaxLength: p95,
  }
}
