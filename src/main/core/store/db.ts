import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { DISK_NEARLY_FULL_BYTES, RECLAIM_PAGES_PER_STEP } from '../../../shared/defaults'
import { setDiskFullProbe } from '../../../shared/result'
import { MIGRATIONS, type Migration } from './migrations'
import { databasePath } from './paths'

export type Db = Database.Database

/** Folders of the databases this process opened: where a full disk shows up as SQLite errors. */
const dataFolders = new Set<string>()

const nearlyFull = (dir: string): boolean => {
  try {
    const s = fs.statfsSync(dir)
    return s.bavail * s.bsize < DISK_NEARLY_FULL_BYTES
  } catch {
    return false
  }
}

setDiskFullProbe(() => [...dataFolders].some(nearlyFull))

/**
 * Opens (creating if needed) the studio database with WAL and foreign keys, and applies pending
 * migrations in order. Each applied migration's hash is recorded, so editing a migration that already
 * ran is detected instead of silently diverging between machines.
 */
export function openDb(file: string = databasePath(), migrations: readonly Migration[] = MIGRATIONS): Db {
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    dataFolders.add(path.dirname(path.resolve(file)))
  }
  const db = new Database(file, sqliteBindingOptions())
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db, migrations)
  return db
}

/**
 * Inside Electron, `npm start` points TUFT_STUDIO_SQLITE_BINDING at a better-sqlite3 binary rebuilt for
 * Electron's ABI and kept apart from node_modules, so the Node build that tests, CLIs and the browser
 * bridge load is never replaced.
 */
function sqliteBindingOptions(): Database.Options {
  const binding = process.versions.electron ? process.env.TUFT_STUDIO_SQLITE_BINDING : undefined
  return binding ? { nativeBinding: binding } : {}
}

const hashOf = (sql: string): string => createHash('sha256').update(sql).digest('hex')

export function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    hash TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`)
  const applied = new Map<number, { name: string; hash: string }>(
    (db.prepare('SELECT id, name, hash FROM schema_migrations').all() as { id: number; name: string; hash: string }[]).map(
      (r) => [r.id, r],
    ),
  )
  const ids = new Set<number>()
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`Duplicate migration id ${m.id}`)
    ids.add(m.id)
  }
  const sorted = [...migrations].sort((a, b) => a.id - b.id)
  const record = db.prepare('INSERT INTO schema_migrations (id, name, hash, applied_at) VALUES (?, ?, ?, ?)')
  for (const m of sorted) {
    const hash = hashOf(m.sql)
    const done = applied.get(m.id)
    if (done) {
      if (done.hash !== hash)
        throw new Error(`Migration ${m.id} (${m.name}) was edited after it was applied; add a new migration instead`)
      continue
    }
    if (m.transaction === false) {
      db.exec(m.sql)
      record.run(m.id, m.name, hash, new Date().toISOString())
      continue
    }
    db.transaction(() => {
      db.exec(m.sql)
      record.run(m.id, m.name, hash, new Date().toISOString())
    })()
  }
}

/**
 * Returns the free pages of deleted rows to the file system (the store runs with auto_vacuum INCREMENTAL),
 * a few megabytes per step with the event loop free in between, and truncates the write-ahead log, so the
 * data folder's size drops as soon as data is deleted. Stops quietly if the store is closed meanwhile.
 */
export async function reclaimSpace(db: Db): Promise<void> {
  while (db.open && (db.pragma('freelist_count', { simple: true }) as number) > 0) {
    db.pragma(`incremental_vacuum(${RECLAIM_PAGES_PER_STEP})`)
    await new Promise((resolve) => setImmediate(resolve))
  }
  // Another connection reading at this moment keeps the log; it is truncated at a later checkpoint.
  if (db.open) db.pragma('wal_checkpoint(TRUNCATE)')
}
