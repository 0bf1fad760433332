/**
 * The browser bridge in Chromium: without the per-launch token, or with a wrong one, neither the page nor the
 * API socket answers; with it, the page loads under a CSP that blocks injected scripts, and the token leaves the address bar.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium, openApp, startStudio, type Studio } from './harness'

let studio: Studio
let browser: Browser
beforeAll(async () => {
  studio = await startStudio()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await studio?.close()
})

/** Opens a WebSocket from inside a page and reports whether it opened or was refused. */
const trySocket = (url: string): Promise<string> =>
  new Promise((resolve) => {
    const WS = (globalThis as unknown as { WebSocket: new (u: string) => { onopen: () => void; onerror: () => void; onclose: () => void; close(): void } }).WebSocket
    const ws = new WS(url)
    ws.onopen = () => (ws.close(), resolve('open'))
    ws.onerror = () => resolve('refused')
    ws.onclose = () => resolve('refused')
  })

describe('browser bridge security', () => {
  it('refuses the page without the token or with a wrong one', async () => {
    const page = await browser.newPage()
    const base = `http://127.0.0.1:${studio.bridge.port}`
    for (const url of [`${base}/`, `${base}/?token=wrong-token`, `${base}/index.html`]) {
      const res = await page.goto(url)
      expect(res?.status()).toBe(401)
      expect(await page.getByTestId('wizard').count()).toBe(0)
      expect(await page.content()).toContain('needs the access token')
    }
    await page.close()
  })

  it('refuses the API socket without the right token', async () => {
    // A same-origin page that never got the token cookie (the 401 page): only the token can open the socket.
    const page = await (await browser.newContext()).newPage()
    const base = `http://127.0.0.1:${studio.bridge.port}`
    await page.goto(`${base}/`)
    const ws = `ws://127.0.0.1:${studio.bridge.port}/api`
    expect(await page.evaluate(trySocket, ws)).toBe('refused')
    expect(await page.evaluate(trySocket, `${ws}?token=wrong-token`)).toBe('refused')
    expect(await page.evaluate(trySocket, `${ws}?token=${studio.bridge.token}`)).toBe('open')
    await page.close()
  })

  it('loads the app with the token, drops it from the address bar, and runs under a CSP that blocks injected scripts', async () => {
    const { page } = await openApp(browser, studio)
    expect(page.url()).not.toContain('token=')
    // An injected inline script does not run: the CSP allows only the app's own script files.
    const ran = await page.evaluate(async () => {
      const g = globalThis as unknown as {
        document: { createElement(t: string): { textContent: string }; body: { appendChild(e: unknown): void } }
        __injected?: boolean
      }
      const el = g.document.createElement('script')
      el.textContent = 'globalThis.__injected = true'
      g.document.body.appendChild(el)
      await new Promise((r) => setTimeout(r, 100))
      return g.__injected === true
    })
    expect(ran).toBe(false)
    await page.close()
  })
})
