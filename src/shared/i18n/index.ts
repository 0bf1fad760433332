/**
 * Languages of TuFT Studio: English (`en`) and Simplified Chinese (`zh-CN`). This is the public entry; the
 * pieces live next to it (locale.ts, format.ts) and in the catalogues under src/shared.
 *
 * ── Where the words are ───────────────────────────────────────────────────────────────────────────────
 *   UI wording        src/shared/ui-strings.ts (en, and the type `UiStrings`)  +  ui-strings.zh-cn.ts
 *   error hints       src/shared/catalogue.ts  (en + one-click actions)         +  catalogue.zh-cn.ts
 * Adding a string means adding the same key in both files of its kind; each other language is declared with
 * the English type, so `tsc` names every key one of them lacks or has in excess. Functions keep their
 * parameter types and format their numbers with their own language's `Format` (plurals via
 * Intl.PluralRules). Model ids, code, flags, environment variables and file names are never translated.
 * Terms follow docs/glossary.zh-CN.md (TuFT's Chinese docs and the guide).
 *
 * ── Renderer ─────────────────────────────────────────────────────────────────────────────────────────
 *   const { t, fmt, hint, locale } = useT()        // src/renderer/src/i18n
 *   <h1>{t.connect.title}</h1>  ·  t.dataset.rows(500)  ·  fmt.dateTime(run.createdAt)  ·  hint(code).fix
 * `useT()` re-renders the component when the language changes; nothing may capture a string at module
 * level. The language is chosen by the locale store (OS/browser language until the user picks one in
 * the first wizard step or Settings; the choice is saved in main's settings and applied at once).
 *
 * ── Main process and CLIs (Node) ────────────────────────────────────────────────────────────────────
 *   const { t, fmt, hint } = i18nFor(localeFromEnv(process.env))   // LC_ALL / LC_MESSAGES / LANG
 *   hintFor(code, locale)                                          // src/shared/catalogue.ts
 */
import type { ErrorCode } from '../error-codes'
import { hintFor, type Hint } from '../catalogue'
import { en, type UiStrings } from '../ui-strings'
import { zhCN } from '../ui-strings.zh-cn'
import { createFormat, type Format } from './format'
import type { Locale } from './locale'

export { DEFAULT_LOCALE, LOCALES, LOCALE_NAMES, isLocale, localeFromEnv, localeOfTag, matchLocale, resolveLocale, type Locale } from './locale'
export { MISSING, createFormat, formatLr, type Format, type PluralForms } from './format'
export type { UiStrings } from '../ui-strings'

/** Every language's UI catalogue. */
const UI_STRINGS: Record<Locale, UiStrings> = { en, 'zh-CN': zhCN }

/** Everything one language needs: its UI strings, its formatters and its hints. */
export type I18n = {
  locale: Locale
  t: UiStrings
  fmt: Format
  hint: (code: ErrorCode) => Hint
}

const cache = new Map<Locale, I18n>()

/** The bundle for one language; the same object every time, so it can be a React dependency. */
export function i18nFor(locale: Locale): I18n {
  let b = cache.get(locale)
  if (!b) cache.set(locale, (b = { locale, t: UI_STRINGS[locale], fmt: createFormat(locale), hint: (code) => hintFor(code, locale) }))
  return b
}

/** A label from a catalogue map for a value main sends as a plain string, falling back to the value itself. */
export function labelOf<M extends Record<string, string>>(map: M, key: string | null | undefined): string | undefined {
  if (key === null || key === undefined) return undefined
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key as keyof M] : key
}
