import type { EventName, StudioEvents } from '../../shared/contract'

type Sink = <E extends EventName>(event: E, payload: StudioEvents[E]) => void

/** Push events from main to whichever transports are attached (Electron window, bridge sockets, tests). */
export class EventBus {
  private readonly sinks = new Set<Sink>()

  attach(sink: Sink): () => void {
    this.sinks.add(sink)
    return () => this.sinks.delete(sink)
  }

  emit<E extends EventName>(event: E, payload: StudioEvents[E]): void {
    for (const sink of this.sinks) {
      try {
        sink(event, payload)
      } catch {
        // A closed window or socket must not break the operation that reports progress.
      }
    }
  }
}
