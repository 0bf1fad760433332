import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../src/main/core/store'
import { openDb } from '../src/main/core/store'
import { importDataset, type ImportReport } from '../src/main/core/datasets'
import { NO_ROBOTS_JSONL } from '../tests/helpers/fixtures'

/**
 * Runs `fn` with TUFT_STUDIO_HOME pointing at a fresh folder (modules that resolve the data folder themselves
 * read it from the environment), then restores the variable and deletes the folder.
 */
export async function withScratchHome<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const prevHome = process.env.TUFT_STUDIO_HOME
  process.env.TUFT_STUDIO_HOME = dir
  try {
    return await fn(dir)
  } finally {
    if (prevHome === undefined) delete process.env.TUFT_STUDIO_HOME
    else process.env.TUFT_STUDIO_HOME = prevHome
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * The issues' 10k workload: the 500 no_robots fixture conversations repeated to `n` rows, written as one JSON
 * Lines file in `dir` and imported as dataset `name` into a fresh store there (timed: the cold import).
 */
export async function importRepeatedNoRobots(
  dir: string,
  n: number,
  name: string,
): Promise<{ db: Db; dbFile: string; file: string; report: ImportReport; importS: number }> {
  const lines = fs
    .readFileSync(NO_ROBOTS_JSONL, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
  const file = path.join(dir, `no_robots_x${Math.round(n / lines.length)}.jsonl`)
  fs.writeFileSync(file, Array.from({ length: n }, (_, i) => lines[i % lines.length]).join('\n') + '\n')
  const dbFile = path.join(dir, 'studio.sqlite')
  const db = openDb(dbFile)
  const t = performance.now()
  const report = await importDataset(db, { kind: 'file', path: file }, { name })
  return { db, dbFile, file, report, importS: (performance.now() - t) / 1000 }
}
