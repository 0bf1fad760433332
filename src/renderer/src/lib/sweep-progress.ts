/**
 * A whole sweep's progress from its cells: runs finished of all it will train, steps done of all steps, and
 * an ETA from the pace so far. Live steps (run events) are newer than the sweep's last reading and win.
 */
import type { SweepView } from '../../../shared/contract'

const FINISHED = new Set(['completed', 'failed', 'stopped', 'cancelled', 'interrupted'])

export type SweepProgress = {
  cellsFinished: number
  cellsTotal: number
  stepsDone: number
  /** null while no cell has said how many steps it trains (a sweep by epochs, before the first cell tokenized). */
  stepsTotal: number | null
  /** Seconds left at the pace since the sweep started; null before the first step or once it is done. */
  etaS: number | null
}

export function sweepProgress(
  sweep: Pick<SweepView, 'cells' | 'total' | 'stepsPerCell' | 'createdAt' | 'status'>,
  live: Record<string, { step: number; status: string | null } | undefined>,
  nowMs: number,
): SweepProgress {
  let cellsFinished = 0
  let stepsDone = 0
  for (const c of sweep.cells) {
    const l = live[c.runId]
    const status = l?.status ?? c.status
    if (FINISHED.has(status)) cellsFinished++
    // A cell that stopped early counts what it did; the rest of its steps will never come.
    stepsDone += Math.min(Math.max(c.step, l?.step ?? 0), c.totalSteps || sweep.stepsPerCell || Infinity)
  }
  const stepsTotal = sweep.stepsPerCell === null ? null : sweep.stepsPerCell * sweep.total
  const elapsedS = (nowMs - Date.parse(sweep.createdAt)) / 1000
  const left = stepsTotal === null ? null : stepsTotal - stepsDone
  const etaS = sweep.status !== 'done' && left !== null && left > 0 && stepsDone > 0 && elapsedS > 0 ? (left * elapsedS) / stepsDone : null
  return { cellsFinished, cellsTotal: sweep.total, stepsDone, stepsTotal, etaS }
}
