import type { ForwardBackwardResult, TuftDatum } from './codec'

export type ChunkLimits = { maxLen: number; maxBytes: number }

/** The SDK's `_estimate_datum_bytes_count_proto`: 4 bytes per input token plus each tensor's raw bytes. */
export const estimateDatumBytes = (d: TuftDatum): number =>
  4 * d.model_input.length + 8 * d.target_tokens.length + 4 * d.weights.length

/**
 * Splits datums in order the way the SDK does: a chunk closes when it already holds `maxLen` datums or
 * when the next datum would push it past `maxBytes`; a single oversized datum travels alone.
 */
export const chunkDatums = <D extends TuftDatum>(datums: readonly D[], limits: ChunkLimits): D[][] => {
  const chunks: D[][] = []
  let current: D[] = []
  let bytes = 0
  for (const d of datums) {
    const b = estimateDatumBytes(d)
    if (current.length > 0 && (current.length >= limits.maxLen || bytes + b > limits.maxBytes)) {
      chunks.push(current)
      current = []
      bytes = 0
    }
    current.push(d)
    bytes += b
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

type Reducer = (values: number[], weights: number[]) => number

const weightedMean: Reducer = (xs, ws) => {
  const total = ws.reduce((a, b) => a + b, 0)
  return total === 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : xs.reduce((a, x, i) => a + x * ws[i], 0) / total
}

const REDUCERS: Record<string, Reducer> = {
  sum: (xs) => xs.reduce((a, b) => a + b, 0),
  mean: weightedMean,
  min: (xs) => Math.min(...xs),
  max: (xs) => Math.max(...xs),
  slack: (xs, ws) => Math.max(...xs) - weightedMean(xs, ws),
  hash2: (xs) => {
    const mask = (1n << 64n) - 1n
    return Number(xs.reduce((a, x) => (a + (BigInt(Math.trunc(x)) & mask)) & mask, 0n))
  },
}

/**
 * Recombines chunk results as the SDK's `combine_fwd_bwd_output_results`: outputs concatenated in chunk
 * order; each metric reduced by its `:suffix` (mean/slack weighted by datums per chunk); `unique` values
 * kept as key, key_1, key_2… (the SDK's numbering); metrics missing from a chunk, without a colon or with an unknown suffix dropped.
 */
export const combineForwardBackward = (results: readonly ForwardBackwardResult[]): ForwardBackwardResult => {
  if (results.length === 0) return { loss_fn_output_type: '', loss_fn_outputs: [], metrics: {} }
  const weights = results.map((r) => r.loss_fn_outputs.length)
  const metrics: Record<string, number> = {}
  for (const key of Object.keys(results[0].metrics)) {
    const parts = key.split(':')
    if (parts.length !== 2) continue
    if (!results.every((r) => key in r.metrics)) continue
    const values = results.map((r) => r.metrics[key])
    const reduction = parts[1]
    if (reduction === 'unique') {
      metrics[key] = values[0]
      values.slice(1).forEach((v, i) => (metrics[`${key}_${i + 1}`] = v))
      continue
    }
    const reduce = REDUCERS[reduction]
    if (reduce) metrics[key] = reduce(values, weights)
  }
  return {
    loss_fn_output_type: results[0].loss_fn_output_type,
    loss_fn_outputs: results.flatMap((r) => r.loss_fn_outputs),
    metrics,
  }
}
