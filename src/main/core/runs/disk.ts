/**
 * Disk used by runs' checkpoints, and the clean-up that keeps only what `keepCheckpoints: 'last-best'` keeps.
 * Sandbox runs are measured and cleaned in the sandbox's data folder (through the running sandbox's REST route
 * while it still lists the run, so its listing stays right); runs on a TuFT server are measured from its checkpoint
 * listing and cleaned with its REST delete call. TuFT (like the sandbox) forgets a training run's record once the
 * run is unloaded, which the runner does when it ends, so a finished remote run's checkpoints can only be deleted
 * while training (the runner prunes them as it goes) or in the server's checkpoint folder.
 */
import { checkpointBytesOnDisk, deleteCheckpointOnDisk, type CheckpointType } from '../../../sandbox'
import { CONNECT_TIMEOUT_MS } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import type { CheckpointUsage, CheckpointUsageRun, RunDetailDto } from '../../../shared/runs'
import { createTuftClient, parseCheckpointPath, type TuftClient } from '../tuft'
import { keptPaths } from './checkpoints'
import { isActiveHere, connectFor, type RunDeps } from './runner'
import { deleteCheckpointRows, getRunDetail, listRuns } from './store'

export type DiskDeps = RunDeps & {
  /** The sandbox's data folder (runs on the built-in sandbox keep their checkpoints there). */
  sandboxDir: string
  /** The sandbox serving that folder in this process, if one runs (never started just for this). */
  sandboxRunning?: () => { url: string; apiKey: string } | null
}

const typeOf = (folder: 'weights' | 'sampler_weights'): CheckpointType => (folder === 'weights' ? 'training' : 'sampler')

function deleteOnDisk(sandboxDir: string, tinkerPath: string): void {
  const ref = parseCheckpointPath(tinkerPath)
  deleteCheckpointOnDisk(sandboxDir, ref.trainingRunId, typeOf(ref.folder), ref.name)
}

/** One run's checkpoints with their sizes and what a clean-up keeps. */
async function usageOf(deps: DiskDeps, run: RunDetailDto, clients: Map<string, Promise<TuftClient | null>>): Promise<CheckpointUsageRun> {
  const keep = keptPaths(run.checkpoints, run.judgement.best?.step ?? null)
  const sizes = new Map<string, number | null>()
  const where = run.config.server.kind === 'sandbox' ? 'sandbox' : 'server'
  if (where === 'sandbox') {
    for (const c of run.checkpoints) {
      const ref = parseCheckpointPath(c.path)
      sizes.set(c.path, checkpointBytesOnDisk(deps.sandboxDir, ref.trainingRunId, typeOf(ref.folder), ref.name))
    }
  } else {
    const client = await clientFor(deps, run, clients)
    const modelIds = [...new Set(run.checkpoints.map((c) => c.modelId))]
    for (const id of modelIds) {
      try {
        const listed = client ? await client.listCheckpoints(id) : null
        for (const c of listed?.checkpoints ?? []) sizes.set(c.tinker_path, c.size_bytes ?? null)
      } catch {
        // The server is gone or forgot the run: sizes stay unknown.
      }
    }
  }
  const checkpoints = run.checkpoints.map((c) => ({
    path: c.path,
    kind: c.kind,
    step: c.step,
    bytes: sizes.get(c.path) ?? null,
    best: c.best === true,
    keep: keep.has(c.path),
  }))
  const sum = (xs: typeof checkpoints): number | null => (xs.some((x) => x.bytes === null) ? null : xs.reduce((n, x) => n + (x.bytes ?? 0), 0))
  const extra = checkpoints.filter((c) => !c.keep)
  return { runId: run.id, runName: run.name, where, bytes: sum(checkpoints), checkpoints, reclaimableBytes: sum(extra), reclaimable: extra.length }
}

