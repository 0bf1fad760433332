import type { Db } from '../store'
import { StudioError } from '../../../shared/result'
import type { RunCompareDto } from '../../../shared/runs'
import { activeRun, flushUnrecordedStatuses, isActiveHere } from './runner'
import { deleteRunRow, getMetricsDto, getRunSummary, listRuns, markInterruptedRuns } from './store'
import { getSweep } from './sweep'

/**
 * Called once when the app or a CLI starts: runs left "running"/"paused" by a process that is gone are
 * marked interrupted (their curves stay; they can be resumed from their last checkpoint).
 */
export const recoverInterruptedRuns = (db: Db): string[] => {
  // A status this process could not store yet (a full disk) says more than "interrupted" does.
  flushUnrecordedStatuses()
  return markInterruptedRuns(db, isActiveHere)
}

/** Deletes a run and its metrics/evals/checkpoint records (server-side checkpoints are left alone). */
export function deleteRun(db: Db, runId: string): boolean {
  if (isActiveHere(runId)) throw new StudioError('invalid-input', 'Stop or cancel this run before deleting it.', { says: 'run-active-delete' })
  getRunSummary(db, runId)
  return deleteRunRow(db, runId)
}

/** Curves of several runs (or a whole sweep) for one chart, with the sweep's recommendation if any. */
export function compareRuns(db: Db, sel: { runIds: string[] } | { sweepId: string }): RunCompareDto {
  if ('sweepId' in sel) {
    const sweep = getSweep(db, sel.sweepId)
    return {
      runs: listRuns(db, { sweepId: sel.sweepId }).map((run) => ({ run, metrics: getMetricsDto(db, run.id) })),
      recommendedRunId: sweep.recommendation?.runId ?? null,
    }
  }
  return {
    runs: sel.runIds.map((id) => ({ run: getRunSummary(db, id), metrics: getMetricsDto(db, id) })),
    recommendedRunId: null,
  }
}

const control = (runId: string, f: (h: NonNullable<ReturnType<typeof activeRun>>) => void): boolean => {
  const h = activeRun(runId)
  if (!h) return false
  f(h)
  return true
}

/** Controls for a run executing in this process; false when it is not running here. */
export const pauseRun = (runId: string): boolean => control(runId, (h) => h.pause())
export const continueRun = (runId: string): boolean => control(runId, (h) => h.resume())
export const stopRun = (runId: string): boolean => control(runId, (h) => h.stop())
export const cancelRun = (runId: string): boolean => control(runId, (h) => h.cancel())
