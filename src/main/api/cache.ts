import fs from 'node:fs'
import path from 'node:path'
import type { CacheInfo } from '../../shared/contract'
import { blobDir, databasePath, downloadsDir, sandboxDataDir } from '../core/store'

function sizeOf(p: string): number {
  let st: fs.Stats
  try {
    st = fs.lstatSync(p)
  } catch {
    return 0
  }
  if (!st.isDirectory()) return st.size
  let total = 0
  for (const entry of fs.readdirSync(p)) total += sizeOf(path.join(p, entry))
  return total
}

const parts = (home: string): CacheInfo['parts'] => {
  const db = databasePath(home)
  return [
    // WAL and shared-memory files belong to the database's footprint.
    { name: 'database', path: db, bytes: sizeOf(db) + sizeOf(`${db}-wal`) + sizeOf(`${db}-shm`) },
    { name: 'downloads', path: downloadsDir(home), bytes: sizeOf(downloadsDir(home)) },
    { name: 'blobs', path: blobDir(home), bytes: sizeOf(blobDir(home)) },
    { name: 'sandbox', path: sandboxDataDir(home), bytes: sizeOf(sandboxDataDir(home)) },
  ]
}

export function cacheInfo(home: string): CacheInfo {
  const p = parts(home)
  return { location: home, totalBytes: p.reduce((s, x) => s + x.bytes, 0), parts: p }
}

/**
 * 'downloads' drops partial and finished download files (imports already live in the database);
 * 'all' also deletes the database (datasets, tokenizers, runs) and sandbox checkpoints. Settings and the
 * stored API key are kept. `closeDb` must release the database before its files go.
 */
export async function clearCache(home: string, what: 'downloads' | 'all', closeDb: () => Promise<void>): Promise<CacheInfo> {
  fs.rmSync(downloadsDir(home), { recursive: true, force: true })
  if (what === 'all') {
    await closeDb()
    const db = databasePath(home)
    for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true })
    fs.rmSync(blobDir(home), { recursive: true, force: true })
    fs.rmSync(sandboxDataDir(home), { recursive: true, force: true })
  }
  return cacheInfo(home)
}
