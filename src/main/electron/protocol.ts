import fs from 'node:fs/promises'
import { protocol, type Session } from 'electron'
import { APP_HOST, APP_SCHEME, contentTypeOf, resolveStaticPath, securityHeaders, withDevServerHeaders } from '../security'

/** Must run before the app is ready: app:// behaves like a secure web origin (fetch, storage, CSP). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ])
}

/** Serves the built renderer from app://studio/ with the strict CSP; nothing outside that folder. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    const file = url.host === APP_HOST ? resolveStaticPath(rendererDir, url.pathname) : null
    if (!file) return new Response('Not found', { status: 404 })
    try {
      const body = await fs.readFile(file)
      return new Response(body, { headers: { ...securityHeaders(), 'Content-Type': contentTypeOf(file) } })
    } catch {
      return new Response('Not found', { status: 404 })
    }
  })
}

/** In development the dev server serves the renderer: its responses get the same CSP and headers. */
export function applyDevServerPolicy(ses: Pick<Session, 'webRequest'>, devOrigin: string): void {
  ses.webRequest.onHeadersReceived({ urls: [`${devOrigin}/*`] }, (details, callback) => {
    callback({ responseHeaders: withDevServerHeaders(details.responseHeaders, devOrigin) })
  })
}
