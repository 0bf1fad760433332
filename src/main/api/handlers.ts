/**
 * The one implementation of the contract. Transport-neutral: Electron IPC and the browser bridge both call
 * `dispatch`, which validates the untrusted input, runs the handler, converts any exception into a coded
 * Failure and scrubs every known secret from the reply.
 */
import { isLoopback, sameServer, serverKey } from '../../shared/server-url'
import {
  parseInput,
  type DialogPurpose,
  type ChannelName,
  type ConnectionReport,
  type DiscoveredServer,
  type OutputOf,
  type ParsedInputOf,
  type RunEventView,
  type SandboxStatus,
  type ServerSource,
} from '../../shared/contract'
import { maskKey } from '../../shared/redact'
import { ok, StudioError, type Failure, type Result } from '../../shared/result'
import type { StudioCore } from './core'
import { FailureError, redact, toFailure } from './errors'
import type { FileGrants } from './file-grants'
import type { EventBus } from './events'
import type { Ops } from './ops'
import type { Settings } from './settings'
import type { SandboxManager } from './sandbox-manager'
import fs from 'node:fs'
import path from 'node:path'
import { cacheInfo, clearCache } from './cache'
import type { LocalServerManager } from '../core/local-server'
import type { CheckpointRef } from '../core/tuft'
import { useModelSnippets } from '../../shared/use-model-snippets'

export type AppContext = {
  mode: 'electron' | 'browser'
  version: string
  systemLocales: string[]
  settings: Settings
  events: EventBus
  ops: Ops
  core: StudioCore
  sandbox: SandboxManager
  /** The TuFT server started on this workstation (recorded in the data folder). */
  localServer: LocalServerManager
  /** Files the user picked, by handle (the page never names a path). */
  files: FileGrants
  /**
   * The desktop's open dialog: the chosen path, or null when the user cancelled. Absent in browser mode, where
   * the page uploads what the user picked.
   */
  pickPath?: PathPicker
  /** Where temporary copies (an uploaded tokenizer's files) are assembled: inside the data folder. */
  scratchDir: string
  env: NodeJS.ProcessEnv
  /** Where failures are logged (already redacted). */
  log?: (line: string) => void
  /** How a failed call reads in the log; by default main's English (a command line words it in its reader's language). */
  failureLine?: FailureLine
}

export type FailureLine = (channel: string, failure: Failure) => string

const englishFailureLine: FailureLine = (channel, failure) => `${channel} failed: ${failure.code}: ${failure.message}`

/** The desktop's open dialog for a purpose: the chosen path, or null when the user cancelled. */
export type PathPicker = (purpose: DialogPurpose, o?: { defaultPath?: string }) => Promise<string | null>

type Handler<C extends ChannelName> = (input: ParsedInputOf<C>) => Promise<OutputOf<C>> | OutputOf<C>
export type Handlers = { [C in ChannelName]: Handler<C> }

const SANDBOX = 'sandbox'

/** The engine's server config without a key (main supplies the key per call; it is never stored). */
type RunServer = { kind: 'sandbox' } | { kind: 'remote'; url?: string }

