/**
 * Where the token-length histogram puts its bars and the max-length marker, on a value axis of tokens (a
 * category axis would place the marker by bin index, not by length). The axis reaches the max length when
 * it is within half again the longest bin edge, so a cut just past the data is still drawn where it is; a max
 * length far beyond every conversation is not drawn (the chart would shrink to a sliver) and `beyond` says so.
 */
export type HistogramLayout = {
  bars: { from: number; to: number; count: number; cut: boolean }[]
  axisMax: number
  /** The marker's x in tokens, or null when it is off the axis. */
  marker: number | null
  /** The max length is past the longest conversation: nothing is cut. */
  beyond: boolean
}

/** How far past the last bin the axis may stretch to show the marker. */
const STRETCH = 1.5

export function histogramLayout(edges: readonly number[], counts: readonly number[], maxLength: number, longest: number): HistogramLayout {
  const last = edges[counts.length] ?? edges.at(-1) ?? 0
  const axisMax = maxLength > last && maxLength <= last * STRETCH ? maxLength : last
  return {
    bars: counts.map((count, i) => ({ from: edges[i], to: edges[i + 1] ?? edges[i], count, cut: (edges[i + 1] ?? edges[i]) > maxLength })),
    axisMax,
    marker: maxLength <= axisMax ? maxLength : null,
    beyond: maxLength >= longest,
  }
}
