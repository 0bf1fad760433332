/**
 * The bridge under hostile input, over raw sockets: generated malformed HTTP requests, cookies, hosts and
 * origins; hand-built WebSocket frames (oversize, invalid UTF-8, unmasked, reserved opcodes and bits, bad
 * control and close frames); and floods — all while a sandbox run trains through the bridge's own API.
 * Every bad request gets a 4xx, every bad frame closes only its own socket with the RFC 6455 code, the server
 * keeps serving, and the run completes with every step recorded once.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createWsApi, type WebSocketCtor } from '../../shared/bridge-client'
import type { RunEventView } from '../../shared/contract'
import { BRIDGE_MAX_MESSAGE_BYTES } from '../../shared/defaults'
import {
  rawRequest,
  rawWebSocket,
  seededCases,
  wsFrame,
  type RawWebSocket,
  type ServerFrame,
} from '../../../tests/helpers/raw-socket'
import { createStudioApp, type StudioApp } from '../api/app'
import { createLiveCore } from '../api/live-core'
import { createKeyFileSecretStore } from '../api/secret-store'
import { importDataset } from '../core/datasets'
import { databasePath, openDb } from '../core/store'
import { REPO_ROOT } from './run'
import { startBridge, type Bridge } from './server'

const SAMPLE = path.join(REPO_ROOT, 'resources', 'datasets', 'sample-chat.jsonl')
const RUN_STEPS = 30
const SANDBOX_KEY = 'tml-bridge-abuse-sandbox-key'

let home: string
let app: StudioApp
let bridge: Bridge
let api: ReturnType<typeof createWsApi>
const runEvents: RunEventView[] = []
let runId = ''

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bridge-abuse-'))
  const staticDir = path.join(home, 'renderer')
  fs.mkdirSync(staticDir, { recursive: true })
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>TuFT Studio</title>')
  const db = openDb(databasePath(home))
  await importDataset(db, { kind: 'file', path: SAMPLE, split: 'train' }, { name: 'sample' })
  db.close()
  app = createStudioApp({
    mode: 'browser',
    version: 'test',
    dataDir: home,
    secrets: createKeyFileSecretStore(home),
    core: createLiveCore,
    // A known sandbox key reaches its fault control, which slows the run down while the abuse goes on.
    env: { HF_ENDPOINT: 'http://127.0.0.1:9', TUFT_STUDIO_SANDBOX_KEY: SANDBOX_KEY },
    log: () => {},
  })
  bridge = await startBridge({ dispatch: app.dispatch, subscribe: (s) => app.events.attach(s), staticDir })
  api = createWsApi({
    baseUrl: bridge.url.replace('http', 'ws'),
    token: bridge.token,
    WebSocketImpl: WebSocket as unknown as WebSocketCtor,
  })
  api.on('run', (e) => runEvents.push(e))
})

afterAll(async () => {
  api?.close()
  await bridge?.close()
  await app?.close()
  if (home) fs.rmSync(home, { recursive: true, force: true })
})

/** Latency on every sandbox call: keeps the run in progress (but advancing) for as long as the abuse takes. */
async function setSandboxLatency(latencyMs: number): Promise<void> {
  const sandbox = await api.sandboxStatus()
  if (!sandbox.ok || !sandbox.value.url) throw new Error('the sandbox is not running')
  const r = await fetch(`${sandbox.value.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': SANDBOX_KEY },
    body: JSON.stringify({ latencyMs }),
  })
  expect(r.status).toBe(200)
}

/** The bridge's replies among the text frames (run events are pushed on every socket too). */
const replies = (frames: ServerFrame[]): { kind: 'reply'; id: number; result: unknown }[] =>
  frames
    .filter((f) => f.opcode === 1)
    .map((f) => JSON.parse(f.payload.toString()) as { kind: string; id: number; result: unknown })
    .filter((m): m is { kind: 'reply'; id: number; result: unknown } => m.kind === 'reply')

const metricSteps = (): number[] =>
  runEvents.filter((e) => e.runId === runId && e.type === 'metric').map((e) => (e as { step: number }).step)

describe('a run trains through the bridge while the bridge is abused', () => {
  it('starts a short sandbox run through the bridge API', async () => {
    expect((await api.settingsSet({ activeServer: 'sandbox' })).ok).toBe(true)
    const run = await api.runStart({
      config: {
        dataset: { name: 'sample' },
        rank: 4,
        learningRate: 1e-3,
        batchSize: 2,
        maxLength: 128,
        steps: RUN_STEPS,
        evalEvery: 0,
        evalSetSize: 0,
        checkpointEvery: 0,
      },
    })
    if (!run.ok) throw new Error(`runStart: ${run.code}: ${run.message}`)
    runId = run.value.id
    await expect.poll(() => metricSteps().length, { timeout: 60_000, interval: 20 }).toBeGreaterThan(0)
    await setSandboxLatency(300)
  })

  describe('malformed HTTP, cookies, hosts and origins', () => {
    type Case = {
      method: string
      target: string
      host: string | null
      cookie: string | null
      upgrade: boolean
      origin: string | null
    }

    const port = (): number => bridge.port
    const requestBytes = (c: Case): string => {
      const lines = [`${c.method} ${c.target} HTTP/1.1`]
      if (c.host !== null) lines.push(`Host: ${c.host}`)
      if (c.cookie !== null) lines.push(`Cookie: ${c.cookie}`)
      if (c.upgrade)
        lines.push(
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
        )
      if (c.origin !== null) lines.push(`Origin: ${c.origin}`)
      return `${lines.join('\r\n')}\r\n\r\n`
    }

    // What must hold for any request, whatever else is wrong with it.
    const loopbackHosts = (): string[] => [
      `127.0.0.1:${port()}`,
      `localhost:${port()}`,
      `[::1]:${port()}`,
      '127.0.0.1',
      'LOCALHOST:1',
    ]
    const targetParses = (t: string): boolean => URL.canParse(t, 'http://x')
    const hasToken = (c: Case): boolean =>
      (targetParses(c.target) && new URL(c.target, 'http://x').searchParams.get('token') === bridge.token) ||
      (c.cookie ?? '').split(';').some((p) => p.trim() === `studio_token=${bridge.token}`)
    const originOk = (c: Case): boolean => c.origin === null || c.origin === `http://${c.host}`

    async function check(c: Case): Promise<void> {
      const reply = await rawRequest(port(), requestBytes(c), { untilHead: true })
      const where = JSON.stringify(c)
      expect(reply.status, where).not.toBeNull()
      const status = reply.status ?? 0
      expect(status, where).toBeLessThan(500)
      const success = status === 101 || (status >= 200 && status < 300)
      if (success) {
        expect(
          hasToken(c) && loopbackHosts().includes(c.host ?? '') && (!c.upgrade || originOk(c)),
          where,
        ).toBe(true)
      }
      const plainPage =
        ['GET', 'HEAD'].includes(c.method) &&
        !c.upgrade &&
        targetParses(c.target) &&
        new URL(c.target, 'http://x').pathname === '/'
      const socketPage =
        c.method === 'GET' &&
        c.upgrade &&
        targetParses(c.target) &&
        new URL(c.target, 'http://x').pathname === '/api' &&
        originOk(c)
      if (hasToken(c) && loopbackHosts().includes(c.host ?? '') && (plainPage || socketPage))
        expect(status, where).toBe(socketPage ? 101 : 200)
      if (!targetParses(c.target)) expect(status, where).toBe(400)
      const cookies = (c.cookie ?? '')
        .split(';')
        .map((p) => p.trim())
        .filter((p) => p.startsWith('studio_token='))
      const malformedOnly =
        cookies.length > 0 &&
        cookies.every((p) => {
          try {
            decodeURIComponent(p.slice(13))
            return false
          } catch {
            return true
          }
        })
      if (
        malformedOnly &&
        !hasToken(c) &&
        targetParses(c.target) &&
        loopbackHosts().includes(c.host ?? '') &&
        (!c.upgrade || (new URL(c.target, 'http://x').pathname === '/api' && originOk(c)))
      ) {
        expect(status, where).toBe(400)
      }
    }

    it('answers the requests that used to end the process with 400', async () => {
      const host = `127.0.0.1:${port()}`
      const named: Case[] = [
        { method: 'GET', target: '/', host, cookie: 'studio_token=%', upgrade: false, origin: null },
        { method: 'GET', target: '/api', host, cookie: 'studio_token=%', upgrade: true, origin: null },
        { method: 'GET', target: 'http://[', host, cookie: null, upgrade: false, origin: null },
        { method: 'GET', target: 'http://[', host, cookie: null, upgrade: true, origin: null },
      ]
      for (const c of named) {
        const reply = await rawRequest(port(), requestBytes(c), { untilHead: true })
        expect(reply.status, JSON.stringify(c)).toBe(400)
      }
      // A stray undecodable cookie next to the right credentials does not lock the user out.
      await check({
        method: 'GET',
        target: `/?token=${bridge.token}`,
        host,
        cookie: 'studio_token=%',
        upgrade: false,
        origin: null,
      })
      expect(
        (
          await rawRequest(
            port(),
            requestBytes({
              method: 'GET',
              target: '/',
              host,
              cookie: `studio_token=%; studio_token=${bridge.token}`,
              upgrade: false,
              origin: null,
            }),
            { untilHead: true },
          )
        ).status,
      ).toBe(200)
    })

    it('gives every one of 400 generated malformed requests a 4xx (or a success only with every credential right)', async () => {
      const T = bridge.token
      const rnd = seededCases(8)
      const targets = [
        '/',
        `/?token=${T}`,
        '/api',
        `/api?token=${T}`,
        'http://[',
        `http://[/?token=${T}`,
        'http://[::1',
        '//',
        '*',
        '/%',
        '/%E0%A4%A',
        `/%?token=${T}`,
        '/..%2f..%2fpackage.json',
        '/?token=%',
        `/?token=${T}%`,
        '/api?token=%zz',
        `/${'a'.repeat(6000)}`,
        `http://127.0.0.1/api?token=${T}`,
        '/index.html?token=',
      ]
      const hosts = [
        ...loopbackHosts(),
        null,
        'evil.example',
        '[',
        '[::1',
        '[::1]x',
        '127.0.0.1.evil.example',
        'localhost:notaport',
        'localhost:',
        '127.0.0.1:99999:1',
        'localhost@evil.example',
      ]
      const cookies = [
        null,
        'studio_token=%',
        'studio_token=%zz',
        'studio_token=%E0%A4%A',
        `studio_token=${T}`,
        `a=%; studio_token=${T}`,
        `studio_token=%; studio_token=${T}`,
        'studio_token=',
        '=%;;=',
        `studio_token=${T}%`,
        `studio_token="${T}"`,
        `${'x'.repeat(4000)}=%`,
      ]
      const methods = ['GET', 'GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS', 'BREW']
      const origins = [null, 'same', 'https://evil.example', 'null', 'http://[', 'http://127.0.0.1:1']
      const cases: Case[] = []
      for (let i = 0; i < 400; i++) {
        const host = rnd.pick(hosts)
        const origin = rnd.pick(origins)
        cases.push({
          method: rnd.pick(methods),
          target: rnd.pick(targets),
          host,
          cookie: rnd.pick(cookies),
          upgrade: rnd.next() < 0.5,
          origin: origin === 'same' ? `http://${host}` : origin,
        })
      }
      // Several at a time, like a browser (or an attacker) would send them.
      for (let i = 0; i < cases.length; i += 8) await Promise.all(cases.slice(i, i + 8).map(check))
    })

    it('refuses 300 concurrent upgrades without a token, and ignores clients that vanish mid-handshake', async () => {
      const replies = await Promise.all(
        Array.from({ length: 300 }, () =>
          rawRequest(
            port(),
            `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
            { untilHead: true },
          ),
        ),
      )
      expect(replies.every((r) => r.status === 401)).toBe(true)
      // Half a request line, then a reset: nothing to answer, nothing to crash on.
      await Promise.all(
        Array.from({ length: 50 }, () =>
          rawRequest(port(), `GET /api?token=${bridge.token} HTTP/1.1\r\nHost: 127`, { timeoutMs: 20 }),
        ),
      )
    })
  })

  describe('hand-built WebSocket frames', () => {
    const open = async (): Promise<RawWebSocket> => {
      const ws = await rawWebSocket(bridge.port, `/api?token=${bridge.token}`)
      expect(ws.status).toBe(101)
      return ws
    }
    const text = (s: string): Buffer => Buffer.from(s, 'utf8')
    const closePayload = (code: number, reason: Buffer = Buffer.alloc(0)): Buffer => {
      const b = Buffer.alloc(2)
      b.writeUInt16BE(code)
      return Buffer.concat([b, reason])
    }

    type FrameCase = { name: string; frames: Buffer[]; code: number }
    const invalidUtf8 = [
      [0xff],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0x80],
      [0xc3, 0x28],
    ].map((b) => Buffer.from(b))
    const cases: FrameCase[] = [
      ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map((opcode) => ({
        name: `reserved opcode ${opcode}`,
        frames: [wsFrame({ opcode, payload: text('x') })],
        code: 1002,
      })),
      ...[1, 2, 3, 4, 5, 6, 7].map((rsv) => ({
        name: `reserved bits ${rsv}`,
        frames: [wsFrame({ opcode: 1, rsv, payload: text('{}') })],
        code: 1002,
      })),
      ...[1, 2, 8, 9].map((opcode) => ({
        name: `unmasked opcode ${opcode}`,
        frames: [wsFrame({ opcode, payload: opcode === 8 ? closePayload(1000) : text('{}'), masked: false })],
        code: 1002,
      })),
      ...invalidUtf8.flatMap((bad, i) => [
        {
          name: `invalid UTF-8 #${i}`,
          frames: [
            wsFrame({ opcode: 1, payload: Buffer.concat([text('{"id":1,"channel":"'), bad, text('"}')]) }),
          ],
          code: 1007,
        },
        {
          name: `invalid UTF-8 #${i} across fragments`,
          frames: [
            wsFrame({ opcode: 1, fin: false, payload: text('{"id":') }),
            wsFrame({ opcode: 0, payload: bad }),
          ],
          code: 1007,
        },
      ]),
      {
        name: 'close reason in invalid UTF-8',
        frames: [wsFrame({ opcode: 8, payload: closePayload(1000, Buffer.from([0xff, 0xfe])) })],
        code: 1007,
      },
      ...[BRIDGE_MAX_MESSAGE_BYTES + 1, 2 ** 32, 2 ** 53 - 1].map((n) => ({
        name: `declared length ${n}`,
        frames: [wsFrame({ opcode: 1, declaredLength: n })],
        code: 1009,
      })),
      {
        name: 'ping over 125 bytes',
        frames: [wsFrame({ opcode: 9, payload: Buffer.alloc(126) })],
        code: 1002,
      },
      {
        name: 'fragmented ping',
        frames: [wsFrame({ opcode: 9, fin: false, payload: text('p') })],
        code: 1002,
      },
      {
        name: 'continuation with nothing to continue',
        frames: [wsFrame({ opcode: 0, payload: text('x') })],
        code: 1002,
      },
      {
        name: 'new message inside a fragmented one',
        frames: [
          wsFrame({ opcode: 1, fin: false, payload: text('{') }),
          wsFrame({ opcode: 1, payload: text('}') }),
        ],
        code: 1002,
      },
      ...[0, 999, 1004, 1005, 1006, 1015, 2999, 5000].map((code) => ({
        name: `close code ${code}`,
        frames: [wsFrame({ opcode: 8, payload: closePayload(code) })],
        code: 1002,
      })),
      {
        name: 'one-byte close payload',
        frames: [wsFrame({ opcode: 8, payload: Buffer.from([3]) })],
        code: 1002,
      },
    ]

    it.each(cases)('$name closes that socket with $code', async ({ frames, code }) => {
      const ws = await open()
      for (const f of frames) ws.send(f)
      const { closeCode } = await ws.closed()
      expect(closeCode).toBe(code)
    })

    it('a message over the limit in many small fragments closes with 1009', async () => {
      const ws = await open()
      const piece = Buffer.alloc(1024 * 1024, 0x20)
      const pieces = Math.ceil(BRIDGE_MAX_MESSAGE_BYTES / piece.length) + 1
      for (let i = 0; i < pieces; i++)
        ws.send(wsFrame({ opcode: i === 0 ? 1 : 0, fin: i === pieces - 1, payload: piece }))
      expect((await ws.closed(15_000)).closeCode).toBe(1009)
    })

    it('a bad frame on one socket leaves the others working', async () => {
      const good = await open()
      const bad = await open()
      bad.send(wsFrame({ opcode: 1, payload: Buffer.from([0xff]) }))
      expect((await bad.closed()).closeCode).toBe(1007)
      good.send(
        wsFrame({ opcode: 1, payload: text(JSON.stringify({ id: 41, channel: 'appInfo', input: {} })) }),
      )
      const frames = await good.waitFor((fs) => replies(fs).length > 0)
      expect(replies(frames)).toMatchObject([{ kind: 'reply', id: 41, result: { ok: true } }])
      good.destroy()
    })
  })

  describe('floods', () => {
    it('answers 3,000 requests sent in one burst, in full', async () => {
      const ws = await rawWebSocket(bridge.port, `/api?token=${bridge.token}`)
      const n = 3000
      ws.send(
        Buffer.concat(
          Array.from({ length: n }, (_, i) =>
            wsFrame({
              opcode: 1,
              payload: Buffer.from(JSON.stringify({ id: i, channel: 'appInfo', input: {} })),
            }),
          ),
        ),
      )
      const frames = await ws.waitFor((fs) => replies(fs).length >= n, 30_000)
      const ids = new Set(replies(frames).map((r) => r.id))
      expect(ids.size).toBe(n)
      ws.destroy()
    })

    it('bounds a ping flood (ws drops a socket with 60 pongs unsent) without disturbing other sockets', async () => {
      const flooder = await rawWebSocket(bridge.port, `/api?token=${bridge.token}`)
      flooder.send(
        Buffer.concat(
          Array.from({ length: 5000 }, (_, i) => wsFrame({ opcode: 9, payload: Buffer.from(String(i)) })),
        ),
      )
      const { frames } = await flooder.closed(15_000).catch(() => ({ frames: [] as { opcode: number }[] }))
      expect(frames.filter((f) => f.opcode === 0xa).length).toBeLessThanOrEqual(5000)
      flooder.destroy()
      expect(await api.appInfo()).toMatchObject({ ok: true })
    })

    it('ignores a flood of junk messages, then still answers that socket', async () => {
      const ws = await rawWebSocket(bridge.port, `/api?token=${bridge.token}`)
      const rnd = seededCases(3)
      const junk = [
        '',
        'not json',
        '[]',
        'null',
        '{"id":"x"}',
        '{"id":1}',
        '{"id":1,"channel":5}',
        '{"id":1e400,"channel":"appInfo"}',
        '{"id":0.5,"channel":"appInfo"}',
        '{"channel":"appInfo"}',
        '"\\ud800"',
      ]
      const burst: Buffer[] = []
      for (let i = 0; i < 2000; i++) {
        burst.push(
          rnd.next() < 0.2
            ? wsFrame({ opcode: 2, payload: Buffer.from([rnd.int(256), rnd.int(256)]) })
            : wsFrame({ opcode: 1, payload: Buffer.from(rnd.pick(junk)) }),
        )
      }
      burst.push(
        wsFrame({
          opcode: 1,
          payload: Buffer.from(JSON.stringify({ id: 7, channel: 'appInfo', input: {} })),
        }),
      )
      ws.send(Buffer.concat(burst))
      const frames = await ws.waitFor((fs) => replies(fs).length > 0, 15_000)
      expect(replies(frames).map((r) => r.id)).toEqual([7])
      ws.destroy()
    })
  })

  it('still serves pages and sockets, and the run trains on to completion with every step once', async () => {
    const page = await fetch(`${bridge.url}/?token=${bridge.token}`)
    expect(page.status).toBe(200)
    expect(await api.appInfo()).toMatchObject({ ok: true })
    // The abuse happened while the run was training: it is still running now, part-way through.
    const during = await api.runGet({ runId })
    expect(during).toMatchObject({ ok: true, value: { status: 'running' } })
    expect(metricSteps().length).toBeLessThan(RUN_STEPS)
    await setSandboxLatency(0)
    await expect
      .poll(
        () =>
          runEvents.find(
            (e) =>
              e.runId === runId &&
              e.type === 'status' &&
              ['completed', 'failed', 'interrupted'].includes((e as { status: string }).status),
          ),
        { timeout: 120_000, interval: 100 },
      )
      .toBeTruthy()
    const detail = await api.runGet({ runId })
    if (!detail.ok) throw new Error(detail.message)
    expect(detail.value.status).toBe('completed')
    const metrics = await api.runMetrics({ runId })
    if (!metrics.ok) throw new Error(metrics.message)
    expect(metrics.value.trainNll.map(([step]) => step)).toEqual(
      Array.from({ length: RUN_STEPS }, (_, i) => i + 1),
    )
  })
})
