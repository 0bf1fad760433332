/**
 * The engine behind the contract: the core modules (datasets/hub, tokenize, tuft, runs) and the sandbox,
 * each reached through its public index.ts, sharing one SQLite database in the app's data folder.
 */
import { startSandbox } from '../../sandbox'
import { StudioError } from '../../shared/result'
import { databasePath, openDb, sandboxDataDir, type Db } from '../core/store'
import type { CoreContext, SandboxHandle, StudioCore } from './core'
import { checkConnection, discoverServers } from './live/connection'
import { createDataAccess } from './live/data'
import { createRunAccess } from './live/runs'

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

export function createLiveCore(ctx: CoreContext): StudioCore {
  let db: Db | null = null
  // Opened on first use, so a "clear cache" that deleted the files simply starts a fresh database.
  const getDb = (): Db => (db ??= openDb(databasePath(ctx.dataDir)))
  const data = createDataAccess(getDb, ctx.hub)
  const runs = createRunAccess(getDb, ctx)

  return {
    discoverServers,
    checkConnection,
    async startSandbox(dataDir: string): Promise<SandboxHandle> {
      const sb = await startSandbox({ port: 0, host: '127.0.0.1', dataDir: sandboxDataDir(dataDir), ...sandboxTestOptions(ctx.env) })
      return { url: sb.url, apiKey: sb.apiKey, close: () => sb.close() }
    },
    ...data,
    ...runs,
    async close(): Promise<void> {
      await runs.close()
      db?.close()
      db = null
    },
  }
}
