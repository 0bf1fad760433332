import { HUB_PROBE_TIMEOUT_MS } from '../../../shared/defaults'
import type { ErrorCode } from '../../../shared/error-codes'
import { StudioError } from '../../../shared/result'
import { resolveHubEndpoint } from './endpoint'
import { toHubError } from './errors'
import { makeProxiedFetch, proxyFor } from './proxy'

export type HubProbeResult = { endpoint: string; reachable: boolean; code?: ErrorCode; message?: string; proxy: string | null }

/**
 * Whether a hub endpoint answers at all: any HTTP reply, even an error status, means the network path works
 * (a mirror need not serve its front page). Only a failure to connect, a timeout or a reset counts as
 * unreachable. Cheap enough to ask before offering what can work offline.
 */
export async function probeHub(
  opts: { endpoint?: string; signal?: AbortSignal; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<HubProbeResult> {
  const env = opts.env ?? process.env
  const endpoint = resolveHubEndpoint(opts.endpoint, env)
  const proxy = proxyFor(endpoint, env)?.url ?? null
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? HUB_PROBE_TIMEOUT_MS), opts.signal].filter((s): s is AbortSignal => s !== undefined)
  try {
    const res = await makeProxiedFetch(env)(`${endpoint}/api/datasets?limit=1`, { method: 'HEAD', signal: AbortSignal.any(signals), redirect: 'manual' })
    await res.body?.cancel()
    return { endpoint, reachable: true, proxy }
  } catch (err) {
    if (opts.signal?.aborted) throw new StudioError('cancelled', `Checking ${endpoint} was cancelled`)
    const e = toHubError(err, { url: endpoint, stage: 'request' })
    return { endpoint, reachable: false, code: e.code, message: e.message, proxy }
  }
}
