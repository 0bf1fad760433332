import {
  REQUEST_TIMEOUT_MS,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_ATTEMPTS,
  RETRY_MAX_DELAY_MS,
} from '../../../shared/defaults'
import { endpointUrl } from './discovery'
import { TuftError, errorFromResponse, type KeyInfo } from './errors'

export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number }

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: RETRY_MAX_ATTEMPTS,
  baseDelayMs: RETRY_BASE_DELAY_MS,
  maxDelayMs: RETRY_MAX_DELAY_MS,
}

export type RequestSpec = {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  query?: Record<string, string | number>
  json?: unknown
  body?: Uint8Array
  contentType?: string
  accept?: string
  headers?: Record<string, string>
  /** true (default): the key is required and sent; 'optional': sent when there is one (routes TuFT leaves
   *  open, such as get_server_capabilities); false: never sent. */
  auth?: boolean | 'optional'
  timeoutMs?: number
  /** Overrides the policy's attempts (1 = no retry). */
  maxAttempts?: number
  signal?: AbortSignal
  /** For error messages. */
  op?: string
  /** 'manual': a 3xx reply is returned as is (TuFT's checkpoint archive answers 302 to a file:// URL). */
  redirect?: 'manual'
}

export type HttpReply = {
  status: number
  contentType: string
  headers: Headers
  bytes: Uint8Array
  /** True when an earlier attempt may have reached the server (reset / timeout) before this one: a
   *  non-idempotent POST may then have run twice. */
  maybeDuplicated: boolean
}

export const isProtobuf = (reply: HttpReply) => reply.contentType.toLowerCase().includes('application/x-protobuf')

export const replyJson = (reply: HttpReply): unknown => {
  const text = new TextDecoder().decode(reply.bytes)
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Transport failures the request certainly never reached the server with. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

const causeCode = (e: unknown): string => {
  let cur = e as { code?: unknown; cause?: unknown; message?: unknown } | undefined
  for (let i = 0; i < 4 && cur; i++) {
    if (typeof cur.code === 'string') return cur.code
    cur = cur.cause as typeof cur
  }
  const m = (e as Error)?.message ?? ''
  return /socket hang up/i.test(m) ? 'ECONNRESET' : 'UNKNOWN'
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError())
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(cancelledError())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

export const cancelledError = () => new TuftError('cancelled', 'Cancelled')

/** The SDK's capped exponential backoff with 25 % downward jitter; honours Retry-After(-Ms) ≤ 60 s. */
export const backoffMs = (attempt: number, policy: RetryPolicy, headers?: Headers): number => {
  const ms = Number(headers?.get('retry-after-ms'))
  if (ms > 0 && ms <= 60_000) return ms
  const s = Number(headers?.get('retry-after'))
  if (s > 0 && s <= 60) return s * 1000
  return Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs) * (1 - 0.25 * Math.random())
}

type TransportFailure = TuftError & { details: { transport: string; notSent: boolean } }

export type TransportOptions = {
  baseUrl: string
  apiKey: string | null
  keyInfo: KeyInfo
  retry: RetryPolicy
  requestTimeoutMs?: number
}

/**
 * One HTTP/1.1 client for a TuFT server: the single X-API-Key header, per-request timeouts, cancellation,
 * typed errors and SDK-style retries (429/5xx/408/transport errors; other 4xx are final).
 */
export class Transport {
  /** Set once any HTTP reply arrived: a later ECONNREFUSED then means a restart, worth retrying. */
  private everConnected = false

  constructor(readonly opts: TransportOptions) {}

  get baseUrl() {
    return this.opts.baseUrl
  }

  /** A single attempt. Resolves with any HTTP status; throws a TuftError only for transport failures. */
  async send(spec: RequestSpec): Promise<HttpReply> {
    if (spec.signal?.aborted) throw cancelledError()
    if ((spec.auth ?? true) === true && !this.opts.apiKey)
      throw new TuftError('missing-api-key', `${spec.op ?? spec.path}: no API key is set (app settings or TINKER_API_KEY)`, {
        keySource: this.opts.keyInfo.source,
        envKeySet: this.opts.keyInfo.envKeySet,
        envKeyDiffers: this.opts.keyInfo.envKeyDiffers,
      })
    const url = endpointUrl(this.opts.baseUrl, spec.path, spec.query)
    const headers: Record<string, string> = { Accept: spec.accept ?? 'application/json', ...spec.headers }
    let body: Uint8Array | string | undefined
    if (spec.body) {
      body = spec.body
      headers['Content-Type'] = spec.contentType ?? 'application/x-protobuf'
    } else if (spec.json !== undefined) {
      body = JSON.stringify(spec.json)
      headers['Content-Type'] = 'application/json'
    }
    if (spec.auth !== false && this.opts.apiKey) headers['X-API-Key'] = this.opts.apiKey

    const timeoutMs = spec.timeoutMs ?? this.opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
    const timer = AbortSignal.timeout(timeoutMs)
    const signal = spec.signal ? AbortSignal.any([spec.signal, timer]) : timer
    try {
      const res = await fetch(url, { method: spec.method, headers, body, signal, redirect: spec.redirect ?? 'follow' })
      const bytes = new Uint8Array(await res.arrayBuffer())
      this.everConnected = true
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        headers: res.headers,
        bytes,
        maybeDuplicated: false,
      }
    } catch (e) {
      if (spec.signal?.aborted) throw cancelledError()
      if (timer.aborted) {
        const err = new TuftError('timeout', `${spec.op ?? spec.path}: no answer from ${this.opts.baseUrl} within ${Math.round(timeoutMs / 1000)} s`, {
          transport: 'timeout',
          url,
        })
        ;(err.details as { notSent?: boolean }).notSent = false
        throw err
      }
      const code = causeCode(e)
      const err = new TuftError('server-unreachable', `${spec.op ?? spec.path}: could not reach TuFT at ${this.opts.baseUrl} (${code})`, {
        transport: code,
        url,
      }) as TransportFailure
      err.details.notSent = NOT_SENT.has(code)
      throw err
    }
  }

  /**
   * Sends with retries and returns the 2xx reply; anything else becomes a typed TuftError. A refused
   * connection is only retried once the server has answered before (a restart), so a server that was
   * never up is reported at once.
   */
  async request(spec: RequestSpec): Promise<HttpReply> {
    const max = Math.max(1, spec.maxAttempts ?? this.opts.retry.maxAttempts)
    let maybeDuplicated = false
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= max - 1
      let reply: HttpReply
      try {
        reply = await this.send(spec)
      } catch (e) {
        const err = e as TuftError
        if (err.code === 'cancelled' || err.code === 'missing-api-key' || last) throw err
        const notSent = err.details?.notSent === true
        if (notSent && !this.everConnected) throw err
        if (!notSent) maybeDuplicated = true
        await sleep(backoffMs(attempt, this.opts.retry), spec.signal)
        continue
      }
      const redirected = spec.redirect === 'manual' && reply.status >= 300 && reply.status < 400
      if ((reply.status >= 200 && reply.status < 300) || redirected) return { ...reply, maybeDuplicated }
      const retryable = reply.status === 408 || reply.status === 429 || reply.status >= 500
      if (retryable && !last) {
        // A gateway that gave up on the server (502, 504) may have forwarded the request: it may have run.
        if (reply.status === 502 || reply.status === 504) maybeDuplicated = true
        await sleep(backoffMs(attempt, this.opts.retry, reply.headers), spec.signal)
        continue
      }
      throw errorFromResponse(reply.status, replyJson(reply), { keyInfo: this.opts.keyInfo, op: spec.op ?? spec.path })
    }
  }
}
