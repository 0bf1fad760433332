import { HUB_IDLE_TIMEOUT_MS } from '../../../shared/defaults'
import { proxiedFetch } from './proxy'

export type RepoType = 'dataset' | 'model'

export type HubProgress = { phase: 'downloading'; current: number; total: number; file?: string }

export type HubCallOptions = {
  /** Hub or mirror base URL; see resolveHubEndpoint. */
  endpoint?: string
  /** Bearer token for gated/private repos; defaults to HF_TOKEN. */
  token?: string
  signal?: AbortSignal
  /** A request with no answer (or a transfer with no bytes) for this long fails with hf-timeout. */
  idleTimeoutMs?: number
}

export type HubFetchRecord = { commit?: string }

/**
 * The fetch handed to @huggingface/hub (through the environment's proxy, see proxy.ts): adds the token as a plain Bearer header (the library insists on
 * `hf_` prefixes, which mirrors and self-hosted hubs do not use), applies cancel + timeout, and remembers
 * the `X-Repo-Commit` the hub sends so provenance can record the exact revision.
 */
export function makeHubFetch(
  opts: { token?: string; signal?: AbortSignal; idleTimeoutMs?: number },
  record: HubFetchRecord = {},
): typeof fetch {
  const ms = opts.idleTimeoutMs ?? HUB_IDLE_TIMEOUT_MS
  return async (input, init) => {
    const headers = new Headers(init?.headers)
    if (opts.token && !headers.has('authorization')) headers.set('authorization', `Bearer ${opts.token}`)
    const signals = [AbortSignal.timeout(ms), opts.signal, init?.signal ?? undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    )
    const res = await proxiedFetch(input, { ...init, headers, signal: AbortSignal.any(signals) })
    const commit = res.headers.get('x-repo-commit')
    if (commit) record.commit = commit
    return res
  }
}
