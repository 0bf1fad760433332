/**
 * The browser fallback: serves the built renderer on 127.0.0.1 and carries the same contract over one
 * WebSocket. Everything — every page, asset and socket — needs the per-launch token, given once in the
 * address (`/?token=…`) and then kept in a SameSite=Strict, HttpOnly cookie so the page's assets load.
 */
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  BRIDGE_TOKEN_COOKIE,
  BRIDGE_TOKEN_HEADER,
  BRIDGE_TOKEN_PARAM,
  BRIDGE_UPLOAD_PATH,
  BRIDGE_WS_PATH,
  type BridgeMessage,
  type BridgeRequest,
  type EventName,
  type StudioEvents,
} from '../../shared/contract'
import { BRIDGE_MAX_MESSAGE_BYTES } from '../../shared/defaults'
import { fail, type Failure, type Result } from '../../shared/result'
import type { UploadReceiver } from '../api/file-grants'
import { contentTypeOf, resolveStaticPath, securityHeaders } from '../security'
import { cookieValues, isLoopbackHost, isSameOriginSocket, newBridgeToken, parseRequestTarget, tokenMatches } from './token'

export type BridgeOptions = {
  dispatch: (channel: string, input: unknown) => Promise<unknown>
  /** Subscribes the bridge to push events; returns the unsubscribe function. */
  subscribe: (sink: <E extends EventName>(event: E, payload: StudioEvents[E]) => void) => () => void
  /** The built renderer (out/renderer). */
  staticDir: string
  port?: number
  host?: string
  token?: string
  /** Largest accepted request message (default BRIDGE_MAX_MESSAGE_BYTES). */
  maxPayloadBytes?: number
  /** Receives files the page uploads (browser mode's file picker and drops); without it the route answers 404. */
  upload?: UploadReceiver
}

const headerValue = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h)

export type Bridge = { url: string; port: number; token: string; openUrl: string; close(): Promise<void> }