/** One client per server for a whole usage or clean-up pass; null when the server cannot be reached. */
function clientFor(deps: DiskDeps, run: RunDetailDto, clients: Map<string, Promise<TuftClient | null>>): Promise<TuftClient | null> {
  const key = run.config.server.kind === 'sandbox' ? 'sandbox' : (run.serverUrl ?? run.config.server.url ?? '')
  let c = clients.get(key)
  if (!c) {
    c =
      run.config.server.kind === 'sandbox'
        ? Promise.resolve(deps.sandboxRunning?.() ?? null).then((sb) => (sb ? createTuftClient({ url: sb.url, apiKey: sb.apiKey, env: {} }) : null))
        : // Sizes are a courtesy: an unreachable server answers "unknown" at once rather than after a minute of retries.
          connectFor({ ...deps, clientOptions: { retry: { maxAttempts: 1 }, requestTimeoutMs: CONNECT_TIMEOUT_MS } }, { kind: 'remote', ...(run.serverUrl ? { url: run.serverUrl } : {}) }).catch(() => null)
    clients.set(key, c)
  }
  return c
}

const closeAll = async (clients: Map<string, Promise<TuftClient | null>>): Promise<void> => {
  for (const c of clients.values()) (await c)?.close()
}

const runsOf = (deps: DiskDeps, runIds?: string[]): RunDetailDto[] =>
  (runIds ?? listRuns(deps.db).map((r) => r.id)).map((id) => getRunDetail(deps.db, id)).filter((r) => r.checkpoints.length > 0)

function totals(runs: CheckpointUsageRun[]): CheckpointUsage {
  return {
    runs,
    totalBytes: runs.reduce((n, r) => n + (r.bytes ?? 0), 0),
    reclaimableBytes: runs.reduce((n, r) => n + (r.reclaimableBytes ?? 0), 0),
    unknown: runs.filter((r) => r.bytes === null).length,
  }
}

/** Disk used by the checkpoints of these runs (every run when absent). */
export async function checkpointUsage(deps: DiskDeps, runIds?: string[]): Promise<CheckpointUsage> {
  const clients = new Map<string, Promise<TuftClient | null>>()
  try {
    const out: CheckpointUsageRun[] = []
    for (const run of runsOf(deps, runIds)) out.push(await usageOf(deps, run, clients))
    return totals(out)
  } finally {
    await closeAll(clients)
  }
}

/**
 * Deletes every checkpoint a run does not need (all but the last state checkpoint and the best and final sampler
 * weights) for these runs, or every run not training in this process. Returns the usage afterwards and what went.
 */
export async function cleanupCheckpoints(deps: DiskDeps, runIds?: string[]): Promise<CheckpointUsage & { deleted: number; failed: number }> {
  if (runIds?.some((id) => isActiveHere(id))) throw new StudioError('invalid-input', 'Wait for the run to finish (or stop it) before cleaning up its checkpoints.', { says: 'run-active-cleanup' })
  const clients = new Map<string, Promise<TuftClient | null>>()
  let deleted = 0
  let failed = 0
  try {
    for (const run of runsOf(deps, runIds).filter((r) => !isActiveHere(r.id))) {
      const keep = keptPaths(run.checkpoints, run.judgement.best?.step ?? null)
      const extra = run.checkpoints.filter((c) => !keep.has(c.path))
      if (!extra.length) continue
      const client = await clientFor(deps, run, clients)
      const onSandbox = run.config.server.kind === 'sandbox'
      for (const c of extra) {
        try {
          if (client) {
            try {
              await client.deleteCheckpoint(c.path)
            } catch (err) {
              // The sandbox no longer lists an unloaded run: its files are still in the data folder.
              if (!(onSandbox && err instanceof StudioError && (err.code === 'not-found' || err.code === 'unknown-model'))) throw err
              deleteOnDisk(deps.sandboxDir, c.path)
            }
          } else if (onSandbox) deleteOnDisk(deps.sandboxDir, c.path)
          else throw new StudioError('server-unreachable', `Cannot reach the server of run "${run.name}".`, { says: 'run-server-unreachable', name: run.name })
          deleteCheckpointRows(deps.db, run.id, [c.path])
          deleted++
        } catch {
          // Kept with the run (and counted): a later clean-up can try again.
          failed++
        }
      }
    }
  } finally {
    await closeAll(clients)
  }
  return { ...(await checkpointUsage(deps, runIds)), deleted, failed }
}
