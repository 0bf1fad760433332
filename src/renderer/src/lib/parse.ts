import { LEARNING_RATE_MAX } from '../../../shared/defaults'

/**
 * Reading numbers the user typed. Formatting for display is locale-bound and lives in `useT().fmt`
 * (src/shared/i18n/format.ts); what is parsed here is the guide's notation, the same in every language.
 */

/** Parses "1e-4", "0.0001" or "5e-5"; null for anything that is not a positive finite number. */
export function parsePositive(s: string): number | null {
  const v = Number(s.trim())
  return Number.isFinite(v) && v > 0 ? v : null
}

/** A learning rate as typed: a positive number up to LEARNING_RATE_MAX, or why not. */
export function parseLearningRate(s: string): { ok: true; value: number } | { ok: false; reason: 'invalid' | 'too-high' } {
  const v = parsePositive(s)
  if (v === null) return { ok: false, reason: 'invalid' }
  return v > LEARNING_RATE_MAX ? { ok: false, reason: 'too-high' } : { ok: true, value: v }
}

/** A whole number of at least `min` as typed, else null ("8", " 16 "; not "8.5", "1e1" or ""). */
export function parseWhole(s: string, min = 1): number | null {
  const t = s.trim()
  if (!/^\d+$/.test(t)) return null
  const v = Number(t)
  return Number.isSafeInteger(v) && v >= min ? v : null
}
