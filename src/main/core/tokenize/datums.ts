import type { Datum } from '../../../shared/datum'
import { SKIP_NOTHING_WEIGHTED, skipBeyondMaxLength, skipTooFewTokens } from './skip-reasons'

export type DatumResult = { datum: Datum; skipReason?: undefined } | { datum: null; skipReason: string }

/**
 * Why a conversation of `length` tokens with these per-token weights yields no datum once cut to
 * `maxLength`, or null when it yields one (at least one weighted target token, i.e. among `weights[1:]`).
 */
export function datumSkipReason(weights: ArrayLike<number>, length: number, maxLength: number): string | null {
  const n = Math.min(length, maxLength)
  if (n < 2) return skipTooFewTokens(n, maxLength)
  for (let i = 1; i < n; i++) if (weights[i]) return null
  for (let i = n; i < length; i++)
    if (weights[i])
      return skipBeyondMaxLength(maxLength, i, length)
  return SKIP_NOTHING_WEIGHTED
}

/**
 * The guide's datum: cut to `maxLength`, then `model_input = tokens[:-1]`, `target_tokens = tokens[1:]`,
 * `weights = weights[1:]`. A conversation left with no weighted target is skipped with the reason.
 */
export function makeDatum(tokens: ArrayLike<number>, weights: ArrayLike<number>, maxLength: number): DatumResult {
  const skipReason = datumSkipReason(weights, tokens.length, maxLength)
  if (skipReason !== null) return { datum: null, skipReason }
  return { datum: datumFromSlice(tokens, weights, 0, Math.min(tokens.length, maxLength)) }
}

/** The datum of `tokens[offset, offset+length)` (already cut), without intermediate copies. */
export function datumFromSlice(
  tokens: ArrayLike<number>,
  weights: ArrayLike<number>,
  offset: number,
  length: number,
): Datum {
  const m = length - 1
  const model_input = new Array<number>(m)
  const target_tokens = new Array<number>(m)
  const w = new Array<number>(m)
  for (let i = 0; i < m; i++) {
    model_input[i] = tokens[offset + i]
    target_tokens[i] = tokens[offset + i + 1]
    w[i] = weights[offset + i + 1]
  }
  return { model_input, target_tokens, weights: w }
}
