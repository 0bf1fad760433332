/**
 * The security decisions of the desktop shell and the browser bridge, as pure functions so unit tests can
 * pin them down without Electron. The Electron layer (src/main/electron) only wires them up.
 */
import path from 'node:path'

/** The renderer is served from this privileged custom scheme, never file:// (whose origin is shared by all files). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'studio'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

/**
 * One strict policy for both transports: only our own scripts, no eval, no plugins, no framing, no
 * forms, no base-tag tricks. Inline styles stay allowed because React and ECharts set `style` attributes.
 * `connect` adds the bridge's WebSocket origin in browser mode.
 */
export function contentSecurityPolicy(connect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

const parse = (url: string): URL | null => {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

const DEV_SERVER_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

export type DevRenderer = { url: string; origin: string } | { rejected: string } | null

/**
 * Where the renderer comes from in development: `ELECTRON_RENDERER_URL`, set by electron-vite's dev server,
 * and only for an unpackaged app. Its origin becomes the one the window may navigate within and IPC answers,
 * so only a plain http(s) URL on this machine is accepted; anything else (another host, credentials, another
 * scheme) is `rejected`, and the app serves its built renderer from app://studio as a packaged one does.
 */
export function resolveDevRenderer(isPackaged: boolean, value: string | undefined): DevRenderer {
  if (isPackaged || !value) return null
  const u = parse(value)
  const ok = !!u && (u.protocol === 'http:' || u.protocol === 'https:') && DEV_SERVER_HOSTS.has(u.hostname) && !u.username && !u.password
  return ok ? { url: value, origin: u.origin } : { rejected: value }
}

/**
 * The policy for a dev server's pages: the same CSP and headers as app://studio, plus a WebSocket back to the
 * dev server for hot reload. Replaces whatever security headers the dev server sent (names compared
 * case-insensitively, as HTTP does), so the window never runs the renderer without its CSP.
 */
export function withDevServerHeaders(responseHeaders: Record<string, string | string[]> | undefined, devOrigin: string): Record<string, string[]> {
  const hot = devOrigin.replace(/^http/, 'ws')
  const ours = securityHeaders([hot])
  const names = new Set(Object.keys(ours).map((k) => k.toLowerCase()))
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(responseHeaders ?? {})) if (!names.has(k.toLowerCase())) out[k] = Array.isArray(v) ? v : [v]
  for (const [k, v] of Object.entries(ours)) out[k] = [v]
  return out
}

/** In-window navigation is allowed only within the app's own origin (e.g. a hash or same-page route). */
export function isAllowedNavigation(url: string, appOrigin = APP_ORIGIN): boolean {
  const u = parse(url)
  const app = parse(appOrigin)
  if (!u || !app) return false
  return u.protocol === app.protocol && u.host === app.host && !u.username && !u.password
}

/** Only plain web links may be handed to the system browser (no file:, smb:, javascript:, custom schemes). */
export function isSafeExternalUrl(url: string): boolean {
  const u = parse(url)
  return !!u && (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password
}

/**
 * What to do when the page asks for a new window (window.open, target=_blank): never open one in the app;
 * hand safe web links to the system browser.
 */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally: string | null } {
  return { action: 'deny', openExternally: isSafeExternalUrl(url) ? url : null }
}

/** IPC is answered only for our own top-level page, not for any other frame or origin. */
export function isTrustedSender(sender: { url: string; isMainFrame: boolean } | null | undefined, appOrigin = APP_ORIGIN): boolean {
  if (!sender || !sender.isMainFrame) return false
  return isAllowedNavigation(sender.url, appOrigin)
}

/** The BrowserWindow options that matter for security (merged with cosmetic ones in the Electron layer). */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  } as const
}

/** Permission requests (camera, geolocation, notifications, …): the app needs none. */
export const isPermissionAllowed = (_permission: string): boolean => false

/**
 * Maps a request path to a file inside `root`, or null when it would escape it (`..`, encoded slashes,
 * absolute paths, NUL). Used by the app:// protocol and the bridge's static server.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0].split('#')[0])
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '')
  const abs = path.resolve(root, rel)
  const base = path.resolve(root)
  if (abs !== base && !abs.startsWith(base + path.sep)) return null
  return abs
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
}
export const contentTypeOf = (file: string): string => CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'

/** Headers every served renderer file carries, in both transports. */
export function securityHeaders(connect: readonly string[] = []): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(connect),
    'X-Content-Type-Options': 'nosniff',
    // The bridge token sits in the first URL; never leak it through a Referer header.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }
}
