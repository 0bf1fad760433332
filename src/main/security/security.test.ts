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
  resolveStaticPath,
  secureWebPreferences,
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
