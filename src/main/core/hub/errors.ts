import type { ErrorCode } from '../../../shared/error-codes'
import { StudioError, storageErrorOf } from '../../../shared/result'

/** Thrown by our idle timer so a stalled transfer is told apart from a user cancel. */
export class HubIdleTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no data received for ${Math.round(ms / 1000)} s`)
    this.name = 'HubIdleTimeout'
  }
}

const UNREACHABLE: Record<string, string> = {
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'Host is unreachable',
  ENETDOWN: 'Network is down',
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EAI_FAIL: 'DNS lookup failed',
  ECONNREFUSED: 'Connection refused',
  CERT_HAS_EXPIRED: 'TLS certificate error',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate error',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate error',
}
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED'])

type Cause = { code?: string; message: string; name?: string; statusCode?: number }

/**
 * fetch wraps the system error in `cause` (sometimes twice), and Node's happy-eyeballs connect
 * reports one error per address in an AggregateError; collect them all, outermost first.
 */
function causeChain(err: unknown): Cause[] {
  const out: Cause[] = []
  const visit = (cur: unknown, depth: number): void => {
    if (depth > 5 || !cur || typeof cur !== 'object') return
    const e = cur as { code?: unknown; message?: unknown; name?: unknown; statusCode?: unknown; cause?: unknown; errors?: unknown }
    out.push({
      code: typeof e.code === 'string' ? e.code : undefined,
      message: typeof e.message === 'string' && e.message ? e.message : String(cur),
      name: typeof e.name === 'string' ? e.name : undefined,
      statusCode: typeof e.statusCode === 'number' ? e.statusCode : undefined,
    })
    if (Array.isArray(e.errors)) for (const sub of e.errors) visit(sub, depth + 1)
    visit(e.cause, depth + 1)
  }
  visit(err, 0)
  if (out.length === 0) out.push({ message: String(err) })
  return out
}

export const codeForStatus = (status: number): ErrorCode =>
  status === 401 || status === 403
    ? 'hf-auth-required'
    : status === 404
      ? 'hf-not-found'
      : status === 408 || status === 504
        ? 'hf-timeout'
        : 'hf-unreachable'

/**
 * Maps whatever fetch / @huggingface/hub threw to a coded StudioError, keeping the original text.
 * `stage` says whether bytes of a file had started arriving: a reset then is an interrupted download
 * (resumable), before that it means the endpoint cannot be reached.
 */
export function toHubError(
  err: unknown,
  ctx: { url: string; stage: 'request' | 'body'; signal?: AbortSignal },
): StudioError {
  if (err instanceof StudioError) return err
  if (ctx.signal?.aborted) return new StudioError('cancelled', `Download cancelled: ${ctx.url}`, { url: ctx.url })
  // Writing the download failed, not the network: a full disk or an unwritable data folder.
  const storage = storageErrorOf(err)
  if (storage) return storage
  const chain = causeChain(err)
  const original = chain.map((c) => c.message).filter((m, i, a) => a.indexOf(m) === i).join(': ')
  // The library's and the system's own words, apart from ours, so a screen in another language can quote them.
  const details: Record<string, unknown> = { url: ctx.url, cause: original }
  const idle = chain.find((c) => c.name === 'HubIdleTimeout')
  if (idle || chain.some((c) => c.name === 'TimeoutError'))
    return new StudioError('hf-timeout', `Timed out talking to ${ctx.url}: ${original}`, details)
  const status = chain.find((c) => c.statusCode !== undefined)?.statusCode
  if (status !== undefined) {
    details.status = status
    return new StudioError(codeForStatus(status), `HTTP ${status} from ${ctx.url}: ${original}`, details)
  }
  // A definite "cannot reach" from any address wins over a timeout on another.
  const unreachable = chain.find((c) => c.code && UNREACHABLE[c.code])
  if (unreachable?.code) {
    details.errno = unreachable.code
    return new StudioError('hf-unreachable', `Cannot reach ${ctx.url} (${UNREACHABLE[unreachable.code]}): ${original}`, details)
  }
  for (const c of chain) {
    if (!c.code) continue
    details.errno = c.code
    if (UNREACHABLE[c.code])
      return new StudioError('hf-unreachable', `Cannot reach ${ctx.url} (${UNREACHABLE[c.code]}): ${original}`, details)
    if (TIMEOUT.has(c.code)) return new StudioError('hf-timeout', `Timed out talking to ${ctx.url}: ${original}`, details)
    if (DROPPED.has(c.code))
      return ctx.stage === 'body'
        ? new StudioError('download-interrupted', `Connection dropped while downloading ${ctx.url}: ${original}`, details)
        : new StudioError('hf-unreachable', `Connection to ${ctx.url} was closed: ${original}`, details)
  }
  if (ctx.stage === 'body' && /terminated|other side closed|socket/i.test(original))
    return new StudioError('download-interrupted', `Connection dropped while downloading ${ctx.url}: ${original}`, details)
  if (/fetch failed|bad port|invalid url/i.test(original))
    return new StudioError('hf-unreachable', `Cannot reach ${ctx.url}: ${original}`, details)
  if (/Expected ETag|Expected size|Invalid file size|Unexpected token|is not valid JSON|not iterable/i.test(original))
    return new StudioError('hf-unreachable', `${ctx.url} did not answer like a Hugging Face hub: ${original}`, { ...details, badResponse: true })
  return new StudioError('internal', `Hub request to ${ctx.url} failed: ${original}`, details)
}

/**
 * True when a server answered (any HTTP status or a malformed body): the endpoint is reachable, so a
 * caller may try another route. False for network failures, timeouts, cancel and auth errors.
 */
export const answeredButUnusable = (err: unknown): boolean =>
  err instanceof StudioError &&
  err.code !== 'hf-auth-required' &&
  err.code !== 'cancelled' &&
  err.code !== 'hf-timeout' &&
  (err.details?.status !== undefined || err.details?.badResponse === true)
