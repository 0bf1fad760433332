/**
 * The y range and label precision for these values: a lone value (or a flat line) gets a band around it, since
 * echarts would otherwise draw a zero-height axis with the same label repeated; labels get as many decimals as
 * the tick spacing needs, so two ticks never read the same.
 */
export function yScale(lines: readonly { points: readonly (readonly [number, number])[] }[]): { min?: number; max?: number; decimals: number } {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const l of lines)
    for (const [, v] of l.points)
      if (Number.isFinite(v)) {
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
  if (lo > hi) return { decimals: 2 }
  const flat = hi - lo <= Math.abs(hi) * 1e-9
  // 5% either side, so a positive series (a learning rate) never shows negative ticks.
  const pad = flat ? (hi !== 0 ? Math.abs(hi) * 0.05 : 0.01) : 0
  const span = flat ? 2 * pad : hi - lo
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(span / 5))))
  return flat ? { min: lo - pad, max: hi + pad, decimals } : { decimals }
}
