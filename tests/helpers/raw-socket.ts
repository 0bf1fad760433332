/**
 * Raw TCP for protocol tests: send bytes no HTTP or WebSocket library would produce (bad request lines,
 * broken percent-encoding, hand-built WebSocket frames) and read back exactly what the server answered.
 */
import crypto from 'node:crypto'
import net from 'node:net'
import { seededRandom } from '../../src/shared/seeded-random'

/** The project's seeded generator with helpers, so generated cases are the same on every run. */
export function seededCases(seed: number): {
  next(): number
  int(n: number): number
  pick<T>(xs: readonly T[]): T
} {
  const next = seededRandom(seed)
  const int = (n: number): number => Math.floor(next() * n)
  return { next, int, pick: (xs) => xs[int(xs.length)] }
}

export type RawReply = { status: number | null; head: string; body: Buffer; closed: boolean }

/**
 * Opens a connection, writes `bytes`, and collects what comes back until the server closes the connection,
 * or, when `untilHead` is set, until a complete response head has arrived (then the connection is closed
 * from this side). `status` is null when no status line came back at all.
 */
export function rawRequest(
  port: number,
  bytes: string | Buffer,
  opts: { untilHead?: boolean; timeoutMs?: number } = {},
): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let done = false
    const finish = (closed: boolean): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      const all = Buffer.concat(chunks)
      const end = all.indexOf('\r\n\r\n')
      const head = end >= 0 ? all.subarray(0, end).toString('latin1') : all.toString('latin1')
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head)
      socket.destroy()
      resolve({
        status: m ? Number(m[1]) : null,
        head,
        body: end >= 0 ? all.subarray(end + 4) : Buffer.alloc(0),
        closed,
      })
    }
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 5_000)
    socket.on('data', (c: Buffer) => {
      chunks.push(c)
      if (opts.untilHead && Buffer.concat(chunks).includes('\r\n\r\n')) finish(false)
    })
    socket.on('error', () => finish(true))
    socket.on('close', () => finish(true))
    socket.write(bytes)
  })
}

/** A masked (client) or unmasked WebSocket frame; `declaredLength` lies about the payload size. */
export function wsFrame(opts: {
  opcode: number
  payload?: Buffer
  fin?: boolean
  rsv?: number
  masked?: boolean
  declaredLength?: number
}): Buffer {
  const payload = opts.payload ?? Buffer.alloc(0)
  const len = opts.declaredLength ?? payload.length
  const masked = opts.masked ?? true
  const first = ((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | (opts.opcode & 0x0f)
  let header: Buffer
  if (len < 126) header = Buffer.from([first, (masked ? 0x80 : 0) | len])
  else if (len < 65536) {
    header = Buffer.alloc(4)
    header[0] = first
    header[1] = (masked ? 0x80 : 0) | 126
    header.writeUInt16BE(len, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = first
    header[1] = (masked ? 0x80 : 0) | 127
    header.writeBigUInt64BE(BigInt(len), 2)
  }
  if (!masked) return Buffer.concat([header, payload])
  const key = crypto.randomBytes(4)
  const body = Buffer.from(payload)
  for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4]
  return Buffer.concat([header, key, body])
}

export type ServerFrame = { opcode: number; payload: Buffer }

/** Splits the server's (unmasked) frames out of a byte stream; an incomplete tail is left out. */
export function parseServerFrames(buf: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = []
  let at = 0
  while (at + 2 <= buf.length) {
    let len = buf[at + 1] & 0x7f
    let off = at + 2
    if (len === 126) {
      if (off + 2 > buf.length) break
      len = buf.readUInt16BE(off)
      off += 2
    } else if (len === 127) {
      if (off + 8 > buf.length) break
      len = Number(buf.readBigUInt64BE(off))
      off += 8
    }
    if (off + len > buf.length) break
    frames.push({ opcode: buf[at] & 0x0f, payload: buf.subarray(off, off + len) })
    at = off + len
  }
  return frames
}

/** A WebSocket opened by hand: the upgrade's status, then raw frames in and out. */
export type RawWebSocket = {
  status: number | null
  send(bytes: Buffer): void
  /** Resolves with every frame the server sent once it has closed the connection (or after `timeoutMs`). */
  closed(timeoutMs?: number): Promise<{ frames: ServerFrame[]; closeCode: number | null }>
  /** Resolves once `predicate` holds for the frames received so far. */
  waitFor(predicate: (frames: ServerFrame[]) => boolean, timeoutMs?: number): Promise<ServerFrame[]>
  destroy(): void
}

export function rawWebSocket(
  port: number,
  target: string,
  headers: Record<string, string> = {},
): Promise<RawWebSocket> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let buf = Buffer.alloc(0)
    let status: number | null | undefined
    let ended = false
    const waiters = new Set<() => void>()
    const poke = (): void => waiters.forEach((w) => w())
    const frames = (): ServerFrame[] => parseServerFrames(buf)
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c])
      if (status === undefined) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        const m = /^HTTP\/1\.1 (\d{3})/.exec(buf.subarray(0, end).toString('latin1'))
        status = m ? Number(m[1]) : null
        buf = buf.subarray(end + 4)
        resolve(api)
      }
      poke()
    })
    const onEnd = (): void => {
      ended = true
      if (status === undefined) {
        status = null
        resolve(api)
      }
      poke()
    }
    socket.on('error', onEnd)
    socket.on('close', onEnd)
    const wait = (ok: () => boolean, timeoutMs: number): Promise<void> =>
      new Promise((res, rej) => {
        const check = (): void => {
          if (ok()) {
            waiters.delete(check)
            clearTimeout(t)
            res()
          }
        }
        const t = setTimeout(() => {
          waiters.delete(check)
          rej(new Error(`raw WebSocket: timed out after ${timeoutMs} ms (${frames().length} frames so far)`))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    const api: RawWebSocket = {
      get status() {
        return status ?? null
      },
      send: (bytes) => {
        if (!socket.destroyed) socket.write(bytes)
      },
      closed: async (timeoutMs = 5_000) => {
        await wait(() => ended, timeoutMs)
        const all = frames()
        const close = all.find((f) => f.opcode === 0x8)
        return {
          frames: all,
          closeCode: close && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : null,
        }
      },
      waitFor: async (predicate, timeoutMs = 5_000) => {
        await wait(() => predicate(frames()), timeoutMs)
        return frames()
      },
      destroy: () => socket.destroy(),
    }
    socket.on('connect', () => {
      const lines = [
        `GET ${target} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ]
      socket.write(`${lines.join('\r\n')}\r\n\r\n`)
    })
  })
}
