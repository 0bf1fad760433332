/**
 * A read-through copy of main's settings and connection state. Main owns them; every change goes through
 * the API and the store keeps the value main answered with.
 */
import { create } from 'zustand'
import type { ConnectionReport, SettingsView } from '../../../shared/contract'
import type { Failure } from '../../../shared/result'
import { api } from '../api'

type SettingsState = {
  settings: SettingsView | null
  connection: ConnectionReport | null
  /** The last failure of a settings change, shown next to the field that caused it. */
  failure: Failure | null
  load: () => Promise<void>
  update: (patch: Parameters<typeof api.settingsSet>[0]) => Promise<boolean>
  setConnection: (c: ConnectionReport | null) => void
}

export const useSettings = create<SettingsState>()((set) => ({
  settings: null,
  connection: null,
  failure: null,
  load: async () => {
    const r = await api.settingsGet()
    if (r.ok) set({ settings: r.value, failure: null })
    else set({ failure: r })
  },
  update: async (patch) => {
    const r = await api.settingsSet(patch)
    if (r.ok) set({ settings: r.value, failure: null })
    else set({ failure: r })
    return r.ok
  },
  setConnection: (connection) => set({ connection }),
}))
