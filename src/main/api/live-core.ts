/**
 * The engine behind the contract: the core modules (datasets/hub, tokenize, tuft, runs) and the sandbox,
 * each reached through its public index.ts, sharing one SQLite database in the app's data folder.
 */
import { StudioError } from '../../shared/result'
import { databasePath, openDb, sandboxDataDir, type Db } from '../core/store'
import type { CoreContext, SandboxHandle, StudioCore } from './core'
import type { createRunAccess } from './live/runs'

/**
 * For end-to-end tests and demos of the hints: TUFT_STUDIO_SANDBOX_KEY fixes the sandbox's key (so a test
 * can reach its POST /_sandbox/faults control), TUFT_STUDIO_SANDBOX_FAULTS sets initial faults as JSON,
 * e.g. {"oomTokenBudget":2000} or {"latencyMs":50}.
 */
function sandboxTestOptions(env: NodeJS.ProcessEnv): { apiKeys?: string[]; faults?: Record<string, number | null> } {
  const key = env.TUFT_STUDIO_SANDBOX_KEY?.trim()
  const faults = env.TUFT_STUDIO_SANDBOX_FAULTS?.trim()
  let parsed: Record<string, number | null> | undefined
  if (faults) {
    try {
      parsed = JSON.parse(faults) as Record<string, number | null>
    } catch {
      throw new StudioError('invalid-input', `TUFT_STUDIO_SANDBOX_FAULTS is not valid JSON: ${faults}`)
    }
  }
  return { ...(key ? { apiKeys: [key] } : {}), ...(parsed ? { faults: parsed } : {}) }
}

/** Runs `load` once, on first use; `reset` makes the next use load afresh. */
const once = <T>(load: () => Promise<T>): (() => Promise<T>) & { reset(): void } => {
  let p: Promise<T> | null = null
  return Object.assign(() => (p ??= load()), { reset: () => (p = null) })
}

