import type { SandboxStatus } from '../../shared/contract'
import { registerSecret } from '../../shared/redact'
import type { SandboxHandle } from './core'
import type { EventBus } from './events'

/** One built-in sandbox per app launch, started on demand ("Use the local sandbox") and stopped on exit. */
export class SandboxManager {
  private current: SandboxHandle | null = null
  private starting: Promise<SandboxHandle> | null = null

  constructor(
    private readonly start: () => Promise<SandboxHandle>,
    private readonly events: EventBus,
  ) {}

  async ensure(): Promise<SandboxHandle> {
    if (this.current) return this.current
    this.starting ??= this.start()
      .then((h) => {
        registerSecret(h.apiKey)
        this.current = h
        this.events.emit('sandbox', this.status())
        return h
      })
      .finally(() => {
        this.starting = null
      })
    return this.starting
  }

  handle(): SandboxHandle | null {
    return this.current
  }

  status(): SandboxStatus {
    return { running: this.current !== null, url: this.current?.url ?? null }
  }

  async stop(): Promise<void> {
    const h = this.current
    this.current = null
    if (h) {
      await h.close()
      this.events.emit('sandbox', this.status())
    }
  }

  secretValues(): string[] {
    return this.current ? [this.current.apiKey] : []
  }
}
