import { POLL_IMMEDIATE_408, POLL_MAX_408, POLL_TIMEOUT_MS } from '../../../shared/defaults'
import { TuftError, errorFromNativeFailure, errorFromResponse, type KeyInfo } from './errors'
import { backoffMs, isProtobuf, replyJson, sleep, type HttpReply, type RetryPolicy, type Transport } from './http'

/** The SDK's X-Tinker-Request-Type values (informational for the server). */
export type RequestType =
  | 'CreateModel'
  | 'Forward'
  | 'ForwardBackward'
  | 'OptimStep'
  | 'SaveWeights'
  | 'SaveWeightsForSampler'
  | 'LoadWeights'
  | 'Sample'
  | 'UnloadModel'

export type PollOptions<T> = {
  requestId: string
  requestType: RequestType
  /** Ask for protobuf (ForwardBackwardOutput / SampleResponse); JSON answers are still accepted. */
  protobuf: boolean
  decodeProtobuf?: (bytes: Uint8Array) => T
  parseJson: (body: unknown) => T
  signal?: AbortSignal
  pollTimeoutMs?: number
  retry: RetryPolicy
  keyInfo: KeyInfo
  /** Called once per poll reply (tests and progress). */
  onPoll?: (status: number, kind: string) => void
}

/**
 * Long-polls `/api/v1/retrieve_future` until the result or a final error (§5.2, §5.3):
 * - each poll may take longer than TuFT's 120 s hold (POLL_TIMEOUT_MS) so TuFT answers `try_again` itself;
 * - `try_again` → poll again at once; `complete_metadata` → poll again with allow_metadata_only=false;
 * - 408 → at once a few times, then with backoff, then `timeout` (TuFT's failed-408 record never clears);
 * - 429 / 5xx / transport errors / client-side poll timeouts → capped exponential backoff;
 * - every other status is final and typed by its text; `{error, category}` bodies too.
 */
export const pollFuture = async <T>(transport: Transport, opts: PollOptions<T>): Promise<T> => {
  let allowMetadataOnly = true
  let failures = 0
  let consecutive408 = 0
  const ctx = { keyInfo: opts.keyInfo, requestId: opts.requestId, op: 'retrieve_future' }
  for (let iteration = 0; ; iteration++) {
    let reply: HttpReply
    try {
      reply = await transport.send({
        method: 'POST',
        path: '/api/v1/retrieve_future',
        json: { request_id: opts.requestId, allow_metadata_only: allowMetadataOnly },
        accept: opts.protobuf ? 'application/x-protobuf' : 'application/json',
        headers: { 'X-Tinker-Request-Iteration': String(iteration), 'X-Tinker-Request-Type': opts.requestType },
        timeoutMs: opts.pollTimeoutMs ?? POLL_TIMEOUT_MS,
        signal: opts.signal,
        op: 'retrieve_future',
      })
    } catch (e) {
      const err = e as TuftError
      if (err.code === 'cancelled' || err.code === 'missing-api-key') throw err
      opts.onPoll?.(0, err.details?.transport === 'timeout' ? 'poll-timeout' : 'transport-error')
      if (++failures >= opts.retry.maxAttempts) throw err
      await sleep(backoffMs(failures - 1, opts.retry), opts.signal)
      continue
    }

    if (reply.status === 200) {
      if (isProtobuf(reply)) {
        opts.onPoll?.(200, 'protobuf')
        if (!opts.decodeProtobuf) throw new TuftError('server-error', 'The server sent an unexpected protobuf result', { requestId: opts.requestId })
        return opts.decodeProtobuf(reply.bytes)
      }
      const body = replyJson(reply) as Record<string, unknown> | null
      if (body && typeof body === 'object') {
        if (body.type === 'try_again') {
          opts.onPoll?.(200, 'try_again')
          failures = 0
          consecutive408 = 0
          continue
        }
        if (body.status === 'complete_metadata') {
          opts.onPoll?.(200, 'complete_metadata')
          allowMetadataOnly = false
          continue
        }
        if (typeof body.error === 'string') {
          opts.onPoll?.(200, 'error')
          throw errorFromNativeFailure(body as { error: string; category?: unknown }, ctx)
        }
      }
      opts.onPoll?.(200, 'json')
      return opts.parseJson(body)
    }

    const body = replyJson(reply)
    if (reply.status === 408) {
      opts.onPoll?.(408, 'timeout')
      consecutive408++
      if (consecutive408 >= POLL_MAX_408) throw errorFromResponse(408, body, ctx)
      if (consecutive408 > POLL_IMMEDIATE_408)
        await sleep(backoffMs(consecutive408 - POLL_IMMEDIATE_408 - 1, opts.retry), opts.signal)
      continue
    }
    if (reply.status === 429 || reply.status >= 500) {
      opts.onPoll?.(reply.status, 'retry')
      if (++failures >= opts.retry.maxAttempts) throw errorFromResponse(reply.status, body, ctx)
      await sleep(backoffMs(failures - 1, opts.retry, reply.headers), opts.signal)
      continue
    }
    opts.onPoll?.(reply.status, 'final')
    throw errorFromResponse(reply.status, body, ctx)
  }
}
