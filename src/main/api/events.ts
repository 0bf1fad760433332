import type { EventName, StudioEvents } from '../../shared/contract'

type Sink = <E extends EventName>(event: E, payload: StudioEvents[E]) => void

/** Push events from main to whichever transports are attached (Electron window, bridge sockets, tests). */
export class EventBus {
  private readonly sinks = new Set<Sink>()

  /** `scrub` cleans every payload before any transport sees it (e.g. removes secrets from error texts). */
  constructor(private readonly scrub: <T>(payload: T) => T = (p) => p) {}

  attach(sink: Sink): () => void {
    this.sinks.add(sink)
    return () => this.sinks.delete(sink)
  }

  emit<E extends EventName>(event: E, raw: StudioEvents[E]): void {
    if (this.sinks.size === 0) return
    const payload = this.scrub(raw)
    for (const sink of this.sinks) {
      try {
        sink(event, payload)
      } catch {
        // A closed window or socket must not break the operation that reports progress.
      }
    }
  }
}
