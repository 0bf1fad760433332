/**
 * Which languages the app speaks and how a language tag from the OS, the browser or a POSIX environment maps
 * onto one of them. Pure: callers pass `navigator.languages`, Electron's `app.getLocale()` or `process.env`.
 */

/** Every language with a complete catalogue. Adding one here makes the type check demand its catalogues. */
export const LOCALES = ['en', 'zh-CN'] as const
export type Locale = (typeof LOCALES)[number]

/** Used when nothing the system says matches a catalogue (and in tests: the e2e browser runs in en-US). */
export const DEFAULT_LOCALE: Locale = 'en'

/**
 * Each language's name in that language, for the language switch: a reader who cannot read the current
 * language must still find their own.
 */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' }

export const isLocale = (x: unknown): x is Locale => typeof x === 'string' && (LOCALES as readonly string[]).includes(x)

/**
 * The catalogue for one language tag, or null when none fits. Accepts BCP 47 (`zh-Hans-CN`, `en-GB`) and
 * POSIX forms (`zh_CN.UTF-8`). Every Chinese variant gets Simplified Chinese: it is the only Chinese
 * catalogue, and closer to a Traditional-Chinese reader than English.
 */
export function localeOfTag(tag: string): Locale | null {
  const lang = tag.trim().split(/[.@]/)[0].replace(/_/g, '-').toLowerCase().split('-')[0]
  if (lang === 'zh') return 'zh-CN'
  if (lang === 'en') return 'en'
  return null
}

/** The first tag in preference order that has a catalogue, else the default. */
export function matchLocale(tags: readonly (string | null | undefined)[]): Locale {
  for (const t of tags) {
    const l = t ? localeOfTag(t) : null
    if (l) return l
  }
  return DEFAULT_LOCALE
}

/**
 * A command line's language, by POSIX precedence: LC_ALL, then LC_MESSAGES, then LANG (`zh_CN.UTF-8` →
 * zh-CN; `C`, `POSIX` or unset → English).
 */
export function localeFromEnv(env: Readonly<Record<string, string | undefined>>): Locale {
  const tag = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v.trim() !== '')
  return matchLocale([tag])
}

/**
 * The language the app shows: the user's saved choice when there is one, else the first of the system's
 * languages with a catalogue (the OS's, then the browser's), else English.
 */
export const resolveLocale = (preference: Locale | null, systemTags: readonly (string | null | undefined)[]): Locale =>
  preference ?? matchLocale(systemTags)
