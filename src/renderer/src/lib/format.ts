/** Number, size and duration formatting shared by every screen, so the same value reads the same everywhere. */
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US')

export const fmtNll = (n: number | null | undefined): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(3)

export const fmtLr = (lr: number): string => {
  const e = Math.floor(Math.log10(lr))
  const m = lr / Math.pow(10, e)
  return Math.abs(m - 1) < 1e-9 ? `1e${e}` : `${Number(m.toPrecision(3))}e${e}`
}

export const fmtPercent = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`

export function fmtBytes(b: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  let v = b
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—'
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${s % 60} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

/** Parses "1e-4", "0.0001" or "5e-5"; null for anything that is not a positive finite number. */
export function parsePositive(s: string): number | null {
  const v = Number(s.trim())
  return Number.isFinite(v) && v > 0 ? v : null
}
