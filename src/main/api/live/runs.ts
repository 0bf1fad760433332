import type { ChatMessageView, PlaygroundResult, RunEventView, RunSummary, SweepView } from '../../../shared/contract'
import { StudioError } from '../../../shared/result'
import type { CheckpointTarget, ResumeOverrides, RunConfigInput } from '../../../shared/runs'
import {
  activeRun,
  cancelRun,
  checkpointUsage,
  cleanupCheckpoints,
  compareGenerations,
  compareRuns,
  continueRun,
  deleteRun,
  exportRun,
  getRun,
  getRunMetrics,
  getResumeHistory,
  getRunSummary,
  getSweep,
  listRuns,
  listSweeps,
  pauseRun,
  recoverInterruptedRuns,
  renameRun,
  resumeRun,
  sampleCompare,
  startRun,
  startSweep,
  stopRun,
  runRowFacts,
  type RunDeps,
} from '../../core/runs'
import { sandboxDataDir, type Db } from '../../core/store'
import type { CoreContext } from '../core'

/**
 * Runs, sweeps and sampling over the run engine. Each call builds the engine's deps afresh so a key
 * changed in Settings applies to the next call; the key is passed per call and never stored with a run.
 */
/** How long quitting waits for live runs to save their state. */
const SHUTDOWN_GRACE_MS = 15_000

export function createRunAccess(db: () => Db, ctx: CoreContext) {
  // The key goes with the server the run talks to (the local TuFT server has its own).
  const deps = (serverUrl?: string | null): RunDeps => ({ db: db(), sandbox: ctx.sandbox, apiKey: ctx.apiKey(serverUrl ?? undefined), env: ctx.env })
  // Checkpoints of sandbox runs live in the sandbox's data folder; a running sandbox deletes them itself.
  const diskDeps = (runId?: string) => ({ ...deps(runId ? runUrl(runId) : undefined), sandboxDir: sandboxDataDir(ctx.dataDir), sandboxRunning: ctx.sandboxRunning })
  const urlOf = (config: RunConfigInput): string | undefined => (config.server?.kind === 'remote' ? config.server.url : undefined)
  const runUrl = (runId: string): string | null => runRowFacts(db(), runId).serverUrl
  let recovered = false
  // Runs left "running" by a previous process that died are marked interrupted (and resumable) once.
  const fresh = (): Db => {
    if (!recovered) {
      recovered = true
      recoverInterruptedRuns(db())
    }
    return db()
  }
  const sweeps = new Map<string, { cancel(): void }>()

  const control = (runId: string, act: (id: string) => boolean, what: string): RunSummary => {
    if (!act(runId)) {
      const s = getRunSummary(fresh(), runId)
      throw new StudioError('invalid-input', `Run "${s.name}" is ${s.status}, so it cannot be ${what} now.`, { status: s.status, name: s.name, action: what })
    }
    return getRunSummary(db(), runId)
  }

  return {
    async startRun(config: RunConfigInput, onEvent: (e: RunEventView) => void): Promise<RunSummary> {
      const h = startRun(deps(urlOf(config)), config, { onEvent })
      void h.done.catch(() => {})
      return getRunSummary(db(), h.runId)
    },
    async resumeRun(runId: string, overrides: ResumeOverrides | undefined, onEvent: (e: RunEventView) => void): Promise<RunSummary> {
      fresh()
      const h = resumeRun(deps(runUrl(runId)), runId, { overrides, onEvent })
      void h.done.catch(() => {})
      return getRunSummary(db(), h.runId)
    },
    pauseRun: (runId: string) => control(runId, pauseRun, 'paused'),
    continueRun: (runId: string) => control(runId, continueRun, 'continued'),
    stopRun: (runId: string) => control(runId, stopRun, 'stopped'),
    cancelRun: (runId: string) => control(runId, cancelRun, 'cancelled'),
    isRunActive: (runId: string) => activeRun(runId) !== undefined,
    listRuns: () => listRuns(fresh()),
    getRun: (runId: string) => getRun(fresh(), runId),
    runMetrics: (runId: string, sinceStep?: number) => getRunMetrics(db(), runId, sinceStep),
    renameRun: (runId: string, name: string) => renameRun(db(), runId, name),
    runResumeHistory: (runId: string) => getResumeHistory(fresh(), runId),
    deleteRun: (runId: string) => deleteRun(db(), runId),
    compareRuns: (sel: { runIds: string[] } | { sweepId: string }) => compareRuns(fresh(), sel),
    exportRun: (runId: string, kind: 'csv' | 'config' | 'python' | 'datums', target?: CheckpointTarget) => exportRun(db(), runId, kind, target),
    checkpointUsage: (runId?: string) => checkpointUsage(diskDeps(runId), runId ? [runId] : undefined),
    checkpointCleanup: (runId?: string) => cleanupCheckpoints(diskDeps(runId), runId ? [runId] : undefined),
    compareGenerations: (runIds: string[], req: { target: CheckpointTarget; prompts: number; maxTokens?: number; temperature?: number; seed?: number }) =>
      compareGenerations(deps(runUrl(runIds[0])), runIds, req),

    async startSweep(
      req: { config: RunConfigInput; ranks: number[]; learningRates: number[]; concurrency?: number },
      onEvent: (e: RunEventView) => void,
    ): Promise<SweepView> {
      const h = startSweep(deps(urlOf(req.config)), req, { onEvent })
      sweeps.set(h.sweepId, h)
      void h.done.catch(() => {}).finally(() => sweeps.delete(h.sweepId))
      return getSweep(db(), h.sweepId)
    },
    cancelSweep(sweepId: string): SweepView {
      const s = sweeps.get(sweepId)
      if (!s) throw new StudioError('invalid-input', 'This sweep is not running in this window.', { sweepId, says: 'sweep-not-here' })
      s.cancel()
      return getSweep(db(), sweepId)
    },
    listSweeps: () => listSweeps(fresh()),
    getSweep: (sweepId: string) => getSweep(fresh(), sweepId),

    sample: (runId: string, req: { messages: ChatMessageView[]; maxTokens?: number; temperature?: number; seed?: number; checkpoint?: string }): Promise<PlaygroundResult> =>
      sampleCompare(deps(runUrl(runId)), runId, req),

    /**
     * On quit, live runs stop and save (resumable as "stopped"); if saving outlasts the grace period the
     * process exits anyway and the next launch marks them interrupted, resumable from the last checkpoint.
     */
    async close(): Promise<void> {
      for (const s of sweeps.values()) s.cancel()
      const live = listRuns(db())
        .map((r) => activeRun(r.id))
        .filter((h) => h !== undefined)
      for (const h of live) h.stop()
      await Promise.race([Promise.allSettled(live.map((h) => h.done)), new Promise((r) => setTimeout(r, SHUTDOWN_GRACE_MS).unref())])
    },
  }
}
