import { HUB_ATTEMPT_MEMORY_MS } from '../../../shared/defaults'
import { HF_MIRROR_ENDPOINT } from '../../../shared/hf-mirror'
import { StudioError } from '../../../shared/result'

const norm = (u: string): string => u.trim().replace(/\/+$/, '')

/**
 * Which hub endpoints failed to answer lately, so a hint never offers again what was just tried: after the
 * default hub fails it suggests a mirror; after that mirror fails too it says so and suggests the next one
 * (a site's own, `TUFT_STUDIO_HF_MIRROR`, then the public hf-mirror.com), or none when all were tried.
 */
export class HubAttempts {
  private readonly failed = new Map<string, number>()

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly now: () => number = Date.now,
  ) {}

  succeeded(endpoint: string): void {
    this.failed.delete(norm(endpoint))
  }

  /**
   * Records the failure of `endpoint` and returns the facts a hint needs: the endpoint tried, every endpoint
   * that failed lately (oldest first), and the mirror to try next (null when every known one failed).
   */
  failedNow(endpoint: string): { endpoint: string; triedEndpoints: string[]; suggestedEndpoint: string | null } {
    const ep = norm(endpoint)
    this.failed.delete(ep)
    this.failed.set(ep, this.now())
    const since = this.now() - HUB_ATTEMPT_MEMORY_MS
    for (const [e, at] of this.failed) if (at < since) this.failed.delete(e)
    const tried = [...this.failed.keys()]
    const mirrors = [this.env.TUFT_STUDIO_HF_MIRROR, HF_MIRROR_ENDPOINT].filter((m): m is string => !!m?.trim()).map(norm)
    return { endpoint: ep, triedEndpoints: tried, suggestedEndpoint: mirrors.find((m) => !tried.includes(m)) ?? null }
  }

  /**
   * Runs a hub call; a failure to reach the endpoint gets the facts above (and the proxy it went through) in
   * its details. A value the endpoint itself served (`reached`: not one from the local cache) clears its record.
   */
  async track<T>(endpoint: string, proxy: { url: string; variable: string } | null, call: () => Promise<T>, reached: (value: T) => boolean): Promise<T> {
    try {
      const value = await call()
      if (reached(value)) this.succeeded(endpoint)
      return value
    } catch (err) {
      if (!(err instanceof StudioError) || (err.code !== 'hf-unreachable' && err.code !== 'hf-timeout')) throw err
      throw new StudioError(err.code, err.message, {
        ...err.details,
        ...this.failedNow(endpoint),
        proxy: proxy?.url ?? null,
        proxyVariable: proxy?.variable ?? null,
      })
    }
  }
}
