import type { Migration } from './index'

/**
 * Lets deletions give space back: with auto_vacuum INCREMENTAL, `PRAGMA incremental_vacuum` returns
 * free pages to the file system (a deleted dataset of a million rows would otherwise keep its gigabytes
 * inside the file for good). An existing store switches mode only through one VACUUM, which rewrites the
 * file once (about a second per 200 MB) and cannot run inside a transaction; both statements are
 * idempotent, so a run cut short is simply repeated at the next start.
 */
export const migration005IncrementalVacuum: Migration = {
  id: 5,
  name: 'incremental-vacuum',
  transaction: false,
  sql: `PRAGMA auto_vacuum = INCREMENTAL; VACUUM;`,
}
