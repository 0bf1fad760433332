/**
 * The renderer's side of src/shared/i18n: `useT()` gives a component its language's strings, formatters
 * and hints, and re-renders it when the language changes; `useLocale` knows which language that is, and
 * `useSettings().chooseLocale` changes it (saved in main's settings).
 *
 *   const { t, fmt, hint } = useT()
 *   return <Button>{t.common.continue}</Button>
 *
 * Read strings inside components (or pass `t` down): a string read at module level would stay in the
 * language the app started in.
 */
import { i18nFor, type I18n } from '../../../shared/i18n'
import { useLocale } from './locale-store'

export { useLocale } from './locale-store'

export const useT = (): I18n => i18nFor(useLocale((s) => s.locale))
