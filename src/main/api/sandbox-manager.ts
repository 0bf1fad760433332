import type { SandboxStatus } from '../../shared/contract'
import { maskKey, registerSecret } from '../../shared/redact'
import type { SandboxHandle } from './core'
import type { EventBus } from './events'

/** The port the sandbox should listen on, and who chose it; null: any free port. */
export type SandboxPortChoice = { port: number; source: 'serve-flag' | 'settings' } | null

/** One built-in sandbox per app launch, started on demand ("Use the local sandbox") and stopped on exit. */
export class SandboxManager {
  private current: SandboxHandle | null = null
  private starting: Promise<SandboxHandle> | null = null

  constructor(
    /** Starts a sandbox on `port` (0: any free port). */
    private readonly start: (port: number) => Promise<SandboxHandle>,
    private readonly events: EventBus,
    private readonly fixedPort: () => SandboxPortChoice = () => null,
  ) {}

  async ensure(): Promise<SandboxHandle> {
    if (this.current) return this.current
    this.starting ??= this.start(this.fixedPort()?.port ?? 0)
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
    const fixed = this.fixedPort()
    const url = this.current?.url ?? null
    return {
      running: this.current !== null,
      url,
      port: url ? Number(new URL(url).port) || null : null,
      keyMasked: maskKey(this.current?.apiKey),
      fixedPort: fixed?.port ?? null,
      fixedPortSource: fixed?.source ?? null,
    }
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
