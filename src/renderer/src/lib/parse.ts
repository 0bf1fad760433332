/**
 * Reading numbers the user typed. Formatting for display is locale-bound and lives in `useT().fmt`
 * (src/shared/i18n/format.ts); what is parsed here is the guide's notation, the same in every language.
 */

/** Parses "1e-4", "0.0001" or "5e-5"; null for anything that is not a positive finite number. */
export function parsePositive(s: string): number | null {
  const v = Number(s.trim())
  return Number.isFinite(v) && v > 0 ? v : null
}
