import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { IMPORT_BATCH_ROWS, PURGE_BATCH_ROWS } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import { CHAT_PARQUET_SCHEMA } from '../../../../tests/helpers/hub-mirror'
import { openDb, type Db } from '../store'
import { deleteDataset, getDataset, importDataset, listDatasets, loadConversations } from '.'

let dir: string
let db: Db
const prevHome = process.env.TUFT_STUDIO_HOME

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datasets-streaming-'))
  process.env.TUFT_STUDIO_HOME = dir
  db = openDb(path.join(dir, 'studio.sqlite'))
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
  if (prevHome === undefined) delete process.env.TUFT_STUDIO_HOME
  else process.env.TUFT_STUDIO_HOME = prevHome
})

const conv = (i: number) => ({ messages: [{ role: 'user', content: `question ${i} ${'q'.repeat(i % 50)}` }, { role: 'assistant', content: `answer ${i}` }] })
const writeRows = (name: string, n: number, from = 0): string => {
  const p = path.join(dir, name)
  fs.writeFileSync(p, Array.from({ length: n }, (_, i) => JSON.stringify(conv(from + i))).join('\n') + '\n')
  return p
}
const rowsInStore = (): number => (db.prepare('SELECT COUNT(*) AS n FROM dataset_rows').get() as { n: number }).n
const stagingRows = (): number => (db.prepare('SELECT COUNT(*) AS n FROM datasets WHERE staging_owner IS NOT NULL').get() as { n: number }).n
const storedHash = (name: string): string[] => (getDataset(db, name)?.splits ?? []).map((s) => `${s.split}:${s.rows}:${s.contentHash}`)

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    return err
  }
  throw new Error('expected a failure')
}

describe('streaming import', () => {
  it('writes rows to the store in batches while reading, invisible until the import completes', async () => {
    const n = 4 * IMPORT_BATCH_ROWS + 17
    const file = writeRows('many.jsonl', n)
    const seen: { stored: number; visible: number }[] = []
    const r = await importDataset(db, { kind: 'file', path: file }, {
      onProgress: (p) => {
        if (p.phase === 'parsing' && p.current > 2 * IMPORT_BATCH_ROWS) seen.push({ stored: rowsInStore(), visible: listDatasets(db).length })
      },
    })
    expect(r.splits[0].rows).toBe(n)
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.some((s) => s.stored >= IMPORT_BATCH_ROWS && s.stored < n)).toBe(true)
    expect(seen.every((s) => s.visible === 0)).toBe(true)
    expect(loadConversations(db, 'many', 'train')).toEqual(Array.from({ length: n }, (_, i) => conv(i)))
    expect(stagingRows()).toBe(0)
  })

  it('streams a JSON array and parquet row groups into the same rows as JSON Lines', async () => {
    const n = 3 * IMPORT_BATCH_ROWS
    const rows = Array.from({ length: n }, (_, i) => conv(i))
    fs.writeFileSync(path.join(dir, 'arr.json'), JSON.stringify(rows, null, 1))
    const pq = parquetWriteBuffer({
      schema: CHAT_PARQUET_SCHEMA,
      rowGroupSize: 700,
      columnData: [
        { name: 'prompt', data: rows.map((r) => r.messages[0].content) },
        { name: 'prompt_id', data: rows.map((_, i) => String(i)) },
        { name: 'messages', data: rows.map((r) => r.messages) },
      ],
    })
    fs.writeFileSync(path.join(dir, 'rows.parquet'), Buffer.from(pq))
    await importDataset(db, { kind: 'file', path: path.join(dir, 'arr.json') }, {})
    await importDataset(db, { kind: 'file', path: path.join(dir, 'rows.parquet') }, {})
    expect(loadConversations(db, 'arr', 'train')).toEqual(rows)
    expect(loadConversations(db, 'rows', 'train')).toEqual(rows)
    expect(getDataset(db, 'arr')?.splits[0].contentHash).toBe(getDataset(db, 'rows')?.splits[0].contentHash)
  })

  it('leaves nothing behind when cancelled half-way, and the previous copy of the dataset untouched', async () => {
    const file = writeRows('data.jsonl', 500)
    await importDataset(db, { kind: 'file', path: file }, {})
    const before = storedHash('data')
    writeRows('data.jsonl', 6 * IMPORT_BATCH_ROWS, 1000)
    const ac = new AbortController()
    const err = await failure(
      importDataset(db, { kind: 'file', path: file }, {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.phase === 'parsing' && p.current > 3 * IMPORT_BATCH_ROWS && rowsInStore() > 500) ac.abort()
        },
      }),
    )
    expect(err).toMatchObject({ code: 'cancelled' })
    expect(storedHash('data')).toEqual(before)
    expect(rowsInStore()).toBe(500)
    expect(stagingRows()).toBe(0)
    expect(loadConversations(db, 'data', 'train')).toHaveLength(500)
  })

  it('lets a full disk fail the import with the storage error itself, keeping nothing of it', async () => {
    await importDataset(db, { kind: 'file', path: writeRows('keep.jsonl', 100) }, {})
    const before = storedHash('keep')
    // A store that cannot grow behaves as a full disk does (SQLITE_FULL).
    const pages = db.pragma('page_count', { simple: true }) as number
    db.pragma(`max_page_count = ${pages + 20}`)
    try {
      const err = await failure(importDataset(db, { kind: 'file', path: writeRows('big.jsonl', 5 * IMPORT_BATCH_ROWS) }, {}))
      expect(err).not.toBeInstanceOf(StudioError)
      expect(err).toMatchObject({ code: 'SQLITE_FULL' })
    } finally {
      db.pragma('max_page_count = 1073741823')
    }
    expect(listDatasets(db).map((d) => d.name)).toEqual(['keep'])
    expect(storedHash('keep')).toEqual(before)
    expect(rowsInStore()).toBe(100)
    expect(stagingRows()).toBe(0)
  })

  it('deletes the rows an import killed mid-way left behind, at the next import', async () => {
    // The staging rows of a process that no longer runs.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    const deadPid = Number(gone.stdout)
    const id = Number(
      db
        .prepare("INSERT INTO datasets (name, source_kind, source_ref, format, imported_at, staging_owner) VALUES (?, 'file', '', 'messages', 'x', ?)")
        .run('\0import leftover', deadPid).lastInsertRowid,
    )
    const split = Number(
      db.prepare("INSERT INTO dataset_splits (dataset_id, name, row_count, rejected_count, content_hash, files_json, rejections_json, imported_at) VALUES (?, 'train', 0, 0, '', '[]', '[]', '')").run(id).lastInsertRowid,
    )
    const add = db.prepare("INSERT INTO dataset_rows (split_id, idx, source_row, messages_json) VALUES (?, ?, ?, '[]')")
    for (let i = 0; i < 50; i++) add.run(split, i, i + 1)
    expect(listDatasets(db)).toEqual([])
    await importDataset(db, { kind: 'file', path: writeRows('next.jsonl', 10) }, {})
    expect(stagingRows()).toBe(0)
    expect(rowsInStore()).toBe(10)
  })
})

