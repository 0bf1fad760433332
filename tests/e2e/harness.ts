/**
 * The pieces every browser test needs: the whole app (real engine, temp TUFT_STUDIO_HOME) behind the browser
 * bridge in this process, and Debian's Chromium driven by playwright-core. Captures the app's log lines and
 * the page's console so tests can check that no secret ever reaches them.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { WIZARD_READY_TEST_ID } from '../../src/shared/contract'
import { createStudioApp, type StudioApp } from '../../src/main/api/app'
import { createLiveCore } from '../../src/main/api/live-core'
import { createKeyFileSecretStore } from '../../src/main/api/secret-store'
import { uploadReceiver } from '../../src/main/api/file-grants'
import { startBridge, type Bridge } from '../../src/main/bridge/server'
import { startSandbox, type SandboxHandle } from '../../src/sandbox'
import { repoRoot } from '../helpers/fixtures'
import { launchChromium } from '../helpers/chromium'
import { startHubMirror, type HubMirror } from '../helpers/hub-mirror'
export { launchChromium }

export const RENDERER_OUT = path.join(repoRoot, 'out/renderer')
export const SCREENSHOTS = path.join(repoRoot, 'docs/screenshots')


export type Studio = { app: StudioApp; bridge: Bridge; dataDir: string; logs: string[]; close(): Promise<void> }

export async function startStudio(env: Record<string, string> = {}): Promise<Studio> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-'))
  // Core modules that resolve the data folder themselves read it from the environment (restored on close).
  const previousHome = process.env.TUFT_STUDIO_HOME
  process.env.TUFT_STUDIO_HOME = dataDir
  const fullEnv: Record<string, string | undefined> = { ...process.env, TUFT_STUDIO_HOME: dataDir, ...env }
  for (const k of ['TINKER_API_KEY', 'TUFT_ADDRESS', 'TINKER_BASE_URL', 'HF_ENDPOINT', 'HF_TOKEN']) if (!(k in env)) delete fullEnv[k]
  const logs: string[] = []
  const app = createStudioApp({
    mode: 'browser',
    version: 'e2e',
    dataDir,
    secrets: createKeyFileSecretStore(dataDir),
    core: createLiveCore,
    env: fullEnv,
    log: (line) => logs.push(line),
  })
  const bridge = await startBridge({ dispatch: app.dispatch, subscribe: (s) => app.events.attach(s), staticDir: RENDERER_OUT, upload: uploadReceiver(app.files) })
  return {
    app,
    bridge,
    dataDir,
    logs,
    close: async () => {
      await Promise.allSettled([bridge.close(), app.close()])
      fs.rmSync(dataDir, { recursive: true, force: true })
      if (previousHome === undefined) delete process.env.TUFT_STUDIO_HOME
      else process.env.TUFT_STUDIO_HOME = previousHome
    },
  }
}

/** Opens the app with its token and waits until the wizard's first step can be used. */
export async function openApp(browser: Browser, studio: Studio): Promise<{ page: Page; console: string[] }> {
  // en-US whatever the machine's LANG: the app starts in the browser's language, and the tests read English.
  const context = await browser.newContext({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1, acceptDownloads: true, locale: 'en-US' })
  const page = await context.newPage()
  const consoleLines: string[] = []
  page.on('console', (m) => consoleLines.push(m.text()))
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`))
  await page.goto(studio.bridge.openUrl)
  await page.getByTestId(WIZARD_READY_TEST_ID).waitFor({ state: 'attached', timeout: 30_000 })
  return { page, console: consoleLines }
}

/** A full-page screenshot into docs/screenshots/; `name` may name a subfolder (`zh-CN/01-connect`). */
export async function shot(page: Page, name: string): Promise<void> {
  const file = path.join(SCREENSHOTS, `${name}.png`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  await page.screenshot({ path: file, fullPage: true })
}

/** Everything the user could see or save: the DOM, including form values, and the page's storage. */
export async function pageText(page: Page): Promise<string> {
  // A function (not a string: the app's CSP forbids eval) typed loosely so this node-side file needs no DOM lib.
  return page.evaluate(() => {
    const g = globalThis as unknown as {
      document: { documentElement: { outerHTML: string }; querySelectorAll(s: string): ArrayLike<{ value: string }> }
      sessionStorage: object
      localStorage: object
    }
    const values = Array.from(g.document.querySelectorAll('input, textarea')).map((e) => e.value)
    return [g.document.documentElement.outerHTML, ...values, JSON.stringify(g.sessionStorage), JSON.stringify(g.localStorage)].join('\n')
  })
}

/** After a failed test, keeps a picture of what the user would have seen in /tmp (not part of docs). */
export async function screenshotOnFailure(ctx: { task: { name: string; result?: { state?: string } } }, page: Page | undefined): Promise<void> {
  if (ctx.task.result?.state !== 'fail' || !page) return
  await page.screenshot({ path: `/tmp/e2e-fail-${ctx.task.name.slice(0, 30).replace(/\W+/g, '-')}.png`, fullPage: true })
}

/** One test file's app, browser and page, set by `useStudio`'s beforeAll (read them inside tests and hooks). */
export type E2e = { studio: Studio; browser: Browser; page: Page; console: string[] }

/**
 * The set-up every browser test file shares: before its tests, the app with `env` (after `env()` has started what
 * the app is to reach) behind the bridge, Chromium, and a page opened on the wizard; a picture of a failed test;
 * after them, the browser and the app closed, then `stop` for what `env` started.
 */
export function useStudio(o: { env?: Record<string, string> | (() => Promise<Record<string, string>>); stop?: () => unknown } = {}): E2e {
  const e2e = {} as E2e
  beforeAll(async () => {
    e2e.studio = await startStudio(typeof o.env === 'function' ? await o.env() : o.env)
    e2e.browser = await launchChromium()
    ;({ page: e2e.page, console: e2e.console } = await openApp(e2e.browser, e2e.studio))
  })
  afterEach((ctx) => screenshotOnFailure(ctx, e2e.page))
  afterAll(async () => {
    await e2e.browser?.close()
    await e2e.studio?.close()
    await o.stop?.()
  })
  return e2e
}

/** What the hint tests reach besides the app: a local hub mirror and a sandbox of their own. */
export type HintServers = { mirror: HubMirror; sandbox: SandboxHandle }

/**
 * `useStudio` for the troubleshooting hints: a sandbox that accepts only `apiKey` (the built-in one accepts whatever
 * key the app gives it), and a local hub mirror that the hub hint offers as the site's own (TUFT_STUDIO_HF_MIRROR).
 */
export function useHintStudio(o: { apiKey: string; env?: Record<string, string> }): { e2e: E2e; servers: HintServers } {
  const servers = {} as HintServers
  const e2e = useStudio({
    env: async () => {
      servers.mirror = await startHubMirror({})
      servers.sandbox = await startSandbox({ apiKeys: [o.apiKey] })
      return { ...o.env, TUFT_STUDIO_HF_MIRROR: servers.mirror.url }
    },
    stop: async () => {
      await servers.sandbox?.close()
      await servers.mirror?.close()
    },
  })
  return { e2e, servers }
}
