/**
 * A read-through copy of main's settings and connection state. Main owns them; every change goes through
 * the API and the store keeps the value main answered with.
 */
import { create } from 'zustand'
import type { ConnectionReport, SettingsView } from '../../../shared/contract'
import type { Locale } from '../../../shared/i18n'
import type { Failure } from '../../../shared/result'
import { api } from '../api'
import { useLocale } from '../i18n/locale-store'

type SettingsState = {
  settings: SettingsView | null
  connection: ConnectionReport | null
  /** The last failure of a settings change, shown next to the field that caused it. */
  failure: Failure | null
  load: () => Promise<void>
  update: (patch: Parameters<typeof api.settingsSet>[0]) => Promise<boolean>
  setConnection: (c: ConnectionReport | null) => void
  /** Switches the UI language now and saves the choice (null: follow the OS/browser language again). */
  chooseLocale: (locale: Locale | null) => Promise<boolean>
}

/** Keeps the settings and the language they record together. */
const received = (settings: SettingsView): Pick<SettingsState, 'settings' | 'failure'> => {
  useLocale.getState().setPreference(settings.locale)
  return { settings, failure: null }
}

export const useSettings = create<SettingsState>()((set, get) => ({
  settings: null,
  connection: null,
  failure: null,
  load: async () => {
    const r = await api.settingsGet()
    if (r.ok) set(received(r.value))
    else set({ failure: r })
  },
  update: async (patch) => {
    const r = await api.settingsSet(patch)
    if (r.ok) set(received(r.value))
    else set({ failure: r })
    return r.ok
  },
  setConnection: (connection) => set({ connection }),
  chooseLocale: (locale) => {
    useLocale.getState().setPreference(locale)
    return get().update({ locale })
  },
}))
