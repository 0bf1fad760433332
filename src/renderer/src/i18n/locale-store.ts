/**
 * The language the renderer shows: the user's choice when there is one, else the system's. The choice is
 * recorded in main's settings (so it survives restarts, the browser bridge's changing port and a switch
 * between desktop and browser mode): the settings store feeds every settings answer into `setPreference`
 * and `useSettings().chooseLocale` applies a new choice here first, then saves it. This store imports no
 * API, so pages without a backend (the chart bench) can render text too.
 */
import { create } from 'zustand'
import { resolveLocale, type Locale } from '../../../shared/i18n'

type LocaleState = {
  /** The OS's and the browser's preferred languages, most preferred first. */
  systemTags: readonly string[]
  /** The user's choice; null follows the system. */
  preference: Locale | null
  /** What every component renders in. */
  locale: Locale
  /** The desktop shell's languages (Electron's app.getLocale()), ahead of the browser's. */
  setShellLanguages: (tags: readonly string[]) => void
  /** Applies a choice (null: follow the system) to every component at once. */
  setPreference: (preference: Locale | null) => void
}

const browserTags = (): readonly string[] => (typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]))

export const useLocale = create<LocaleState>()((set, get) => ({
  systemTags: browserTags(),
  preference: null,
  locale: resolveLocale(null, browserTags()),
  setShellLanguages: (tags) => {
    const systemTags = [...tags, ...browserTags()]
    set({ systemTags, locale: resolveLocale(get().preference, systemTags) })
  },
  setPreference: (preference) => {
    if (preference !== get().preference) set({ preference, locale: resolveLocale(preference, get().systemTags) })
  },
}))