export function createLiveCore(ctx: CoreContext): StudioCore {
  let db: Db | null = null
  // Opened on first use, so a "clear cache" that deleted the files simply starts a fresh database.
  const getDb = (): Db => (db ??= openDb(databasePath(ctx.dataDir)))
  // Engine areas load on first use: the first screen (settings, discovery) appears without waiting for
  // the parquet, hub, tokenizer and training code.
  const conn = once(() => import('./live/connection'))
  const data = once(async () => (await import('./live/data')).createDataAccess(getDb, ctx.hub, ctx.env))
  const server = once(async () => (await import('./live/server')).createServerAccess(getDb, ctx))
  let runsLoaded: Awaited<ReturnType<typeof createRunAccess>> | null = null
  const runs = once(async () => (runsLoaded = (await import('./live/runs')).createRunAccess(getDb, ctx)))

  return {
    discoverServers: async (env) => (await conn()).discoverServers(env),
    checkConnection: async (server, env) => (await conn()).checkConnection(server, env),
    async startSandbox(dataDir: string, port = 0): Promise<SandboxHandle> {
      const { startSandbox, checkpointFolder, SANDBOX_MODEL, SANDBOX_TOKENIZER_ID } = await import('../../sandbox')
      const sb = await startSandbox({ port, host: '127.0.0.1', dataDir: sandboxDataDir(dataDir), ...sandboxTestOptions(ctx.env) }).catch((err: unknown) => {
        const code = (err as NodeJS.ErrnoException | null)?.code
        if (port > 0 && (code === 'EADDRINUSE' || code === 'EACCES'))
          throw new StudioError('sandbox-port-taken', `The local sandbox cannot listen on 127.0.0.1:${port}: ${code === 'EACCES' ? 'permission denied' : 'another program uses that port'}.`, { port, privileged: code === 'EACCES' })
        throw err
      })
      return {
        url: sb.url,
        apiKey: sb.apiKey,
        tokenizers: { [SANDBOX_MODEL]: SANDBOX_TOKENIZER_ID },
        checkpointFolder: (runId, type, name) => checkpointFolder(sb.dataDir, runId, type, name),
        close: () => sb.close(),
      }
    },

    importDataset: async (source, opts) => (await data()).importDataset(source, opts),
    importSampleDataset: async (opts) => (await data()).importSampleDataset(opts),
    probeHub: async (endpoint, opts) => (await data()).probeHub(endpoint, opts),
    listDatasets: async () => (await data()).listDatasets(),
    pageConversations: async (name, split, offset, limit) => (await data()).pageConversations(name, split, offset, limit),
    rejections: async (name) => (await data()).rejections(name),
    deleteDataset: async (name) => (await data()).deleteDataset(name),
    loadTokenizer: async (modelId, opts) => (await data()).loadTokenizer(modelId, opts),
    useTokenizerFolder: async (modelId, dir, label, opts) => (await data()).useTokenizerFolder(modelId, dir, label, opts),
    forgetTokenizerFolder: async (modelId) => (await data()).forgetTokenizerFolder(modelId),
    examplePreview: async (req) => (await data()).examplePreview(req),
    tokenStats: async (req) => (await data()).tokenStats(req),

    startRun: async (config, onEvent) => (await runs()).startRun(config, onEvent),
    resumeRun: async (runId, overrides, onEvent) => (await runs()).resumeRun(runId, overrides, onEvent),
    pauseRun: async (runId) => (await runs()).pauseRun(runId),
    continueRun: async (runId) => (await runs()).continueRun(runId),
    stopRun: async (runId) => (await runs()).stopRun(runId),
    cancelRun: async (runId) => (await runs()).cancelRun(runId),
    isRunActive: async (runId) => (await runs()).isRunActive(runId),
    listRuns: async () => (await runs()).listRuns(),
    getRun: async (runId) => (await runs()).getRun(runId),
    runMetrics: async (runId, sinceStep) => (await runs()).runMetrics(runId, sinceStep),
    renameRun: async (runId, name) => (await runs()).renameRun(runId, name),
    runResumeHistory: async (runId) => (await runs()).runResumeHistory(runId),
    deleteRun: async (runId) => (await runs()).deleteRun(runId),
    compareRuns: async (sel) => (await runs()).compareRuns(sel),
    exportRun: async (runId, kind, target) => (await runs()).exportRun(runId, kind, target),
    checkpointUsage: async (runId) => (await runs()).checkpointUsage(runId),
    checkpointCleanup: async (runId) => (await runs()).checkpointCleanup(runId),
    compareGenerations: async (runIds, req) => (await runs()).compareGenerations(runIds, req),
    startSweep: async (req, onEvent) => (await runs()).startSweep(req, onEvent),
    cancelSweep: async (sweepId) => (await runs()).cancelSweep(sweepId),
    listSweeps: async () => (await runs()).listSweeps(),
    getSweep: async (sweepId) => (await runs()).getSweep(sweepId),
    sample: async (runId, req) => (await runs()).sample(runId, req),

    browseServerRuns: async (target, opts) => (await server()).browseServerRuns(target, opts),
    browseServerRun: async (target, id) => (await server()).browseServerRun(target, id),
    serverRunBaseModel: async (target, id) => (await server()).serverRunBaseModel(target, id),
    deleteServerCheckpoint: async (target, p) => (await server()).deleteServerCheckpoint(target, p),
    setServerCheckpointPublic: async (target, p, isPublic) => (await server()).setServerCheckpointPublic(target, p, isPublic),
    downloadServerCheckpoint: async (target, p, opts) => (await server()).downloadServerCheckpoint(target, p, opts),
    tryChat: async (target, req) => (await server()).tryChat(target, req),

    async close(): Promise<void> {
      await runsLoaded?.close()
      db?.close()
      db = null
      // Cached tokenizers and run handles refer to the closed database (and, after "clear cache", to
      // deleted files): the next call starts from scratch.
      runsLoaded = null
      data.reset()
      runs.reset()
      server.reset()
    },
  }
}