export function createHandlers(ctx: AppContext): Handlers {
  const { settings, core, ops, events, sandbox, localServer, env, files } = ctx

  /**
   * A picked dataset file: imported by path (an upload recorded under its own name, not the temporary copy's),
   * and an uploaded copy deleted once it is imported. After a failure the copy stays for the grant's lifetime,
   * so the import can be retried with another format without uploading again.
   */
  const importPicked = async (handle: string, split: string | undefined, opts: Parameters<StudioCore['importDataset']>[1]) => {
    const picked = files.use(handle, 'dataset')
    const report = await core.importDataset({ kind: 'file', path: picked.path, ...(split ? { split } : {}) }, { ...opts, ...(picked.temp ? { sourceLabel: picked.name } : {}) })
    if (picked.temp) files.release(handle)
    return report
  }

  /** A tokenizer the user picked: a folder (desktop), or its two files uploaded (browser), copied together. */
  const tokenizerDir = (input: { folder?: string; files?: string[]; label?: string }): { dir: string; label: string; cleanup: () => void } => {
    if (input.folder) {
      const g = files.use(input.folder, 'tokenizer-folder')
      return { dir: g.path, label: g.path, cleanup: () => undefined }
    }
    const given = (input.files ?? []).map((h) => ({ h, ...files.use(h, 'tokenizer-file') }))
    const names = given.map((g) => g.name).sort()
    if (names[0] !== 'tokenizer.json' || names[1] !== 'tokenizer_config.json')
      throw new StudioError('tokenizer-not-found', 'A tokenizer needs both tokenizer.json and tokenizer_config.json', { missing: ['tokenizer.json', 'tokenizer_config.json'].filter((n) => !names.includes(n)) })
    fs.mkdirSync(ctx.scratchDir, { recursive: true })
    const dir = fs.mkdtempSync(path.join(ctx.scratchDir, 'tokenizer-'))
    for (const g of given) fs.copyFileSync(g.path, path.join(dir, g.name))
    return {
      dir,
      label: input.label ?? names.join(' + '),
      cleanup: () => {
        fs.rmSync(dir, { recursive: true, force: true })
        for (const g of given) files.release(g.h)
      },
    }
  }

  /** Which server a request goes to and with which key; the key is resolved here and never returned. */
  const resolveServer = async (explicit?: string): Promise<{ url: string; apiKey?: string; source: ServerSource; isSandbox: boolean }> => {
    const wanted = explicit ?? settings.view().activeServer ?? undefined
    const source: ServerSource = explicit ? 'explicit' : 'saved'
    if (wanted === SANDBOX) {
      const sb = await sandbox.ensure()
      return { url: sb.url, apiKey: sb.apiKey, source: 'sandbox', isSandbox: true }
    }
    const running = sandbox.handle()
    if (wanted && running && sameServer(wanted, running.url)) return { url: running.url, apiKey: running.apiKey, source: 'sandbox', isSandbox: true }
    const found = wanted ? { url: wanted, source } : (await core.discoverServers(env))[0]
    // The TuFT server started on this machine has its own generated key.
    const localKey = localServer.apiKeyFor(found.url)
    if (localKey) return { url: found.url, apiKey: localKey, source: 'local-server', isSandbox: false }
    return { url: found.url, apiKey: settings.apiKey(), source: found.source, isSandbox: false }
  }

  /** The tokenizer a usage snippet loads: the sandbox's, the local server's model folder, else the base model's id. */
  const snippetTokenizer = async (target: { url: string; apiKey?: string; isSandbox: boolean }, model: string): Promise<string | undefined> => {
    let base = model
    if (model.startsWith('tinker://')) {
      try {
        base = await core.serverRunBaseModel(target, model.slice('tinker://'.length).split('/')[0])
      } catch {
        return undefined
      }
    }
    if (target.isSandbox) return sandbox.handle()?.tokenizers[base] ?? base
    return (localServer.apiKeyFor(target.url) ? localServer.servedModelDir(base) : null) ?? base
  }

  /** A run's server as the engine wants it: the sandbox by kind (its port changes per launch), else a URL. */
  const runServer = (server: ParsedInputOf<'runStart'>['config']['server']): RunServer => {
    const running = sandbox.handle()
    if (server?.kind === 'sandbox') return { kind: 'sandbox' }
    if (server?.kind === 'remote' && server.url) return running && sameServer(server.url, running.url) ? { kind: 'sandbox' } : { kind: 'remote', url: server.url }
    const active = settings.view().activeServer
    if (active === SANDBOX || (active && running && sameServer(active, running.url))) return { kind: 'sandbox' }
    return active ? { kind: 'remote', url: active } : { kind: 'remote' }
  }

  const onRunEvent = (e: RunEventView): void => {
    if (e.type === 'status' && e.status === 'completed' && !settings.view().wizardCompleted) settings.update({ wizardCompleted: true })
    events.emit('run', e)
  }

  const sandboxStatus = (): SandboxStatus => sandbox.status()

  return {
    appInfo: () => ({ mode: ctx.mode, version: ctx.version, platform: process.platform, systemLocales: ctx.systemLocales }),

    settingsGet: () => settings.view(),
    settingsSet: (input) => settings.update(input),
    apiKeySet: ({ key }) => settings.setApiKey(key),
    apiKeyClear: () => settings.clearApiKey(),
    hfTokenSet: ({ token }) => ({ source: settings.setHfToken(token) }),
    hfTokenClear: () => ({ source: settings.clearHfToken() }),
    cacheInfo: () => cacheInfo(settings.dataDir),
    cacheClear: async ({ what }) => {
      if (what === 'all') {
        ops.cancelAll()
        await sandbox.stop()
      }
      return clearCache(settings.dataDir, what, () => core.close())
    },

    connectionDiscover: async () => {
      const servers: DiscoveredServer[] = [
        ...settings.view().servers.map((s) => ({ url: s.url, source: 'saved' as const })),
        ...(await core.discoverServers(env)),
      ]
      const sb = sandbox.handle()
      if (sb) servers.unshift({ url: sb.url, source: 'sandbox' })
      const local = await localServer.status()
      if (local.url && (local.state === 'running' || local.state === 'starting')) servers.unshift({ url: local.url, source: 'local-server' })
      const seen = new Set<string>()
      return { servers: servers.filter((s) => !seen.has(serverKey(s.url)) && seen.add(serverKey(s.url))), sandbox: sandboxStatus() }
    },
    connectionTest: async ({ url }) => {
      const target = await resolveServer(url)
      const key = settings.keyStatus()
      // Without a key of its own the client sends TINKER_API_KEY (as the SDK does).
      const keySentMasked = maskKey(target.apiKey ?? env.TINKER_API_KEY)
      const keyFacts = {
        keySource: target.isSandbox ? 'sandbox' : target.source === 'local-server' ? 'local-server' : key.source,
        envSet: key.envSet,
        envDiffers: key.envDiffers,
        keySentMasked,
        envKeyMasked: key.envMasked,
        server: target.url,
        serverSource: target.source,
      }
      const r = await core.checkConnection({ url: target.url, apiKey: target.apiKey }, env)
      if (!r.ok) throw new FailureError({ ...r, details: { ...r.details, ...keyFacts } })
      const report: ConnectionReport = {
        url: r.value.url,
        source: target.source,
        health: { ok: true, latencyMs: r.value.latencyMs },
        // The wizard renders and previews with each model's tokenizer: the sandbox names its own; a TuFT
        // server's model names are hub ids whose tokenizer is the model's own (tokenizer_id absent).
        capabilities: {
          supported_models: r.value.capabilities.supported_models.map((m) => {
            const tok = target.isSandbox ? sandbox.handle()?.tokenizers[m.model_name] : undefined
            return tok ? { ...m, tokenizer_id: tok } : m
          }),
        },
        // The sandbox is reached with its own per-launch key; the app's key facts stay as they are.
        key: target.isSandbox ? { ...key, source: 'sandbox' } : target.source === 'local-server' ? { ...key, source: 'local-server' } : { ...key, source: r.value.keySource },
        keySentMasked,
        isSandbox: target.isSandbox,
      }
      return report
    },
    sandboxStart: async () => {
      await sandbox.ensure()
      return sandboxStatus()
    },
    sandboxStop: async () => {
      await sandbox.stop()
      return sandboxStatus()
    },
    sandboxStatus: () => sandboxStatus(),
    sandboxKeyCopy: () => {
      const sb = sandbox.handle()
      if (!sb) throw new StudioError('not-found', 'The local sandbox is not running: start it first, its key is made when it starts.', { says: 'sandbox-not-running' })
      return { key: sb.apiKey }
    },

    localServerDetect: () => localServer.detect(),
    localServerInspect: ({ path }) => localServer.inspect(path),
    localServerPlan: async ({ config }) => {
      const { resolved: _resolved, configText: _configText, ...plan } = await localServer.plan(config)
      return plan
    },
    localServerStart: async ({ opId, config, keepRunningOnQuit, makeActive }) => {
      const s = await ops.run(opId, (signal, onProgress) => localServer.start(config, { signal, onProgress, keepRunningOnQuit }))
      if (makeActive && s.url) settings.update({ activeServer: s.url })
      return s
    },
    localServerStop: async () => {
      const { wasRunning: _was, ...s } = await localServer.stop()
      return s
    },
    localServerStatus: () => localServer.status(),
    localServerLogs: ({ sinceSeq, search, limit }) => localServer.logs({ sinceSeq, search, limit }),
    localServerKeepRunning: ({ keepRunning }) => localServer.setKeepRunning(keepRunning),
    pickFolder: async ({ purpose, defaultPath }) => {
      if (!ctx.pickPath) throw new StudioError('invalid-input', 'The folder picker exists only in the desktop app: type the folder path instead.', { says: 'no-folder-picker' })
      return { path: await ctx.pickPath(purpose, { defaultPath }) }
    },

    serverRuns: async ({ server }) => core.browseServerRuns(await resolveServer(server), {}),
    serverRun: async ({ server, trainingRunId }) => core.browseServerRun(await resolveServer(server), trainingRunId),
    serverCheckpointDelete: async ({ server, tinkerPath }) => {
      await core.deleteServerCheckpoint(await resolveServer(server), tinkerPath)
      return { deleted: true as const, tinkerPath }
    },
    serverCheckpointPublish: async ({ server, tinkerPath, public: isPublic }) => {
      await core.setServerCheckpointPublic(await resolveServer(server), tinkerPath, isPublic)
      return { tinkerPath, public: isPublic }
    },
    serverCheckpointDownload: async ({ opId, server, tinkerPath }) => {
      const target = await resolveServer(server)
      const serverIsLocal = target.isSandbox || target.source === 'local-server' || isLoopback(target.url)
      // A run the server no longer lists still has its checkpoint folder on disk when the server runs here.
      const folderOnThisMachine = target.isSandbox
        ? (ref: Omit<CheckpointRef, 'tinkerPath'>) => sandbox.handle()?.checkpointFolder?.(ref.trainingRunId, ref.folder === 'weights' ? 'training' : 'sampler', ref.name) ?? null
        : target.source === 'local-server'
          ? (ref: Omit<CheckpointRef, 'tinkerPath'>) => localServer.checkpointFolder(ref.trainingRunId, ref.name)
          : undefined
      return ops.run(opId, (signal, onProgress) => core.downloadServerCheckpoint(target, tinkerPath, { signal, onProgress, serverIsLocal, folderOnThisMachine }))
    },
    useModelSnippets: async ({ server, model, tokenizer, locale }) => {
      const target = await resolveServer(server)
      return { server: target.url, tinkerPath: model, snippets: useModelSnippets({ serverUrl: target.url, model, locale, tokenizer: tokenizer ?? (await snippetTokenizer(target, model)) }) }
    },
    tryChat: async ({ server, model, messages, maxTokens, temperature, seed }) =>
      core.tryChat(await resolveServer(server), { model, messages, maxTokens, temperature, seed }),

    opCancel: ({ opId }) => ({ cancelled: ops.cancel(opId) }),

    filePick: async ({ purpose }) => {
      if (!ctx.pickPath) throw new StudioError('invalid-input', 'This window has no file dialog of the app’s own: choose the file in the page, which uploads it.', {
        says: 'no-file-dialog',
      })
      const chosen = await ctx.pickPath(purpose)
      return chosen ? files.grantPath(chosen, purpose) : null
    },
    fileRelease: ({ handle }) => ({ released: files.release(handle) }),
    hubProbe: ({ endpoint }) => core.probeHub(endpoint, {}),

    datasetImport: ({ opId, source, endpoint, name, format, mapping }) =>
      ops.run(opId, (signal, onProgress) => {
        const opts = { name, format, mapping, signal, onProgress }
        if (source.kind === 'sample') return core.importSampleDataset({ signal, onProgress })
        if (source.kind === 'picked') return importPicked(source.handle, source.split, opts)
        return core.importDataset(source, { ...opts, endpoint })
      }),
    datasetList: () => core.listDatasets(),
    datasetPage: ({ name, split, offset, limit }) => core.pageConversations(name, split, offset, limit),
    datasetRejections: ({ name }) => core.rejections(name),
    datasetDelete: async ({ name }) => ({ deleted: await core.deleteDataset(name) }),

    tokenizerLoad: ({ opId, modelId, endpoint }) => ops.run(opId, (signal, onProgress) => core.loadTokenizer(modelId, { signal, onProgress, endpoint })),
    tokenizerUseFolder: ({ opId, modelId, ...picked }) =>
      ops.run(opId, async (signal, onProgress) => {
        const chosen = tokenizerDir(picked)
        try {
          return await core.useTokenizerFolder(modelId, chosen.dir, chosen.label, { signal, onProgress })
        } finally {
          chosen.cleanup()
        }
      }),
    tokenizerForgetFolder: async ({ modelId }) => ({ forgotten: await core.forgetTokenizerFolder(modelId) }),
    examplePreview: (input) => core.examplePreview(input),
    tokenStats: ({ opId, ...rest }) => ops.run(opId, (signal, onProgress) => core.tokenStats({ ...rest, signal, onProgress })),

    runStart: ({ config }) => core.startRun({ ...config, server: runServer(config.server) }, onRunEvent),
    runPause: ({ runId }) => core.pauseRun(runId),
    // A paused run that is still live in this process continues; anything else resumes from its checkpoint.
    runResume: async ({ runId, overrides }) =>
      (await core.isRunActive(runId)) && !overrides ? core.continueRun(runId) : core.resumeRun(runId, overrides, onRunEvent),
    runStop: ({ runId }) => core.stopRun(runId),
    runCancel: ({ runId }) => core.cancelRun(runId),
    runList: () => core.listRuns(),
    runGet: ({ runId }) => core.getRun(runId),
    runMetrics: ({ runId, sinceStep }) => core.runMetrics(runId, sinceStep),
    runRename: ({ runId, name }) => core.renameRun(runId, name),
    runResumeHistory: ({ runId }) => core.runResumeHistory(runId),
    runDelete: async ({ runId }) => ({ deleted: await core.deleteRun(runId) }),
    runCompare: (input) => core.compareRuns(input),
    runExport: ({ runId, kind, checkpoint }) => core.exportRun(runId, kind, checkpoint),
    checkpointUsage: ({ runId }) => core.checkpointUsage(runId),
    checkpointCleanup: ({ runId }) => core.checkpointCleanup(runId),
    compareGenerations: ({ runIds, checkpoint, ...req }) => core.compareGenerations(runIds, { target: checkpoint, ...req }),

    sweepStart: ({ config, ranks, learningRates, concurrency }) =>
      core.startSweep({ config: { ...config, server: runServer(config.server) }, ranks, learningRates, concurrency }, onRunEvent),
    sweepCancel: ({ sweepId }) => core.cancelSweep(sweepId),
    sweepList: () => core.listSweeps(),
    sweepGet: ({ sweepId }) => core.getSweep(sweepId),

    playgroundSample: ({ runId, ...req }) => core.sample(runId, req),
  }
}


export type Dispatch = (channel: string, rawInput: unknown) => Promise<Result<unknown>>

/** Validate → run → convert; the single entry point every transport uses. */
export function createDispatch(handlers: Handlers, ctx: Pick<AppContext, 'settings' | 'sandbox' | 'localServer' | 'log' | 'failureLine'>): Dispatch {
  const secrets = (): string[] => [...ctx.settings.secretValues(), ...ctx.sandbox.secretValues(), ...ctx.localServer.secretValues()]
  return async (channel, rawInput) => {
    const parsed = parseInput(channel as ChannelName, rawInput)
    if (!parsed.ok) return parsed
    try {
      const handler = handlers[channel as ChannelName] as (input: unknown) => unknown
      const value = await handler(parsed.value)
      // The one reply that is a secret on purpose (Copy next to the sandbox's masked key); every other secret is still scrubbed from it.
      const allow = channel === 'sandboxKeyCopy' ? ctx.sandbox.secretValues() : []
      return redact(ok(value), secrets().filter((s) => !allow.includes(s)), { allow })
    } catch (err) {
      const failure = redact(toFailure(err), secrets(), { patterns: true })
      ctx.log?.((ctx.failureLine ?? englishFailureLine)(channel, failure))
      return failure
    }
  }
}

