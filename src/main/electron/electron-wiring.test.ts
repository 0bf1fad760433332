/**
 * The Electron wiring of the security policy, with Electron mocked (its binary cannot run under vitest):
 * navigation away and window.open are blocked, external links go to the system browser only when they are
 * web links, webviews and permissions are refused, and IPC from any other frame or origin is refused.
 */
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { CHANNELS, IPC_PICKED_FROM_FILE_CHANNEL, ipcChannel } from '../../shared/contract'
import { ok } from '../../shared/result'
import { EventBus } from '../api/events'
import { FileGrants } from '../api/file-grants'
import { APP_ORIGIN } from '../security'

const openExternal = vi.fn(async (_url: string) => {})
vi.mock('electron', () => ({ shell: { openExternal: (url: string) => openExternal(url) }, BrowserWindow: class {}, protocol: {} }))

const { lockDown } = await import('./window')
const { wireIpc } = await import('./ipc')
const { applyDevServerPolicy } = await import('./protocol')

function fakeContents() {
  const emitter = new EventEmitter()
  let openHandler: ((d: { url: string }) => { action: string }) | null = null
  let permissionRequest: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | null = null
  let permissionCheck: ((wc: unknown, p: string) => boolean) | null = null
  const contents = {
    on: (name: string, fn: (...a: unknown[]) => void) => emitter.on(name, fn),
    setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn),
    session: {
      setPermissionRequestHandler: (fn: typeof permissionRequest) => (permissionRequest = fn),
      setPermissionCheckHandler: (fn: typeof permissionCheck) => (permissionCheck = fn),
    },
  }
  const navigate = (name: string, url: string): boolean => {
    const event = { prevented: false, preventDefault() { this.prevented = true } }
    emitter.emit(name, event, url)
    return event.prevented
  }
  return { contents, navigate, open: (url: string) => openHandler!({ url }), permissionRequest: () => permissionRequest!, permissionCheck: () => permissionCheck! }
}

describe('window lock-down', () => {
  beforeEach(() => openExternal.mockClear())

  it('blocks navigation and redirects away from the app, allows in-app routes', () => {
    const f = fakeContents()
    lockDown(f.contents as never, APP_ORIGIN)
    expect(f.navigate('will-navigate', 'https://evil.example/phish')).toBe(true)
    expect(f.navigate('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(f.navigate('will-redirect', 'http://127.0.0.1:8080/')).toBe(true)
    expect(f.navigate('will-navigate', `${APP_ORIGIN}/index.html#/runs`)).toBe(false)
    expect(f.navigate('will-attach-webview', 'https://x')).toBe(true)
  })

  it('denies window.open, opening only web links in the system browser', () => {
    const f = fakeContents()
    lockDown(f.contents as never, APP_ORIGIN)
    expect(f.open('https://github.com/agentscope-ai/tuft')).toEqual({ action: 'deny' })
    expect(f.open('file:///home/me/.ssh/id_rsa')).toEqual({ action: 'deny' })
    expect(f.open(`${APP_ORIGIN}/index.html`)).toEqual({ action: 'deny' })
    expect(openExternal.mock.calls).toEqual([['https://github.com/agentscope-ai/tuft']])
  })

  it('refuses every permission', () => {
    const f = fakeContents()
    lockDown(f.contents as never, APP_ORIGIN)
    const answers: boolean[] = []
    f.permissionRequest()(null, 'media', (a) => answers.push(a))
    expect(answers).toEqual([false])
    expect(f.permissionCheck()(null, 'geolocation')).toBe(false)
  })
})

describe('IPC wiring', () => {
  it('registers every channel and answers only our own top-level page', async () => {
    const handlers = new Map<string, (event: unknown, input: unknown) => unknown>()
    const dispatch = vi.fn(async () => ok('done'))
    const sent: unknown[] = []
    const events = new EventBus()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipc-wiring-'))
    const files = new FileGrants(path.join(dir, 'uploads'))
    wireIpc({ handle: (ch: string, fn: never) => handlers.set(ch, fn) } as never, { dispatch, events, files }, APP_ORIGIN, () => [{ webContents: { send: (...a: unknown[]) => sent.push(a) } }])
    expect([...handlers.keys()].sort()).toEqual([...CHANNELS.map(ipcChannel), IPC_PICKED_FROM_FILE_CHANNEL].sort())

    const mainFrame = { url: `${APP_ORIGIN}/index.html` }
    const call = (frame: { url: string } | null, sender = { mainFrame }) => handlers.get(ipcChannel('settingsGet'))!({ senderFrame: frame, sender }, {})
    expect(await call(mainFrame)).toEqual(ok('done'))
    expect(dispatch).toHaveBeenCalledWith('settingsGet', {})
    dispatch.mockClear()
    expect(await call({ url: `${APP_ORIGIN}/index.html` })).toMatchObject({ ok: false, code: 'invalid-input' })
    expect(await call({ url: 'https://evil.example/' }, { mainFrame: { url: 'https://evil.example/' } } as never)).toMatchObject({ ok: false })
    expect(await call(null)).toMatchObject({ ok: false })
    expect(dispatch).not.toHaveBeenCalled()

    events.emit('progress', { opId: 'o', phase: 'p', current: 1, total: 2 })
    expect(sent).toEqual([['studio:event', { event: 'progress', payload: { opId: 'o', phase: 'p', current: 1, total: 2 } }]])

    // A dropped file's path (from the preload) becomes a handle for its purpose; the same checks as the dialog.
    const data = path.join(dir, 'chats.jsonl')
    const key = path.join(dir, 'credentials.json.bak')
    fs.writeFileSync(data, '{}\n')
    fs.writeFileSync(key, 'secret')
    const drop = (input: unknown, frame: { url: string } | null = mainFrame) => handlers.get(IPC_PICKED_FROM_FILE_CHANNEL)!({ senderFrame: frame, sender: { mainFrame } }, input)
    const granted = (await drop({ path: data, purpose: 'dataset' })) as { ok: true; value: { handle: string; name: string } }
    expect(granted).toMatchObject({ ok: true, value: { name: 'chats.jsonl', kind: 'file' } })
    expect(files.use(granted.value.handle, 'dataset').path).toBe(data)
    expect(await drop({ path: key, purpose: 'dataset' })).toMatchObject({ ok: false, code: 'invalid-input', details: { issues: [{ path: 'file' }] } })
    expect(await drop({ path: data, purpose: 'dataset' }, { url: 'https://evil.example/' })).toMatchObject({ ok: false, code: 'invalid-input' })
    expect(await drop({ path: 42 })).toMatchObject({ ok: false, code: 'invalid-input' })
    files.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
})

describe('development renderer', () => {
  it('puts the app’s CSP on every response from the dev server, and only from it', () => {
    type Listener = (details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void
    let filter: { urls: string[] } | null = null
    let listener: Listener | null = null
    const ses = { webRequest: { onHeadersReceived: (f: { urls: string[] }, l: Listener) => ((filter = f), (listener = l)) } }
    applyDevServerPolicy(ses as never, 'http://localhost:5173')
    expect(filter).toEqual({ urls: ['http://localhost:5173/*'] })
    let answered: Record<string, string[]> = {}
    listener!({ responseHeaders: { 'content-type': ['text/html'] } }, (r) => (answered = r.responseHeaders))
    expect(answered['Content-Security-Policy'][0]).toContain("script-src 'self'")
    expect(answered['Content-Security-Policy'][0]).toContain('ws://localhost:5173')
    expect(answered['content-type']).toEqual(['text/html'])
  })
})
