import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { bodyJson, pathOnly, type Exchange } from './captures'

export type RecordedRequest = {
  method: string
  path: string
  query: string
  headers: http.IncomingHttpHeaders
  body: Uint8Array
  json(): unknown
}

export type ScriptedReply =
  | { status: number; json?: unknown; body?: Uint8Array | string; contentType?: string; headers?: Record<string, string> }
  | 'drop'

export type ScriptedHandler = (req: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>

export type TestServer = { url: string; requests: RecordedRequest[]; close(): Promise<void> }

/** A 127.0.0.1 HTTP server on an OS-chosen port whose answers come from a function; 'drop' destroys the socket. */
export const startScriptedServer = async (handler: ScriptedHandler, port = 0): Promise<TestServer> => {
  const requests: RecordedRequest[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const [p, q = ''] = (req.url ?? '/').split('?')
      const body = new Uint8Array(Buffer.concat(chunks))
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        path: p,
        query: q,
        headers: req.headers,
        body,
        json: () => JSON.parse(Buffer.from(body).toString('utf8')),
      }
      requests.push(rec)
      let reply: ScriptedReply
      try {
        reply = await handler(rec)
      } catch (e) {
        reply = { status: 599, json: { detail: `test handler threw: ${(e as Error).message}` } }
      }
      if (reply === 'drop') {
        req.socket.destroy()
        return
      }
      const payload =
        reply.body !== undefined ? Buffer.from(reply.body) : reply.json !== undefined ? Buffer.from(JSON.stringify(reply.json)) : Buffer.alloc(0)
      res.writeHead(reply.status, {
        'content-type': reply.contentType ?? 'application/json',
        'content-length': String(payload.length),
        ...reply.headers,
      })
      res.end(payload)
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${bound}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Replays captured responses: each request gets the first unused captured exchange with the same method and
 * path (and, for retrieve_future, the same request_id), byte for byte. Unmatched requests get 404 and are
 * listed in `misses`. `pairs` links each request to the captured exchange it was answered from.
 */
export const startReplayServer = async (exchanges: Exchange[]) => {
  const used = new Set<number>()
  const pairs: { request: RecordedRequest; exchange: Exchange }[] = []
  const misses: RecordedRequest[] = []
  const srv = await startScriptedServer((req) => {
    const requestId =
      req.path.endsWith('/retrieve_future') ? (req.json() as { request_id?: string }).request_id : undefined
    const ex = exchanges.find(
      (e) =>
        !used.has(e.index) &&
        e.method === req.method &&
        pathOnly(e.path) === req.path &&
        (requestId === undefined || (bodyJson(e.request) as { request_id?: string }).request_id === requestId),
    )
    if (!ex) {
      misses.push(req)
      return { status: 404, json: { detail: 'Not Found' } }
    }
    used.add(ex.index)
    pairs.push({ request: req, exchange: ex })
    return { status: ex.response.status, body: ex.response.body, contentType: ex.response.headers['content-type'] }
  })
  return { ...srv, pairs, misses }
}

export type TestProxy = { url: string; tunnels: string[]; close(): Promise<void> }

/**
 * A forward proxy on 127.0.0.1 that speaks HTTP CONNECT (what curl, huggingface_hub and undici use for a
 * proxy), recording each tunnel's `host:port`; anything else gets 405, so a client that ignored the proxy
 * protocol shows up as a failure.
 */
export const startConnectProxy = async (): Promise<TestProxy> => {
  const tunnels: string[] = []
  const { connect } = await import('node:net')
  const server = http.createServer((_req, res) => res.writeHead(405).end())
  server.on('connect', (req: http.IncomingMessage, client: import('node:net').Socket, head: Buffer) => {
    const target = req.url ?? ''
    tunnels.push(target)
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))]
    const upstream = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    const end = (): void => {
      upstream.destroy()
      client.destroy()
    }
    upstream.on('error', () => (client.writable ? client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n') : undefined, end()))
    client.on('error', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
