/**
 * The sandbox's HTTP face: TuFT's `/api/v1` routes with their status codes, auth and error shapes (PROTO §3–§5),
 * TuFT's OpenAI-compatible `/oai/api/v1` routes (oai.ts), plus the control routes `/_sandbox/faults` and
 * `/_sandbox/stats`. Plain node:http; every handler either answers directly or hands work to the Engine through a
 * future.
 *
 * Every request goes through one pipeline, whatever its route: match the route (404/405), apply the injected
 * faults, check the key (401/403), and only then read the body, up to the route's size limit (413). Nothing
 * is buffered for a caller without a key, and no caller can make the sandbox buffer more than one limit.
 */
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import net, { type Socket } from 'node:net'
import type { Engine } from './engine'
import { applyFaults, takeLostReply, type Faults } from './faults'
import { HttpError, ServerError, UnhandledError } from './errors'
import { FutureStore, type FuturePayload } from './futures'
import { OAI_INVALID_KEY, OAI_MISSING_KEY, oaiApiKey, registerOaiRoutes } from './oai'
import { createRng, type Rng } from './model/rng'
import {
  ClientConfigReq,
  CreateModelReq,
  CreateSamplingSessionReq,
  CreateSessionReq,
  FaultsReq,
  GetInfoReq,
  HeartbeatReq,
  LoadWeightsReq,
  OptimStepReq,
  RetrieveFutureReq,
  SampleReq,
  SaveForSamplerReq,
  SaveWeightsReq,
  TelemetryReq,
  UnloadReq,
  WeightsInfoReq,
  parseBody,
  parseJson,
} from './schemas'
import {
  decodeForwardBackwardRequest,
  encodeForwardBackwardOutput,
  encodeSampleResponse,
  forwardBackwardOutputJson,
  sampleResponseJson,
} from './wire'
import { FWDBWD_MAX_CHUNK_BYTES, FWDBWD_MAX_CHUNK_LEN, SANDBOX_MAX_FWDBWD_BODY_BYTES, SANDBOX_MAX_JSON_BODY_BYTES } from '../shared/defaults'
import { i18nFor, type I18n } from '../shared/i18n'

/** TuFT's client/config answer as captured (PROTO §4.1), chunk limits from defaults.ts. */
const CLIENT_CONFIG = {
  pjwt_auth_enabled: false,
  credential_default_source: 'api_key',
  sample_dispatch_bytes_semaphore_size: 10_485_760,
  inflight_response_bytes_semaphore_size: 52_428_800,
  parallel_fwdbwd_chunks: false,
  proto_compress_fwdbwd: false,
  fwdbwd_max_chunk_len: FWDBWD_MAX_CHUNK_LEN,
  fwdbwd_max_chunk_bytes_count: FWDBWD_MAX_CHUNK_BYTES,
  fwdbwd_dispatch_bytes_semaphore_size: 50_000_000,
  billing_exception_max_pause_duration_sec: 3600,
  sample_no_retries: false,
  sample_enable_stuck_detection: true,
  sample_max_concurrent_requests: 2000,
  use_pyqwest_transport: true,
  create_model_via_load_weights: false,
}

const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf']

type Ctx = {
  req: http.IncomingMessage
  res: http.ServerResponse
  url: URL
  body: Buffer
  user: string
  params: string[]
  signal: AbortSignal
}

type Handler = (ctx: Ctx) => Promise<void> | void
/** true: TuFT's X-API-Key check; 'oai': the OpenAI-compatible routes' Bearer-or-X-API-Key check. */
type Auth = boolean | 'oai'
type Route = { method: string; pattern: RegExp; auth: Auth; faults: boolean; maxBodyBytes: number; handler: Handler }

export type ServerDeps = {
  engine: Engine
  futures: FutureStore
  users: Map<string, string>
  longPollMs: number
  faults: Faults
  seed: number
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body))
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length })
  res.end(data)
}

function sendBytes(res: http.ServerResponse, bytes: Uint8Array): void {
  res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': bytes.length })
  res.end(bytes)
}

/** uvicorn's answer to an exception no handler caught: 500 text/plain, then the connection is closed. */
function sendUnhandled(res: http.ServerResponse): void {
  res.shouldKeepAlive = false
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
  res.end('Internal Server Error')
}

