import type { EventBus } from './events'
import { StudioError } from '../../shared/result'

export type Progress = { phase: string; current: number; total: number }

/** Minimum spacing of progress events per operation; phase changes and completion always go through. */
const PROGRESS_INTERVAL_MS = 100

/**
 * Long operations the renderer started with an opId: each gets an AbortSignal (cancelled by `opCancel`)
 * and a throttled progress reporter that pushes `progress` events.
 */
export class Ops {
  private readonly running = new Map<string, AbortController>()

  constructor(private readonly events: EventBus) {}

  async run<T>(opId: string, work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<T>): Promise<T> {
    if (this.running.has(opId)) throw new StudioError('invalid-input', `Operation ${opId} is already running.`)
    const controller = new AbortController()
    this.running.set(opId, controller)
    let lastAt = 0
    let lastPhase = ''
    const onProgress = (p: Progress): void => {
      const now = Date.now()
      const finished = p.total > 0 && p.current >= p.total
      if (p.phase === lastPhase && !finished && now - lastAt < PROGRESS_INTERVAL_MS) return
      lastAt = now
      lastPhase = p.phase
      this.events.emit('progress', { opId, phase: p.phase, current: p.current, total: p.total })
    }
    try {
      return await work(controller.signal, onProgress)
    } finally {
      this.running.delete(opId)
    }
  }

  cancel(opId: string): boolean {
    const c = this.running.get(opId)
    if (!c) return false
    c.abort()
    return true
  }

  cancelAll(): void {
    for (const c of this.running.values()) c.abort()
  }
}