const PLAIN = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }
const BAD_REQUEST_TEXT = 'TuFT Studio: malformed request.\n'
const UNAUTHORIZED_TEXT =
  'TuFT Studio: this address needs the access token. Open the full address printed by `npm run serve` / `npm start` (it ends with ?token=…).\n'

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? newBridgeToken()
  const host = opts.host ?? '127.0.0.1'

  /**
   * Where the token came from, or why there is none. An undecodable `studio_token` cookie is a malformed
   * request (400) unless valid credentials come with it: a stray cookie, which any other app on this host can
   * set, must not lock the user out.
   */
  const credentials = (req: http.IncomingMessage, url: URL): 'query' | 'cookie' | 'malformed' | null => {
    if (tokenMatches(url.searchParams.get(BRIDGE_TOKEN_PARAM), token)) return 'query'
    const cookies = cookieValues(req.headers.cookie, BRIDGE_TOKEN_COOKIE)
    if (cookies.values.some((v) => tokenMatches(v, token))) return 'cookie'
    return cookies.malformed ? 'malformed' : null
  }

  const UPLOAD_STATUS: Partial<Record<Failure['code'], number>> = { 'invalid-input': 400, 'file-too-large': 413, cancelled: 400 }
  const replyJson = (res: http.ServerResponse, status: number, result: Result<unknown>, close = false): void => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...(close ? { Connection: 'close' } : {}) })
    res.end(JSON.stringify(result))
  }

  /**
   * A file the page uploads, streamed to main's receiver (a temporary copy in the data folder), never held in
   * memory. Only the page we served can call it: the token must come in a header, which a page of another
   * local origin (sharing the cookie's site) cannot add without a CORS preflight this server never grants.
   */
  const serveUpload = (req: http.IncomingMessage, res: http.ServerResponse, url: URL): void => {
    if (!tokenMatches(headerValue(req.headers[BRIDGE_TOKEN_HEADER]), token)) {
      res.writeHead(401, { ...PLAIN, Connection: 'close' }).end(UNAUTHORIZED_TEXT)
      return
    }
    if (req.headers.origin !== undefined && !isSameOriginSocket(req.headers.origin, req.headers.host)) {
      res.writeHead(403, { ...PLAIN, Connection: 'close' }).end('Forbidden\n')
      return
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', Connection: 'close' }).end()
      return
    }
    const receive = opts.upload
    if (!receive) {
      res.writeHead(404, PLAIN).end('Not found\n')
      return
    }
    const length = Number(req.headers['content-length'])
    void receive({
      purpose: url.searchParams.get('purpose') ?? '',
      fileName: url.searchParams.get('name') ?? '',
      declaredBytes: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
      body: req,
    }).then(
      (result) => {
        // A refused upload may leave most of its body unsent: answer, then close the connection.
        const refused = !result.ok && !req.readableEnded
        replyJson(res, result.ok ? 200 : (UPLOAD_STATUS[result.code] ?? 500), result, refused)
        if (refused) res.once('finish', () => req.destroy())
      },
      (err: unknown) => replyJson(res, 500, fail('internal', err instanceof Error ? err.message : String(err)), true),
    )
  }

  const serveHttp = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = parseRequestTarget(req.url)
    if (!url) {
      res.writeHead(400, PLAIN).end(BAD_REQUEST_TEXT)
      return
    }
    if (!isLoopbackHost(req.headers.host)) {
      res.writeHead(421, PLAIN).end('Misdirected request\n')
      return
    }
    if (url.pathname === BRIDGE_UPLOAD_PATH) {
      serveUpload(req, res, url)
      return
    }
    const auth = credentials(req, url)
    if (auth === 'malformed') {
      res.writeHead(400, PLAIN).end(BAD_REQUEST_TEXT)
      return
    }
    if (!auth) {
      res.writeHead(401, PLAIN).end(UNAUTHORIZED_TEXT)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    const file = resolveStaticPath(opts.staticDir, url.pathname)
    let body: Buffer | null = null
    if (file) {
      try {
        body = fs.readFileSync(file)
      } catch {
        body = null
      }
    }
    if (!body || !file) {
      res.writeHead(404, PLAIN).end('Not found\n')
      return
    }
    const headers: Record<string, string> = {
      ...securityHeaders([`ws://${req.headers.host}`]),
      'Content-Type': contentTypeOf(file),
      'Cache-Control': 'no-store',
    }
    if (auth === 'query') {
      headers['Set-Cookie'] = `${BRIDGE_TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`
    }
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  // The bridge is the app: nothing one request does may end the process (and any run in progress with it).
  const server = http.createServer((req, res) => {
    try {
      serveHttp(req, res)
    } catch {
      if (res.headersSent) res.destroy()
      else res.writeHead(500, PLAIN).end('Internal error\n')
    }
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes ?? BRIDGE_MAX_MESSAGE_BYTES })
  const sockets = new Set<WebSocket>()

  server.on('upgrade', (req, socket, head) => {
    // Node hands the socket over without its own error listener: a client that resets it mid-handshake
    // would otherwise raise an uncaught 'error'.
    socket.on('error', () => socket.destroy())
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    try {
      const url = parseRequestTarget(req.url)
      if (!url) return reject(400, 'Bad Request')
      if (url.pathname !== BRIDGE_WS_PATH) return reject(404, 'Not Found')
      if (!isLoopbackHost(req.headers.host)) return reject(421, 'Misdirected Request')
      // Browsers always send Origin on WebSockets; non-browser clients (tests, scripts) may omit it.
      if (req.headers.origin !== undefined && !isSameOriginSocket(req.headers.origin, req.headers.host)) return reject(403, 'Forbidden')
      const auth = credentials(req, url)
      if (auth === 'malformed') return reject(400, 'Bad Request')
      if (!auth) return reject(401, 'Unauthorized')
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
    } catch {
      socket.destroy()
    }
  })

  /** A message as a text frame; a reply whose result cannot be encoded (a BigInt, a cycle) becomes a failure. */
  const encode = (message: BridgeMessage): string | null => {
    try {
      return JSON.stringify(message)
    } catch (err) {
      if (message.kind !== 'reply') return null
      return JSON.stringify({
        ...message,
        result: fail(
          'internal',
          `The reply could not be encoded: ${err instanceof Error ? err.message : String(err)}`,
        ),
      })
    }
  }
  const send = (ws: WebSocket, frame: string | null): void => {
    if (frame !== null && ws.readyState === ws.OPEN) ws.send(frame)
  }

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    // A protocol violation (oversize message, invalid UTF-8, unmasked frame, reserved opcode or bits) has
    // already closed this socket with its RFC 6455 code (1009/1007/1002) when this fires; the others carry on.
    ws.on('error', () => {})
    ws.on('message', async (data, isBinary) => {
      if (isBinary) return
      let req: BridgeRequest
      try {
        req = JSON.parse(data.toString()) as BridgeRequest
      } catch {
        return
      }
      if (typeof req !== 'object' || req === null || !Number.isSafeInteger(req.id) || typeof req.channel !== 'string') return
      let result: unknown
      try {
        result = await opts.dispatch(req.channel, req.input)
      } catch (err) {
        result = fail('internal', err instanceof Error ? err.message : String(err))
      }
      send(ws, encode({ kind: 'reply', id: req.id, result: result as Result<unknown> }))
    })
  })

  const unsubscribe = opts.subscribe((event, payload) => {
    const frame = encode({ kind: 'event', event, payload })
    for (const ws of sockets) send(ws, frame)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const url = `http://${host}:${port}`

  return {
    url,
    port,
    token,
    openUrl: `${url}/?${BRIDGE_TOKEN_PARAM}=${token}`,
    close: async () => {
      unsubscribe()
      for (const ws of sockets) ws.terminate()
      wss.close()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    },
  }
}
