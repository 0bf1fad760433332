import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createStudioApp, type StudioApp } from '../api/app'
import { createKeyFileSecretStore } from '../api/secret-store'
import { uploadReceiver } from '../api/file-grants'
import { scriptedCore } from '../api/test-core'
import { startBridge, type Bridge } from './server'
import { createWsApi, type WebSocketCtor } from '../../shared/bridge-client'
import { fail, ok } from '../../shared/result'
import type { StudioEvents } from '../../shared/contract'

const KEY = 'tml-bridge-secret-key-987654321'

let app: StudioApp
let bridge: Bridge
const logs: string[] = []

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bridge-'))
  const staticDir = path.join(home, 'renderer')
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>TuFT Studio</title>')
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)')
  app = createStudioApp({
    mode: 'browser',
    version: 'test',
    dataDir: home,
    secrets: createKeyFileSecretStore(home),
    env: {},
    log: (l) => logs.push(l),
    core: () => scriptedCore({
      discoverServers: () => [{ url: 'http://127.0.0.1:10610', source: 'default' }],
      // A server that echoes the key it got, as some error pages do.
      checkConnection: async (server) => fail('invalid-api-key', `Invalid API key: ${server.apiKey}`, { details: { sent: server.apiKey } }),
      listDatasets: () => [],
    }),
  })
  bridge = await startBridge({ dispatch: app.dispatch, subscribe: (s) => app.events.attach(s), staticDir, upload: uploadReceiver(app.files) })
})
afterAll(async () => {
  await bridge.close()
  await app.close()
})

const get = (p: string, headers: Record<string, string> = {}) => fetch(`${bridge.url}${p}`, { headers })

