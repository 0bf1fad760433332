/**
 * Run names are unique, so a run can always be told apart from another in lists, legends and export file names
 * (a run resumed with a new rank, or the same settings trained twice, would otherwise share one name).
 */
import type { Db } from '../store'
import { StudioError } from '../../../shared/result'

const taken = (db: Db, name: string, exceptId?: string): boolean =>
  db.prepare('SELECT 1 FROM runs WHERE name = ? AND id IS NOT ?').get(name, exceptId ?? null) !== undefined

/** `name`, or `name (2)`, `name (3)` … — the first one no run has. */
export function uniqueRunName(db: Db, name: string): string {
  const base = name.trim()
  if (!taken(db, base)) return base
  for (let i = 2; ; i++) {
    const candidate = `${base} (${i})`
    if (!taken(db, candidate)) return candidate
  }
}

/** A rename the user typed is not changed behind their back: a taken name is refused with its own code. */
export function assertRunNameFree(db: Db, name: string, runId: string): void {
  if (taken(db, name.trim(), runId)) throw new StudioError('run-name-taken', `Another run is already called "${name.trim()}".`, { name: name.trim() })
}
