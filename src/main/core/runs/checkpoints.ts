/**
 * Which of a run's checkpoints stay on the server. A sandbox state checkpoint holds the adapter and Adam's two
 * moments (~60 MB at rank 32), so saving every 20 steps fills a disk quickly; with `keepCheckpoints: 'last-best'`
 * (the default) only these stay: the newest state checkpoint (what a resume loads), the newest one whose
 * weights a later step has already checked for divergence (what a resume after a diverging loss loads), the
 * newest final sampler weights and the sampler weights at the best test NLL.
 */
import type { RunCheckpoint } from '../../../shared/runs'

/** Best-checkpoint sampler weights are named `best-<step>`, final ones `sampler-<step>`. */
export const BEST_PREFIX = 'best-'
export const bestName = (step: number): string => `${BEST_PREFIX}${String(step).padStart(6, '0')}`

/** The sampler weights at `bestStep`: the `best-` ones, else a final save at that step. */
export function bestSampler(checkpoints: readonly RunCheckpoint[], bestStep: number | null): RunCheckpoint | null {
  if (bestStep === null || bestStep === 0) return null
  const at = checkpoints.filter((c) => c.kind === 'sampler' && c.step === bestStep)
  return at.find((c) => c.name.startsWith(BEST_PREFIX)) ?? at[0] ?? null
}

/** The newest sampler weights saved at the end of a run (or at a stop), not a best-so-far save. */
export const finalSampler = (checkpoints: readonly RunCheckpoint[]): RunCheckpoint | null =>
  checkpoints.filter((c) => c.kind === 'sampler' && !c.name.startsWith(BEST_PREFIX)).sort((a, b) => a.step - b.step).at(-1) ?? null

/**
 * The paths kept under 'last-best'. `checkedThrough`: the last step whose train NLL passed the divergence check;
 * a state saved at step S is known good once step S+1 passed (its NLL is computed from the weights after S).
 */
export function keptPaths(checkpoints: readonly RunCheckpoint[], bestStep: number | null, checkedThrough = Number.POSITIVE_INFINITY): Set<string> {
  const keep = new Set<string>()
  const states = checkpoints.filter((c) => c.kind === 'state').sort((a, b) => a.step - b.step)
  const newest = states.at(-1)
  if (newest) keep.add(newest.path)
  const checked = states.filter((c) => c.step < checkedThrough).at(-1)
  if (checked) keep.add(checked.path)
  const fin = finalSampler(checkpoints)
  if (fin) keep.add(fin.path)
  const best = bestSampler(checkpoints, bestStep)
  if (best) keep.add(best.path)
  return keep
}