describe('HTTP needs the per-launch token', () => {
  it('prints an address with a long random token', () => {
    expect(bridge.openUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/)
  })

  it('rejects a missing or wrong token', async () => {
    expect((await get('/')).status).toBe(401)
    expect((await get('/?token=nope')).status).toBe(401)
    expect((await get(`/?token=${bridge.token}x`)).status).toBe(401)
    expect((await get('/assets/app.js')).status).toBe(401)
    expect((await get('/assets/app.js', { cookie: 'studio_token=wrong' })).status).toBe(401)
  })

  it('serves the page with the token, sets a strict cookie, and assets with that cookie', async () => {
    const res = await get(`/?token=${bridge.token}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('TuFT Studio')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const asset = await get('/assets/app.js', { cookie: cookie.split(';')[0] })
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toContain('text/javascript')
  })

  it('refuses a non-loopback Host (DNS rebinding)', async () => {
    const http = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`${bridge.url}/?token=${bridge.token}`, { headers: { host: 'evil.example:80' } }, (r) => resolve(r.statusCode ?? 0)).on('error', reject)
    })
    expect(status).toBe(421)
  })
})

const wsStatus = (url: string, headers: Record<string, string> = {}) =>
  new Promise<number>((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.on('open', () => {
      ws.close()
      resolve(101)
    })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('error', () => resolve(-1))
  })

describe('WebSocket needs the token too', () => {
  it('rejects a missing, wrong or cross-site connection and accepts the right one', async () => {
    const base = bridge.url.replace('http', 'ws') + '/api'
    expect(await wsStatus(base)).toBe(401)
    expect(await wsStatus(`${base}?token=wrong`)).toBe(401)
    expect(await wsStatus(`${base}?token=${bridge.token}`, { origin: 'https://evil.example' })).toBe(403)
    expect(await wsStatus(`${base}?token=${bridge.token}`, { origin: bridge.url })).toBe(101)
    expect(await wsStatus(base, { cookie: `studio_token=${bridge.token}` })).toBe(101)
  })
})

describe('the renderer client over the bridge', () => {
  it('round-trips requests, validation failures and push events, and never returns a key', async () => {
    const api = createWsApi({ baseUrl: bridge.url.replace('http', 'ws'), token: bridge.token, WebSocketImpl: WebSocket as unknown as WebSocketCtor })
    try {
      const info = await api.appInfo()
      expect(info).toEqual(ok({ mode: 'browser', version: 'test', platform: process.platform, systemLocales: [] }))

      const bad = await api.datasetPage({ name: 'x', split: 'train', offset: -5, limit: 10 })
      expect(bad.ok).toBe(false)
      if (!bad.ok) expect(bad.code).toBe('invalid-input')

      const received: StudioEvents['progress'][] = []
      const off = api.on('progress', (p) => received.push(p))
      app.events.emit('progress', { opId: 'op1', phase: 'downloading', current: 3, total: 10 })
      await expect.poll(() => received.length).toBe(1)
      expect(received[0]).toEqual({ opId: 'op1', phase: 'downloading', current: 3, total: 10 })
      off()

      const replies: unknown[] = []
      replies.push(await api.apiKeySet({ key: KEY }))
      replies.push(await api.settingsGet())
      const test = await api.connectionTest({ url: 'http://127.0.0.1:10610' })
      replies.push(test)
      expect(test.ok).toBe(false)
      if (!test.ok) {
        expect(test.code).toBe('invalid-api-key')
        expect(test.message).toContain('[redacted]')
        expect(test.details).toMatchObject({ keySource: 'settings', envSet: false, server: 'http://127.0.0.1:10610' })
      }
      for (const r of replies) expect(JSON.stringify(r)).not.toContain(KEY)
      expect(logs.join('\n')).not.toContain(KEY)
      expect(logs.join('\n')).toContain('connectionTest failed: invalid-api-key')
    } finally {
      api.close()
    }
  })

  it('answers an unknown channel with invalid-input', async () => {
    const ws = new WebSocket(`${bridge.url.replace('http', 'ws')}/api?token=${bridge.token}`)
    await new Promise((r) => ws.on('open', r))
    const reply = new Promise<string>((r) => ws.on('message', (d) => r(d.toString())))
    ws.send(JSON.stringify({ id: 7, channel: '__proto__', input: {} }))
    expect(JSON.parse(await reply)).toMatchObject({ kind: 'reply', id: 7, result: { ok: false, code: 'invalid-input' } })
    ws.close()
  })
})

describe('file uploads (browser mode’s file picker)', () => {
  const post = (q: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}/upload?${q}`, { method: 'POST', body, headers: { 'x-studio-token': bridge.token, ...headers } })

  it('streams a file into a handle the import can use, and answers with a Result', async () => {
    const res = await post('purpose=dataset&name=chats.jsonl', '{"messages":[]}\n')
    expect(res.status).toBe(200)
    const r = (await res.json()) as { ok: true; value: { handle: string; name: string; size: number } }
    expect(r).toMatchObject({ ok: true, value: { name: 'chats.jsonl', size: 16, kind: 'file' } })
    const copy = app.files.use(r.value.handle, 'dataset')
    expect(fs.readFileSync(copy.path, 'utf8')).toBe('{"messages":[]}\n')
    expect(copy.path.startsWith(path.join(app.settings.dataDir, 'downloads'))).toBe(true)
  })

  it('needs the token in its header: the cookie other local pages share is not enough', async () => {
    const page = await get(`/?token=${bridge.token}`)
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]
    expect((await fetch(`${bridge.url}/upload?purpose=dataset&name=a.jsonl`, { method: 'POST', body: '{}', headers: { cookie } })).status).toBe(401)
    expect((await post('purpose=dataset&name=a.jsonl', '{}', { 'x-studio-token': 'wrong' })).status).toBe(401)
    expect((await post('purpose=dataset&name=a.jsonl', '{}', { origin: 'http://127.0.0.1:1' })).status).toBe(403)
    expect((await fetch(`${bridge.url}/upload`, { headers: { 'x-studio-token': bridge.token } })).status).toBe(405)
  })

  it('refuses a name the purpose does not take (400) and a declared size over the cap (413) without reading it', async () => {
    const bad = await post('purpose=dataset&name=id_rsa', 'secret')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ ok: false, code: 'invalid-input', details: { issues: [{ path: 'file' }] } })
    const http = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${bridge.url}/upload?purpose=tokenizer-file&name=tokenizer.json`, {
        method: 'POST',
        headers: { 'x-studio-token': bridge.token, 'content-length': String(2 ** 30) },
      })
      req.on('response', (r) => (resolve(r.statusCode ?? 0), r.resume()))
      req.on('error', reject)
      req.write(Buffer.alloc(1024))
    })
    expect(status).toBe(413)
    // The bridge serves on.
    expect((await get(`/?token=${bridge.token}`)).status).toBe(200)
  })
})
