import fs from 'node:fs'
import path from 'node:path'
import { capturesDir } from './fixtures'

export type HttpMessage = {
  /** Request: "POST /api/v1/x HTTP/1.1"; response: "HTTP/1.1 200 OK". */
  startLine: string
  /** Lower-cased header names; the last value wins. */
  headers: Record<string, string>
  body: Uint8Array
}

export type Exchange = {
  index: number
  conn: number
  t: number
  method: string
  path: string
  request: HttpMessage
  response: HttpMessage & { status: number }
}

type Event = { t: number; c: number; d: 'open' | 'c2s' | 's2c' | 'close'; b: string }

type Stream = { bytes: Buffer; times: { offset: number; t: number }[] }

const indexOfCrlfCrlf = (buf: Buffer, from: number) => buf.indexOf('\r\n\r\n', from, 'latin1')

/** Parses consecutive HTTP/1.1 messages (Content-Length or chunked bodies) from one direction of a connection. */
const parseMessages = (s: Stream): { msg: HttpMessage; t: number }[] => {
  const out: { msg: HttpMessage; t: number }[] = []
  let pos = 0
  const timeAt = (offset: number) => {
    let t = s.times[0]?.t ?? 0
    for (const e of s.times) if (e.offset <= offset) t = e.t
    return t
  }
  while (pos < s.bytes.length) {
    const end = indexOfCrlfCrlf(s.bytes, pos)
    if (end < 0) break
    const head = s.bytes.subarray(pos, end).toString('latin1').split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of head.slice(1)) {
      const i = line.indexOf(':')
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
    }
    let bodyStart = end + 4
    let body: Buffer
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = []
      for (;;) {
        const lineEnd = s.bytes.indexOf('\r\n', bodyStart, 'latin1')
        const size = parseInt(s.bytes.subarray(bodyStart, lineEnd).toString('latin1'), 16)
        bodyStart = lineEnd + 2
        if (size === 0) {
          bodyStart += 2
          break
        }
        parts.push(s.bytes.subarray(bodyStart, bodyStart + size))
        bodyStart += size + 2
      }
      body = Buffer.concat(parts)
    } else {
      const len = Number(headers['content-length'] ?? 0)
      body = s.bytes.subarray(bodyStart, bodyStart + len)
      bodyStart += len
    }
    out.push({ msg: { startLine: head[0], headers, body: new Uint8Array(body) }, t: timeAt(pos) })
    pos = bodyStart
  }
  return out
}

/** Reads a raw TCP capture (.jsonl: t, c, d, base64 b) into HTTP exchanges in the order requests were sent. */
export const readCapture = (file: string): Exchange[] => {
  const lines = fs.readFileSync(path.isAbsolute(file) ? file : path.join(capturesDir, file), 'utf8').split('\n').filter(Boolean)
  const conns = new Map<number, { c2s: Stream; s2c: Stream }>()
  for (const line of lines) {
    const e = JSON.parse(line) as Event
    if (e.d !== 'c2s' && e.d !== 's2c') continue
    let c = conns.get(e.c)
    if (!c) {
      c = { c2s: { bytes: Buffer.alloc(0), times: [] }, s2c: { bytes: Buffer.alloc(0), times: [] } }
      conns.set(e.c, c)
    }
    const s = c[e.d]
    s.times.push({ offset: s.bytes.length, t: e.t })
    s.bytes = Buffer.concat([s.bytes, Buffer.from(e.b, 'base64')])
  }
  const exchanges: Omit<Exchange, 'index'>[] = []
  for (const [conn, c] of conns) {
    const reqs = parseMessages(c.c2s)
    const resps = parseMessages(c.s2c)
    reqs.forEach((r, i) => {
      const resp = resps[i]
      if (!resp) return
      const [method, target] = r.msg.startLine.split(' ')
      exchanges.push({
        conn,
        t: r.t,
        method,
        path: target,
        request: r.msg,
        response: { ...resp.msg, status: Number(resp.msg.startLine.split(' ')[1]) },
      })
    })
  }
  return exchanges.sort((a, b) => a.t - b.t).map((e, index) => ({ ...e, index }))
}

export const bodyJson = (m: HttpMessage): unknown => JSON.parse(Buffer.from(m.body).toString('utf8'))
export const pathOnly = (target: string) => target.split('?')[0]
