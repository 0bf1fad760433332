import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createStudioApp } from '../api/app'
import type { FailureLine } from '../api/handlers'
import { createLiveCore } from '../api/live-core'
import { createKeyFileSecretStore } from '../api/secret-store'
import { uploadReceiver } from '../api/file-grants'
import { studioHome } from '../core/store'
import type { I18n } from '../../shared/i18n'
import { cliI18n, mainFailureText } from '../../platform/cli-i18n'
import { startBridge, type Bridge } from './server'
import { isLoopbackHost } from './token'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const RENDERER_OUT = path.join(REPO_ROOT, 'out', 'renderer')

const newestMtime = (dir: string): number => {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p))
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs)
  }
  return newest
}

/** The built renderer is missing or older than its sources (src/renderer and the src/shared it bundles). */
function rendererStale(): boolean {
  const built = path.join(RENDERER_OUT, 'index.html')
  if (!fs.existsSync(built)) return true
  const sources = ['src/renderer', 'src/shared'].map((d) => path.join(REPO_ROOT, d)).filter((d) => fs.existsSync(d))
  return Math.max(...sources.map(newestMtime)) > fs.statSync(built).mtimeMs
}

const BUILD_LOCK = path.join(REPO_ROOT, 'node_modules', '.cache', 'tuft-studio', 'build.lock')
const BUILD_LOCK_STALE_MS = 5 * 60_000

/** One build at a time across processes (tests and a user's `npm start` may race for out/). */
function withBuildLock<T>(fn: () => T): T {
  fs.mkdirSync(path.dirname(BUILD_LOCK), { recursive: true })
  const deadline = Date.now() + BUILD_LOCK_STALE_MS
  for (;;) {
    try {
      fs.mkdirSync(BUILD_LOCK)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      // A lock left by a killed build must not block forever.
      const held = fs.statSync(BUILD_LOCK, { throwIfNoEntry: false })
      if (!held) continue
      if (Date.now() - held.mtimeMs > BUILD_LOCK_STALE_MS || Date.now() > deadline) fs.rmSync(BUILD_LOCK, { recursive: true, force: true })
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
  try {
    return fn()
  } finally {
    fs.rmSync(BUILD_LOCK, { recursive: true, force: true })
  }
}

/** Builds the app (electron-vite build, a few seconds) when the renderer is missing or older than its sources. */
export function ensureRendererBuilt(log: (line: string) => void = console.log, i18n: I18n = cliI18n()): string {
  if (!rendererStale()) return RENDERER_OUT
  return withBuildLock(() => {
    if (!rendererStale()) return RENDERER_OUT
    log(i18n.t.cli.serve.building)
    // A production build even when called from vitest (NODE_ENV=test would bundle React's development build).
    const r = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['electron-vite', 'build'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    })
    if (r.status !== 0 || !fs.existsSync(path.join(RENDERER_OUT, 'index.html'))) throw new Error(i18n.t.cli.serve.buildFailed)
    return RENDERER_OUT
  })
}

/**
 * Opens the system browser; failure is fine (the address is printed anyway, e.g. over SSH).
 * `BROWSER=none` skips it (the convention of other dev servers), e.g. in CI.
 */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.BROWSER === 'none') return
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]]
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true })
    child.on('error', () => {})
    child.unref()
  } catch {
    // no browser opener on this machine
  }
}

export type RunBridgeOptions = {
  port?: number
  host?: string
  open?: boolean
  dataDir?: string
  staticDir?: string
  sandboxPort?: number
  /** The language of what is printed; else the one LC_ALL, LC_MESSAGES or LANG name. */
  i18n?: I18n
}

/** Starts the full app behind the browser bridge and prints the address (with its token) on its own line. */
export async function runBridge(opts: RunBridgeOptions = {}): Promise<Bridge> {
  const host = opts.host ?? '127.0.0.1'
  const i18n = opts.i18n ?? cliI18n()
  const t = i18n.t.cli.serve
  // The bridge is a local app, not a web service: it only ever listens on loopback.
  if (!isLoopbackHost(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host)) throw new Error(t.loopbackOnly(host))
  const staticDir = opts.staticDir ?? ensureRendererBuilt(console.log, i18n)
  const dataDir = opts.dataDir ?? studioHome()
  const studio = createStudioApp({
    mode: 'browser',
    version: JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version,
    dataDir,
    secrets: createKeyFileSecretStore(dataDir),
    core: createLiveCore,
    log: (line) => console.error(line),
    failureLine: serveFailureLine(i18n),
    sandboxPort: opts.sandboxPort,
  })
  const bridge = await startBridge({ dispatch: studio.dispatch, subscribe: (s) => studio.events.attach(s), staticDir, port: opts.port, host, upload: uploadReceiver(studio.files) })
  console.log(t.started(dataDir))
  if (opts.sandboxPort) console.log(t.sandboxPortNote(opts.sandboxPort))
  console.log(t.openThis)
  console.log(bridge.openUrl)
  console.log(t.stop)
  if (opts.open) openInBrowser(bridge.openUrl)

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void Promise.allSettled([bridge.close(), studio.close()]).then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return bridge
}

/**
 * A failed call from the page as the terminal shows it: main's English on an English terminal; else the
 * catalogue's title in the reader's language, main's message kept on the next line for a search or a bug report.
 */
export function serveFailureLine(i18n: I18n): FailureLine {
  return (channel, failure) => {
    const f = mainFailureText(failure.code, failure.message, i18n)
    const line = i18n.t.cli.serve.channelFailed(channel, f.code, f.message)
    return f.original ? `${line}\n${i18n.t.cli.common.original(f.original)}` : line
  }
}
