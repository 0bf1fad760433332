import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  decideWindowOpen,
  isAllowedNavigation,
  isPermissionAllowed,
  isSafeExternalUrl,
  isTrustedSender,
  resolveDevRenderer,
  resolveStaticPath,
  secureWebPreferences,
  withDevServerHeaders,
} from '.'

describe('navigation away from the app is blocked', () => {
  it.each([
    ['https://example.com/', false],
    ['http://127.0.0.1:10610/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['app://evil/index.html', false],
    ['app://user:pw@studio/', false],
    ['data:text/html,<script>1</script>', false],
    ['not a url', false],
    [`${APP_ORIGIN}/index.html`, true],
    [`${APP_ORIGIN}/index.html#/runs`, true],
  ])('%s → allowed=%s', (url, allowed) => {
    expect(isAllowedNavigation(url)).toBe(allowed)
  })
})

describe('window.open never opens an app window', () => {
  it('denies every request and hands only web links to the system browser', () => {
    expect(decideWindowOpen('https://github.com/agentscope-ai/tuft')).toEqual({ action: 'deny', openExternally: 'https://github.com/agentscope-ai/tuft' })
    expect(decideWindowOpen('file:///home/user/.ssh/id_rsa')).toEqual({ action: 'deny', openExternally: null })
    expect(decideWindowOpen('javascript:alert(1)')).toEqual({ action: 'deny', openExternally: null })
    expect(decideWindowOpen(`${APP_ORIGIN}/index.html`)).toEqual({ action: 'deny', openExternally: null })
    expect(isSafeExternalUrl('smb://host/share')).toBe(false)
    expect(isSafeExternalUrl('https://user:pw@example.com')).toBe(false)
  })
})

describe('IPC sender check', () => {
  it('answers only the top-level page of the app origin', () => {
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, isMainFrame: true })).toBe(true)
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, isMainFrame: false })).toBe(false)
    expect(isTrustedSender({ url: 'https://evil.example/', isMainFrame: true })).toBe(false)
    expect(isTrustedSender({ url: 'file:///tmp/x.html', isMainFrame: true })).toBe(false)
    expect(isTrustedSender(null)).toBe(false)
  })
})

describe('window options and CSP', () => {
  it('keeps isolation and the sandbox on and Node off', () => {
    const p = secureWebPreferences('/app/out/preload/index.cjs')
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false })
    expect(p.preload.endsWith('.cjs')).toBe(true)
  })

  it('allows only own scripts and no eval, framing, plugins or base tags', () => {
    const csp = contentSecurityPolicy(['ws://127.0.0.1:5000'])
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))
    expect(directives['default-src']).toEqual(["'none'"])
    expect(directives['script-src']).toEqual(["'self'"])
    expect(csp).not.toContain('unsafe-eval')
    expect(directives['object-src']).toEqual(["'none'"])
    expect(directives['frame-ancestors']).toEqual(["'none'"])
    expect(directives['base-uri']).toEqual(["'none'"])
    expect(directives['connect-src']).toEqual(["'self'", 'ws://127.0.0.1:5000'])
  })

  it('grants no permissions', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) expect(isPermissionAllowed(p)).toBe(false)
  })
})

describe('the development renderer URL', () => {
  it.each(['http://localhost:5173', 'http://127.0.0.1:5173/', 'https://localhost:5173/index.html', 'http://[::1]:5173'])('%s is trusted when unpackaged', (url) => {
    expect(resolveDevRenderer(false, url)).toEqual({ url, origin: new URL(url).origin })
  })
  it.each([
    'https://evil.example/',
    'http://localhost.evil.example:5173',
    'http://127.0.0.1.nip.io:5173',
    'http://user:pw@localhost:5173',
    'file:///tmp/index.html',
    'javascript:alert(1)',
    'app://studio/index.html',
    'http://192.168.1.5:5173',
    'not a url',
  ])('%s is refused', (url) => {
    expect(resolveDevRenderer(false, url)).toEqual({ rejected: url })
  })
  it('is ignored in a packaged app, and absent without the variable', () => {
    expect(resolveDevRenderer(true, 'http://localhost:5173')).toBeNull()
    expect(resolveDevRenderer(false, undefined)).toBeNull()
    expect(resolveDevRenderer(false, '')).toBeNull()
  })
  it('gets the app’s CSP on every response, replacing the dev server’s own, with a WebSocket back for hot reload', () => {
    const headers = withDevServerHeaders({ 'content-security-policy': ["script-src * 'unsafe-eval'"], 'Content-Type': 'text/html', 'x-frame-options': 'ALLOW' }, 'http://localhost:5173')
    const csp = headers['Content-Security-Policy']
    expect(csp).toEqual([contentSecurityPolicy(['ws://localhost:5173'])])
    expect(Object.keys(headers).filter((k) => k.toLowerCase() === 'content-security-policy')).toHaveLength(1)
    expect(headers['X-Frame-Options']).toEqual(['DENY'])
    expect(headers['x-frame-options']).toBeUndefined()
    expect(headers['Content-Type']).toEqual(['text/html'])
    expect(withDevServerHeaders(undefined, 'https://127.0.0.1:5173')['Content-Security-Policy'][0]).toContain('connect-src \'self\' wss://127.0.0.1:5173')
  })
})

describe('static file resolution stays inside the renderer folder', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-static-'))
  it.each(['/../secret', '/..%2f..%2fetc%2fpasswd', '/assets/%2e%2e/%2e%2e/x', '/a\\..\\..\\x', '/%00', '/%E0%A4%A'])('%s is refused', (p) => {
    expect(resolveStaticPath(root, p)).toBeNull()
  })
  it('maps / to index.html and assets inside', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'))
    expect(resolveStaticPath(root, '/assets/a.js?x=1')).toBe(path.join(root, 'assets', 'a.js'))
  })
})
