/**
 * Composes the main-process side of the app for either transport: settings (with the injected secret
 * store), events, cancellable operations, the on-demand sandbox and the engine, behind one `dispatch`.
 */
import fs from 'node:fs'
import type { CoreContext, StudioCore } from './core'
import { EventBus } from './events'
import { createDispatch, createHandlers, type Dispatch, type FailureLine, type Handlers, type PathPicker } from './handlers'
import { Ops } from './ops'
import { SandboxManager } from './sandbox-manager'
import type { SecretStore } from './secret-store'
import { Settings } from './settings'
import { redact } from './errors'
import { LocalServerManager, readRecord } from '../core/local-server'
import path from 'node:path'
import { FileGrants } from './file-grants'
import { discoverServer } from '../core/tuft'

export type StudioAppOptions = {
  mode: 'electron' | 'browser'
  version: string
  /** The OS's preferred languages, when the shell knows them (Electron's app.getLocale()). */
  systemLocales?: string[]
  dataDir: string
  secrets: SecretStore
  /** Builds the engine with live access to settings and the sandbox. */
  core: (ctx: CoreContext) => StudioCore
  env?: NodeJS.ProcessEnv
  /** Receives already-redacted log lines. */
  log?: (line: string) => void
  /** How a failed call is worded in `log` (the command line's language); main's English by default. */
  failureLine?: FailureLine
  /** A fixed port for the built-in sandbox (`npm run serve -- --sandbox-port P`); wins over the one in Settings. */
  sandboxPort?: number
  /** The desktop's open dialog (the chosen path, or null when cancelled); absent in browser mode. */
  pickPath?: PathPicker
}

export type StudioApp = {
  dispatch: Dispatch
  handlers: Handlers
  events: EventBus
  settings: Settings
  sandbox: SandboxManager
  localServer: LocalServerManager
  /** Files the user picked, by handle: the bridge's upload route and the desktop's dialog add to it. */
  files: FileGrants
  /** Scrubs secrets from any text before it is logged. */
  redact: (text: string) => string
  close(): Promise<void>
}

export function createStudioApp(opts: StudioAppOptions): StudioApp {
  const env = opts.env ?? process.env
  fs.mkdirSync(opts.dataDir, { recursive: true })
  // Push events carry server and library messages too: scrub them like replies.
  const secretValues = (): string[] => [...settings.secretValues(), ...sandbox.secretValues(), ...localServer.secretValues()]
  const events: EventBus = new EventBus(<T>(payload: T): T => redact(payload, secretValues()))
  const settings = new Settings(opts.dataDir, opts.secrets, env)
  const ops = new Ops(events)
  // Uploads and other temporary copies live in the data folder, never in a shared /tmp.
  const scratchDir = path.join(opts.dataDir, 'downloads', 'scratch')
  const files = new FileGrants(path.join(opts.dataDir, 'downloads', 'uploads'))
  let core: StudioCore | null = null
  const sandbox: SandboxManager = new SandboxManager(
    (port) => (core as StudioCore).startSandbox(opts.dataDir, port),
    events,
    () => {
      if (opts.sandboxPort) return { port: opts.sandboxPort, source: 'serve-flag' }
      const port = settings.view().sandboxPort
      return port ? { port, source: 'settings' } : null
    },
  )
  const localServer: LocalServerManager = new LocalServerManager({
    home: opts.dataDir,
    sealer: opts.secrets,
    env,
    onStatus: (s) => events.emit('localServer', s),
    onLog: (lines) => events.emit('localServerLog', { lines }),
  })
  // A server left running by an earlier launch (or started by the CLI): follow its log again.
  if (readRecord(opts.dataDir)) localServer.watch()
  core = opts.core({
    dataDir: opts.dataDir,
    env,
    apiKey: (serverUrl) => {
      let url = serverUrl
      try {
        url ??= discoverServer(settings.view().activeServer ?? undefined, env).url
      } catch {
        // An unusable TUFT_ADDRESS is reported where the connection is made; the app's key still applies.
      }
      return localServer.apiKeyFor(url) ?? settings.apiKey()
    },
    sandbox: () => sandbox.ensure(),
    sandboxRunning: () => sandbox.handle(),
    hub: () => {
      const hub = settings.hfEndpoint()
      return { endpoint: hub.source === 'default' ? undefined : hub.url, token: settings.hfToken() }
    },
  })
  const scrub = (text: string): string => redact(text, secretValues(), { patterns: true })
  const log = opts.log ? (line: string) => opts.log?.(scrub(line)) : undefined
  const ctx = { mode: opts.mode, version: opts.version, systemLocales: opts.systemLocales ?? [], settings, events, ops, core, sandbox, localServer, env, log, failureLine: opts.failureLine, files, pickPath: opts.pickPath, scratchDir }
  const handlers = createHandlers(ctx)
  return {
    dispatch: createDispatch(handlers, ctx),
    handlers,
    events,
    settings,
    sandbox,
    localServer,
    files,
    redact: scrub,
    close: async () => {
      ops.cancelAll()
      files.close()
      await core.close()
      await sandbox.stop()
      // Stopped unless the user chose to leave it running for other clients.
      await localServer.shutdown()
    },
  }
}