/** Python's `unquote`, which Starlette applies to path parameters: a malformed escape stays as it is. */
function decodePathParam(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/** The request's body, or null when the client went away first; over `limit` bytes it is a 413, read no further. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  const tooLarge = (): HttpError => new HttpError(413, `Request body too large: this server accepts at most ${limit} bytes here`)
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('close', onClose)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        stop()
        // Keep the stream flowing into nothing; the connection closes once the 413 is out.
        req.resume()
        reject(tooLarge())
      } else chunks.push(chunk)
    }
    const onEnd = (): void => {
      stop()
      resolve(Buffer.concat(chunks, size))
    }
    const onClose = (): void => {
      stop()
      resolve(null)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('close', onClose)
  })
}

/** True when the request announced a body (which, answered early, is left unread). */
const announcesBody = (req: http.IncomingMessage): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0')

function queryInt(url: URL, name: string, dflt: number, min: number, max: number): number {
  const raw = url.searchParams.get(name)
  if (raw === null) return dflt
  const n = Number(raw)
  if (!/^-?\d+$/.test(raw.trim())) {
    throw new HttpError(422, [{ type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', input: raw }])
  }
  if (n < min) throw new HttpError(422, [{ type: 'greater_than_equal', loc: ['query', name], msg: `Input should be greater than or equal to ${min}`, input: raw, ctx: { ge: min } }])
  if (n > max) throw new HttpError(422, [{ type: 'less_than_equal', loc: ['query', name], msg: `Input should be less than or equal to ${max}`, input: raw, ctx: { le: max } }])
  return n
}

/**
 * Lets the call be handled in full (a future queued by it still runs) but loses its answer on the way back:
 * the connection is closed where the reply would have been written.
 */
function loseReply(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead = (() => res) as typeof res.writeHead
  res.write = (() => true) as typeof res.write
  res.end = (() => {
    req.socket.destroy()
    return res
  }) as typeof res.end
}

export function createHandler(deps: ServerDeps): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const { engine, futures } = deps
  const rng: Rng = createRng(deps.seed, 'faults')
  const routes: Route[] = []
  const on = (method: string, path: string, handler: Handler, opts: { auth?: Auth; faults?: boolean; maxBodyBytes?: number } = {}): void => {
    const pattern = new RegExp(`^${path.replace(/\{path\}/g, '(.+)').replace(/\{\w+\}/g, '([^/]+)')}$`)
    routes.push({
      method,
      pattern,
      auth: opts.auth ?? true,
      faults: opts.faults ?? true,
      maxBodyBytes: opts.maxBodyBytes ?? SANDBOX_MAX_JSON_BODY_BYTES,
      handler,
    })
  }
  const json = (ctx: Ctx): unknown => parseJson(ctx.body)
  const future = (ctx: Ctx, modelId: string | null, work: () => Promise<FuturePayload>): void => {
    const id = futures.create(ctx.user)
    // Work starts after the 202 is written, like TuFT's queued asyncio task.
    send(ctx.res, 202, { request_id: id, model_id: modelId })
    futures.track(
      id,
      Promise.resolve().then(() => work()),
    )
  }

  // ── open routes ──
  on('GET', '/api/v1/healthz', ({ res }) => send(res, 200, { status: 'ok' }), { auth: false })
  on('GET', '/api/v1/get_server_capabilities', ({ res }) => send(res, 200, engine.capabilities()), { auth: false })
  on(
    'POST',
    '/api/v1/telemetry',
    (ctx) => {
      parseBody(TelemetryReq, json(ctx))
      send(ctx.res, 200, { status: 'accepted' })
    },
    { auth: false },
  )

  // ── config, sessions ──
  on('POST', '/api/v1/client/config', (ctx) => {
    parseBody(ClientConfigReq, json(ctx))
    send(ctx.res, 200, CLIENT_CONFIG)
  })
  on('POST', '/api/v1/auth/token', (ctx) => {
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url')
    const exp = Math.floor(Date.now() / 1000) + 3600
    send(ctx.res, 200, { jwt: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: ctx.user, exp })}.` })
  })
  on('POST', '/api/v1/create_session', (ctx) => {
    const b = parseBody(CreateSessionReq, json(ctx))
    const id = engine.createSession(ctx.user, b.tags, b.user_metadata)
    send(ctx.res, 201, { type: 'create_session', info_message: null, warning_message: null, error_message: null, session_id: id })
  })
  on('POST', '/api/v1/session_heartbeat', (ctx) => {
    const b = parseBody(HeartbeatReq, json(ctx))
    engine.heartbeat(ctx.user, b.session_id)
    send(ctx.res, 200, { type: 'session_heartbeat' })
  })

  // ── training ──
  on('POST', '/api/v1/create_model', (ctx) => {
    const b = parseBody(CreateModelReq, json(ctx))
    const modelId = engine.createModel(ctx.user, b)
    const id = futures.ready(ctx.user, { model_id: modelId, type: 'create_model' })
    send(ctx.res, 202, { request_id: id, model_id: modelId })
  })
  on('POST', '/api/v1/get_info', (ctx) => {
    const b = parseBody(GetInfoReq, json(ctx))
    send(ctx.res, 200, engine.getInfo(ctx.user, b.model_id))
  })
  on('POST', '/api/v1/forward_backward', (ctx) => {
    const ct = (ctx.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (!PROTOBUF_TYPES.includes(ct)) {
      throw new HttpError(415, `Unsupported Content-Type '${ctx.req.headers['content-type'] ?? ''}'; expected application/x-protobuf`)
    }
    const enc = (ctx.req.headers['content-encoding'] ?? '').trim().toLowerCase()
    if (enc && enc !== 'identity') {
      throw new HttpError(
        422,
        enc === 'zstd'
          ? 'Invalid protobuf request: the sandbox cannot decompress zstd (its client/config says proto_compress_fwdbwd=false)'
          : `Invalid protobuf request: Unsupported Content-Encoding '${enc}'`,
      )
    }
    const r = decodeForwardBackwardRequest(ctx.body)
    future(ctx, r.modelId, () => engine.forwardBackward(ctx.user, r))
  }, { maxBodyBytes: SANDBOX_MAX_FWDBWD_BODY_BYTES })
  on('POST', '/api/v1/optim_step', (ctx) => {
    const b = parseBody(OptimStepReq, json(ctx))
    future(ctx, b.model_id, () => engine.optimStep(ctx.user, b.model_id, b.seq_id, b.adam_params))
  })
  on('POST', '/api/v1/save_weights', (ctx) => {
    const b = parseBody(SaveWeightsReq, json(ctx))
    future(ctx, b.model_id, () => engine.saveWeights(ctx.user, b.model_id, b.seq_id, b.path))
  })
  on('POST', '/api/v1/save_weights_for_sampler', (ctx) => {
    const b = parseBody(SaveForSamplerReq, json(ctx))
    future(ctx, b.model_id, () => engine.saveForSampler(ctx.user, b))
  })
  on('POST', '/api/v1/load_weights', (ctx) => {
    const b = parseBody(LoadWeightsReq, json(ctx))
    if (!b.model_id) throw new HttpError(400, 'Missing model_id')
    const modelId = b.model_id
    future(ctx, modelId, () => engine.loadWeights(ctx.user, modelId, b.seq_id, b.path, b.optimizer))
  })
  on('POST', '/api/v1/unload_model', (ctx) => {
    const b = parseBody(UnloadReq, json(ctx))
    engine.unload(ctx.user, b.model_id)
    const id = futures.ready(ctx.user, { model_id: b.model_id, type: null })
    send(ctx.res, 202, { request_id: id, model_id: b.model_id })
  })
  on('POST', '/api/v1/weights_info', (ctx) => {
    const b = parseBody(WeightsInfoReq, json(ctx))
    send(ctx.res, 200, engine.weightsInfo(ctx.user, b.tinker_path))
  })

  // ── sampling ──
  on('POST', '/api/v1/create_sampling_session', (ctx) => {
    const b = parseBody(CreateSamplingSessionReq, json(ctx))
    const id = engine.createSamplingSession(ctx.user, b)
    send(ctx.res, 201, { type: 'create_sampling_session', sampling_session_id: id })
  })
  on('POST', '/api/v1/asample', (ctx) => {
    const b = parseBody(SampleReq, json(ctx))
    future(ctx, null, async () => {
      const prompt: number[] = []
      for (const c of b.prompt.chunks) {
        if (!('tokens' in c)) throw new ServerError('to_ints only supported for ModelInput with EncodedTextChunks, got ImageChunk')
        prompt.push(...c.tokens)
      }
      return engine.sample(ctx.user, { ...b, ...b.sampling_params, prompt })
    })
  })

  // ── futures ──
  on('POST', '/api/v1/retrieve_future', async (ctx) => {
    const b = parseBody(RetrieveFutureReq, json(ctx))
    const r = await futures.retrieve(b.request_id, ctx.user, deps.longPollMs, ctx.signal)
    if (ctx.signal.aborted) return
    if ('kind' in r) {
      send(ctx.res, 200, { type: 'try_again', request_id: b.request_id, queue_state: 'active' })
      return
    }
    if (!r.ok) {
      send(ctx.res, r.status, { detail: r.detail })
      return
    }
    const proto = (ctx.req.headers.accept ?? '').includes('application/x-protobuf')
    const p = r.payload
    if (p.kind === 'json') send(ctx.res, 200, p.body)
    else if (p.kind === 'fwdbwd') {
      if (proto) sendBytes(ctx.res, encodeForwardBackwardOutput(p.out))
      else send(ctx.res, 200, forwardBackwardOutputJson(p.out))
    } else if (proto) sendBytes(ctx.res, encodeSampleResponse(p.out))
    else send(ctx.res, 200, sampleResponseJson(p.out))
  })

  // ── REST ──
  on('GET', '/api/v1/training_runs', ({ res, url, user }) => {
    send(res, 200, engine.listRuns(user, queryInt(url, 'limit', 20, 1, 500), queryInt(url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER)))
  })
  on('GET', '/api/v1/training_runs/{id}', ({ res, user, params }) => send(res, 200, engine.getRun(user, params[0])))
  on('GET', '/api/v1/training_runs/{id}/checkpoints', ({ res, url, user, params }) => {
    send(res, 200, engine.listRunCheckpoints(user, params[0], queryInt(url, 'limit', 100, 1, 1000), queryInt(url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER)))
  })
  const noContent = (res: http.ServerResponse): void => {
    res.writeHead(204)
    res.end()
  }
  // Declared before the catch-all DELETE below (TuFT declares them the other way round, which breaks unpublish).
  on('POST', '/api/v1/training_runs/{id}/checkpoints/{path}/publish', ({ res, user, params }) => {
    engine.setPublic(user, params[0], decodePathParam(params[1]), true)
    noContent(res)
  })
  on('DELETE', '/api/v1/training_runs/{id}/checkpoints/{path}/publish', ({ res, user, params }) => {
    engine.setPublic(user, params[0], decodePathParam(params[1]), false)
    noContent(res)
  })
  on('GET', '/api/v1/training_runs/{id}/checkpoints/{path}/archive', ({ res, user, params }) => {
    const location = engine.archiveUrl(user, params[0], decodePathParam(params[1]))
    res.writeHead(302, { location, expires: new Date(Date.now() + 15 * 60_000).toUTCString(), 'content-length': 0 })
    res.end()
  })
  on('DELETE', '/api/v1/training_runs/{id}/checkpoints/{path}', ({ res, user, params }) => {
    engine.deleteCheckpoint(user, params[0], decodePathParam(params[1]))
    noContent(res)
  })
  on('GET', '/api/v1/checkpoints', ({ res, url, user }) => {
    send(res, 200, engine.listAllCheckpoints(user, queryInt(url, 'limit', 100, 1, 1000), queryInt(url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER)))
  })
  on('GET', '/api/v1/sessions', ({ res, url, user }) => {
    const limit = queryInt(url, 'limit', 20, 1, 500)
    const offset = queryInt(url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER)
    send(res, 200, { sessions: engine.listSessions(user).slice(offset, offset + limit) })
  })
  on('GET', '/api/v1/sessions/{id}', ({ res, user, params }) => send(res, 200, engine.sessionInfo(user, params[0])))
  on('GET', '/api/v1/samplers/{id}', ({ res, user, params }) => send(res, 200, engine.samplerInfo(user, params[0])))

  registerOaiRoutes(on, engine)

  // ── sandbox control (not part of TuFT) ──
  on('GET', '/_sandbox/faults', ({ res }) => send(res, 200, deps.faults), { faults: false })
  on(
    'POST',
    '/_sandbox/faults',
    (ctx) => {
      applyFaults(deps.faults, parseBody(FaultsReq, json(ctx)))
      send(ctx.res, 200, deps.faults)
    },
    { faults: false },
  )
  on('GET', '/_sandbox/stats', ({ res }) => send(res, 200, engine.getStats(futures.pendingCount())), { faults: false })

  const dispatch = async (req: http.IncomingMessage, res: http.ServerResponse, state: { bodyRead: boolean }, signal: AbortSignal): Promise<void> => {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://sandbox')
    } catch {
      // uvicorn's answer to a request target that is not a URL (`GET http://[ HTTP/1.1`).
      throw new HttpError(400, 'Invalid HTTP request received.')
    }
    const matching = routes.filter((r) => r.pattern.test(url.pathname))
    const route = matching.find((r) => r.method === req.method)
    if (!route) throw matching.length ? new HttpError(405, 'Method Not Allowed') : new HttpError(404, 'Not Found')
    if (route.faults) {
      const f = deps.faults
      if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs))
      if (f.dropRate > 0 && rng.next() < f.dropRate) {
        req.socket.destroy()
        return
      }
      if (f.failureRate > 0 && rng.next() < f.failureRate) throw new HttpError(503, 'Service Unavailable (sandbox fault injection)')
      if (takeLostReply(f, url.pathname, rng)) loseReply(req, res)
    }
    // As on TuFT, the key is checked before the body is even looked at (PROTO §3.1).
    let user = ''
    if (route.auth === 'oai') {
      const k = oaiApiKey(req)
      if (!k) throw new HttpError(401, OAI_MISSING_KEY)
      const u = deps.users.get(k)
      if (!u) throw new HttpError(403, OAI_INVALID_KEY)
      user = u
    } else if (route.auth) {
      const key = req.headers['x-api-key']
      const k = Array.isArray(key) ? key[0] : key
      if (!k) throw new HttpError(401, 'Missing API key')
      const u = deps.users.get(k)
      if (!u) throw new HttpError(403, 'Invalid API key')
      user = u
    }
    const body = await readBody(req, route.maxBodyBytes)
    if (body === null) return
    state.bodyRead = true
    const params = (route.pattern.exec(url.pathname) ?? []).slice(1)
    await route.handler({ req, res, url, body, user, params, signal })
  }

  return (req, res) => {
    const ac = new AbortController()
    const state = { bodyRead: false }
    res.on('close', () => ac.abort())
    dispatch(req, res, state, ac.signal).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return
      // Answered before its body was read (no key, too large, no such route): close rather than drain it.
      if (!state.bodyRead && announcesBody(req)) res.shouldKeepAlive = false
      if (err instanceof HttpError) send(res, err.status, { detail: err.detail })
      else {
        if (!(err instanceof UnhandledError)) console.error('[sandbox] unexpected error:', err)
        sendUnhandled(res)
      }
    })
  }
}

export type ListeningServer = { server: http.Server; url: string; close: () => Promise<void> }

export async function listen(handler: http.RequestListener, host: string, port: number): Promise<ListeningServer> {
  const server = http.createServer({ keepAliveTimeout: 5_000, requestTimeout: 0 }, handler)
  const sockets = new Set<Socket>()
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const addr = server.address()
  if (!addr || typeof addr === 'string') throw new Error('sandbox: server has no TCP address')
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host
  return {
    server,
    url: `http://${shownHost}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      }),
  }
}

/**
 * The sandbox's keys travel in clear HTTP and it trains on whatever it is sent: listening beyond this machine
 * deserves a warning, in the reader's language. Null for loopback interfaces.
 */
export function exposureWarning(host: string, i18n: I18n = i18nFor('en')): string | null {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  const loopback = h === 'localhost' || h === '::1' || (net.isIPv4(h) && h.startsWith('127.')) || /^::ffff:127\./.test(h)
  return loopback ? null : i18n.t.cli.sandbox.exposed(host)
}

export const newApiKey = (): string => `tml-sandbox-${randomUUID().replace(/-/g, '')}`
