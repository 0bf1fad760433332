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
  BRIDGE_TOKEN_PARAM,
  BRIDGE_WS_PATH,
  type BridgeMessage,
  type BridgeRequest,
  type EventName,
  type StudioEvents,
} from '../../shared/contract'
import { fail, type Result } from '../../shared/result'
import { contentTypeOf, resolveStaticPath, securityHeaders } from '../security'
import { cookieValue, isLoopbackHost, isSameOriginSocket, newBridgeToken, tokenMatches } from './token'

export type BridgeOptions = {
  dispatch: (channel: string, input: unknown) => Promise<unknown>
  /** Subscribes the bridge to push events; returns the unsubscribe function. */
  subscribe: (sink: <E extends EventName>(event: E, payload: StudioEvents[E]) => void) => () => void
  /** The built renderer (out/renderer). */
  staticDir: string
  port?: number
  host?: string
  token?: string
  /** Largest accepted request frame. */
  maxPayloadBytes?: number
}

export type Bridge = { url: string; port: number; token: string; openUrl: string; close(): Promise<void> }

const UNAUTHORIZED_TEXT =
  'TuFT Studio: this address needs the access token. Open the full address printed by `npm run serve` / `npm start` (it ends with ?token=…).\n'

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? newBridgeToken()
  const host = opts.host ?? '127.0.0.1'

  const authorized = (req: http.IncomingMessage, url: URL): 'query' | 'cookie' | null => {
    if (tokenMatches(url.searchParams.get(BRIDGE_TOKEN_PARAM), token)) return 'query'
    if (tokenMatches(cookieValue(req.headers.cookie, BRIDGE_TOKEN_COOKIE), token)) return 'cookie'
    return null
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://bridge.invalid')
    if (!isLoopbackHost(req.headers.host)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Misdirected request\n')
      return
    }
    const auth = authorized(req, url)
    if (!auth) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(UNAUTHORIZED_TEXT)
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
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n')
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
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes ?? 16 * 1024 * 1024 })
  const sockets = new Set<WebSocket>()

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://bridge.invalid')
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (url.pathname !== BRIDGE_WS_PATH) return reject(404, 'Not Found')
    if (!isLoopbackHost(req.headers.host)) return reject(421, 'Misdirected Request')
    // Browsers always send Origin on WebSockets; non-browser clients (tests, scripts) may omit it.
    if (req.headers.origin !== undefined && !isSameOriginSocket(req.headers.origin, req.headers.host)) return reject(403, 'Forbidden')
    if (!authorized(req, url)) return reject(401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    ws.on('message', async (data, isBinary) => {
      if (isBinary) return
      let req: BridgeRequest
      try {
        req = JSON.parse(data.toString()) as BridgeRequest
      } catch {
        return
      }
      if (typeof req !== 'object' || req === null || typeof req.id !== 'number' || typeof req.channel !== 'string') return
      let result: unknown
      try {
        result = await opts.dispatch(req.channel, req.input)
      } catch (err) {
        result = fail('internal', err instanceof Error ? err.message : String(err))
      }
      const reply: BridgeMessage = { kind: 'reply', id: req.id, result: result as Result<unknown> }
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply))
    })
  })

  const unsubscribe = opts.subscribe((event, payload) => {
    const frame = JSON.stringify({ kind: 'event', event, payload } satisfies BridgeMessage)
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame)
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
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections?.()
    },
  }
}
