/**
 * UI preferences: the only renderer state that is persisted (localStorage). Server, dataset and run state
 * are owned by the main process and never stored here.
 */
import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import { EMA_SMOOTHING } from '../../../shared/defaults'

type Prefs = {
  logAxis: boolean
  smoothing: number
  showRaw: boolean
  setLogAxis: (v: boolean) => void
  setSmoothing: (v: number) => void
  setShowRaw: (v: boolean) => void
}

export const usePrefs = create<Prefs>()(
  persist(
    (set) => ({
      logAxis: false,
      smoothing: EMA_SMOOTHING,
      showRaw: true,
      setLogAxis: (logAxis) => set({ logAxis }),
      setSmoothing: (smoothing) => set({ smoothing }),
      setShowRaw: (showRaw) => set({ showRaw }),
    }),
    { name: 'tuft-studio-prefs', partialize: (s) => ({ logAxis: s.logAxis, smoothing: s.smoothing, showRaw: s.showRaw }) },
  ),
)
