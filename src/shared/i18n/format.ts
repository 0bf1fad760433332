/**
 * Locale-bound number, size, duration and date formatting, all through `Intl`, so the same value reads the
 * same on every screen and reads naturally in each language (`1,024 tokens` / `2026年12月6日`, `1 min 15 sec` /
 * `1分钟15秒`). Plain JavaScript: the renderer, main and the CLIs share it (Node ships full ICU).
 * One exception is deliberate: learning rates keep the guide's `1e-4` notation in every language, because
 * that is how the guide, TuFT and the LR field itself write them.
 */
import type { Locale } from './locale'

/** Shown for a value that does not exist (not computed, not reported); the same in every language. */
export const MISSING = '—'

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }

export type Format = {
  locale: Locale
  /** A count or size, rounded, with grouping: `1,024`. */
  int(n: number): string
  /** Exactly `digits` decimals: `2.346`. */
  decimal(n: number, digits: number): string
  /** Up to `digits` significant digits (axis labels, ratios): `0.123`, `12,300`. */
  significant(n: number, digits: number): string
  /** A mean NLL as the app shows it everywhere (3 decimals), or MISSING. */
  nll(n: number | null | undefined): string
  /** A share 0…1: one decimal below 10 % (where it matters), whole percent above. */
  percent(x: number): string
  /** Decimal (SI) units, as Intl names them: `512 bytes`, `1.5 kB`, `2.3 GB`. */
  bytes(b: number): string
  /** A span of time, two units at most: `45 sec`, `1 min 15 sec`, `2 hr 5 min`; MISSING when unknown. */
  duration(seconds: number | null | undefined): string
  /** A latency in milliseconds: `12 ms`. */
  milliseconds(ms: number): string
  /** A moment, date and time: `Dec 6, 2026, 2:03 PM` / `2026年12月6日 14:03`. */
  dateTime(at: string | number | Date): string
  /** A day: `December 6, 2026` / `2026年12月6日`. */
  date(at: string | number | Date): string
  /** A list of values (ranks, splits): `8, 32, 128` / `8、32、128`. */
  list(items: readonly string[]): string
  /** The plural form `n` takes in this language (English: one/other; Chinese: always other). */
  plural(n: number, forms: PluralForms): string
  /** A learning rate in the guide's notation (`1e-4`, `5e-5`), the same in every language. */
  lr(lr: number): string
  /** A large count the way the language abbreviates it (parameter counts): `4.02B` / `40.2亿`. */
  compact(n: number): string
}

/** `1e-4`, `5e-5`, `2.5e-4`: the notation the guide and the LR field use. */
export function formatLr(lr: number): string {
  if (!(lr > 0) || !Number.isFinite(lr)) return String(lr)
  const e = Math.floor(Math.log10(lr))
  const m = lr / Math.pow(10, e)
  return Math.abs(m - 1) < 1e-9 ? `1e${e}` : `${Number(m.toPrecision(3))}e${e}`
}

const toDate = (at: string | number | Date): Date => (at instanceof Date ? at : new Date(at))

export function createFormat(locale: Locale): Format {
  const intFmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })
  const decimals = new Map<number, Intl.NumberFormat>()
  const decimal = (n: number, digits: number): string => {
    let f = decimals.get(digits)
    if (!f) decimals.set(digits, (f = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits })))
    return f.format(n)
  }
  const sig = new Map<number, Intl.NumberFormat>()
  const significant = (n: number, digits: number): string => {
    let f = sig.get(digits)
    if (!f) sig.set(digits, (f = new Intl.NumberFormat(locale, { maximumSignificantDigits: digits })))
    return f.format(n)
  }
  const pct = [0, 1].map((d) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: d }))
  const unit = (u: string, display: 'long' | 'short' | 'narrow', digits = 0): Intl.NumberFormat =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: display, maximumFractionDigits: digits })
  const byteUnits = [unit('byte', 'long'), ...['kilobyte', 'megabyte', 'gigabyte', 'terabyte'].map((u) => unit(u, 'short', 1))]
  const [sec, min, hr] = ['second', 'minute', 'hour'].map((u) => unit(u, 'short'))
  const ms = unit('millisecond', 'short')
  // 'unit' lists join amounts of one quantity ("1 min 15 sec", "1分钟15秒"); 'conjunction' narrow lists values.
  const unitList = new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' })
  const valueList = new Intl.ListFormat(locale, { type: 'conjunction', style: 'narrow' })
  const dateTimeFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })
  const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'long' })
  const rules = new Intl.PluralRules(locale)
  const compactFmt = new Intl.NumberFormat(locale, { notation: 'compact', maximumSignificantDigits: 3 })

  return {
    locale,
    int: (n) => intFmt.format(Math.round(n)),
    decimal,
    significant,
    nll: (n) => (n === null || n === undefined || !Number.isFinite(n) ? MISSING : decimal(n, 3)),
    percent: (x) => pct[Math.abs(x) < 0.1 ? 1 : 0].format(x),
    bytes(b) {
      let i = 0
      let v = b
      while (Math.abs(v) >= 1000 && i < byteUnits.length - 1) {
        v /= 1000
        i++
      }
      return byteUnits[i].format(v)
    },
    duration(seconds) {
      if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return MISSING
      const s = Math.max(0, Math.round(seconds))
      if (s < 60) return sec.format(s)
      const m = Math.floor(s / 60)
      if (m < 60) return unitList.format(s % 60 ? [min.format(m), sec.format(s % 60)] : [min.format(m)])
      const h = Math.floor(m / 60)
      return unitList.format(m % 60 ? [hr.format(h), min.format(m % 60)] : [hr.format(h)])
    },
    milliseconds: (n) => ms.format(n),
    dateTime: (at) => dateTimeFmt.format(toDate(at)),
    date: (at) => dateFmt.format(toDate(at)),
    list: (items) => valueList.format(items),
    plural: (n, forms) => forms[rules.select(n)] ?? forms.other,
    lr: formatLr,
    compact: (n) => compactFmt.format(n),
  }
}