describe('deleting a dataset', () => {
  it('gives its space back to the file system', async () => {
    await importDataset(db, { kind: 'file', path: writeRows('small.jsonl', 50) }, {})
    const file = path.join(dir, 'studio.sqlite')
    const sizeOf = () => {
      db.pragma('wal_checkpoint(TRUNCATE)')
      return fs.statSync(file).size
    }
    const small = sizeOf()
    fs.writeFileSync(
      path.join(dir, 'big.jsonl'),
      Array.from({ length: 3000 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `${i} ${'z'.repeat(2000)}` }, { role: 'assistant', content: 'a' }] })).join('\n'),
    )
    await importDataset(db, { kind: 'file', path: path.join(dir, 'big.jsonl') }, {})
    const big = sizeOf()
    expect(big).toBeGreaterThan(small + 5_000_000)
    expect(await deleteDataset(db, 'big')).toBe(true)
    expect(sizeOf()).toBeLessThan(small + 1_000_000)
    expect(loadConversations(db, 'small', 'train')).toHaveLength(50)
  })

  it('disappears at once and purges its rows in batches, leaving the event loop free in between', async () => {
    await importDataset(db, { kind: 'file', path: writeRows('many.jsonl', 3 * PURGE_BATCH_ROWS + 5) }, {})
    let turns = 0
    let spinning = true
    const spin = (): void => {
      if (!spinning) return
      turns++
      setImmediate(spin)
    }
    setImmediate(spin)
    const deleting = deleteDataset(db, 'many')
    expect(getDataset(db, 'many')).toBeNull()
    expect(await deleting).toBe(true)
    spinning = false
    expect(turns).toBeGreaterThanOrEqual(3)
    expect(rowsInStore()).toBe(0)
    expect(stagingRows()).toBe(0)
  })
})
