/** Which screen is showing. Not persisted: the app decides at start (wizard until a run has completed). */
import { create } from 'zustand'

export type View = 'loading' | 'wizard' | 'history' | 'run' | 'compare' | 'playground' | 'settings' | 'sft-or-rl' | 'server'
export type CompareTarget = { runIds: string[] } | { sweepId: string } | null
export type SettingsSection = 'servers' | 'keys' | 'hub' | 'cache' | 'sandbox'

type Nav = {
  view: View
  /** The view to return to from the SFT-or-RL page. */
  previous: View
  runId: string | null
  compare: CompareTarget
  playgroundRunId: string | null
  /** The settings section a hint sent the user to; the settings page brings it into view and focuses it. */
  settingsSection: SettingsSection | null
  go: (view: View) => void
  openRun: (runId: string) => void
  openCompare: (target: CompareTarget) => void
  openPlayground: (runId: string | null) => void
  openSettings: (section: SettingsSection) => void
}

export const useNav = create<Nav>()((set, get) => ({
  view: 'loading',
  previous: 'wizard',
  runId: null,
  compare: null,
  playgroundRunId: null,
  settingsSection: null,
  go: (view) => set({ view, settingsSection: null, previous: get().view === 'sft-or-rl' ? get().previous : get().view }),
  openRun: (runId) => set({ view: 'run', runId, previous: get().view }),
  openCompare: (compare) => set({ view: 'compare', compare, previous: get().view }),
  openPlayground: (playgroundRunId) => set({ view: 'playground', playgroundRunId, previous: get().view }),
  openSettings: (settingsSection) => set({ view: 'settings', settingsSection, previous: get().view }),
}))
