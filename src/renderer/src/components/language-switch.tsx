/**
 * English | 简体中文, each written in its own language so anyone can find theirs. Switches the whole UI at
 * once and remembers the choice (main's settings); shown on the first screen of the wizard.
 */
import { LOCALES, LOCALE_NAMES } from '../../../shared/i18n'
import { useT } from '../i18n'
import { useSettings } from '../stores/settings-store'

export function LanguageSwitch(): React.JSX.Element {
  const { t, locale } = useT()
  const choose = useSettings((s) => s.chooseLocale)
  return (
    <div className="segmented compact" role="group" aria-label={t.language.label} data-testid="language-switch">
      {LOCALES.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={locale === l} className={locale === l ? 'active' : ''} onClick={() => void choose(l)} data-testid={`locale-${l}`}>
          {LOCALE_NAMES[l]}
        </button>
      ))}
    </div>
  )
}
