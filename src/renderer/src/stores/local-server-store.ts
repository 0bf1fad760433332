/**
 * The TuFT server on this workstation as main reports it: its status (`localServer` events) and the kept tail of
 * its log (`localServerLog` events, after one read of what main already holds). Subscribed on first use, so the
 * log keeps growing while the user is on another screen.
 */
import { create } from 'zustand'
import { LOCAL_SERVER_LOG_RING_LINES } from '../../../shared/defaults'
import type { LocalServerLogLine, LocalServerStatus } from '../../../shared/local-server'
import { api } from '../api'
import type { LocalServerDraft } from '../local-server/draft'

type LocalServerState = {
  status: LocalServerStatus | null
  lines: LocalServerLogLine[]
  /** The start form as the user left it, so coming back to the connect step (or starting again) keeps it. */
  draft: LocalServerDraft | null
  /** Reads the status and the kept log once and follows both from then on. */
  init: () => void
  refresh: () => Promise<void>
  setStatus: (s: LocalServerStatus) => void
  append: (lines: LocalServerLogLine[]) => void
}

let subscribed = false

export const useLocalServer = create<LocalServerState>()((set, get) => ({
  status: null,
  lines: [],
  draft: null,
  init: () => {
    if (subscribed) return
    subscribed = true
    api.on('localServer', (s) => get().setStatus(s))
    api.on('localServerLog', (e) => get().append(e.lines))
    void get().refresh()
    void api.localServerLogs({}).then((r) => r.ok && get().append(r.value.lines))
  },
  refresh: async () => {
    const r = await api.localServerStatus()
    if (r.ok) set({ status: r.value })
  },
  setStatus: (status) => {
    // A new start writes a new log whose lines are numbered from 0 again.
    if (status.state === 'starting' && get().status?.state !== 'starting') set({ lines: [] })
    set({ status })
  },
  append: (fresh) => {
    if (!fresh.length) return
    set((s) => {
      // The first read and live events can overlap or arrive in either order: merge by line number.
      const last = s.lines.at(-1)?.seq ?? -1
      const merged =
        fresh[0].seq > last
          ? [...s.lines, ...fresh]
          : [...new Map([...s.lines, ...fresh].map((l) => [l.seq, l])).values()].sort((a, b) => a.seq - b.seq)
      return { lines: merged.length > LOCAL_SERVER_LOG_RING_LINES ? merged.slice(-LOCAL_SERVER_LOG_RING_LINES) : merged }
    })
  },
}))
