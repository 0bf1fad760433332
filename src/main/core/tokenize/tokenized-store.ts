import type { Datum, TokenStats, TrainOn } from '../../../shared/datum'
import { StudioError } from '../../../shared/result'
import type { Db } from '../store'
import { datumFromSlice } from './datums'
import type { PackedBatch } from './pipeline'
import { statsFromLengthCounts } from './stats'
import type { EncoderKind } from './worker-protocol'

/**
 * The tokenized cache in SQLite (migration 008): a set per (split content, tokenizer, template, max length,
 * train-on), every conversation's length and skip reason in `tokenized_rows`, one row per datum in
 * `tokenized_datums`. Sets are written chunk by chunk and read back by datum index, so neither side ever
 * holds a whole split.
 */

export type SetMeta = {
  key: string
  datasetKey: string
  datasetName: string
  split: string
  tokenizerId: string
  templateHash: string
  maxLength: number
  trainOn: TrainOn
  encoder: EncoderKind
  conversations: number
}

export type SetRow = {
  id: number
  encoder: EncoderKind
  conversations: number
  datums: number
  skipped: number
  stats: TokenStats
}

/** The complete set under `key`, if any (a set being written is never returned). */
export function findSet(db: Db, key: string): SetRow | null {
  const r = db
    .prepare(
      'SELECT id, encoder, conversations, datums, skipped, stats_json FROM tokenized_sets WHERE key = ? AND datums IS NOT NULL ORDER BY id DESC LIMIT 1',
    )
    .get(key) as (Omit<SetRow, 'stats'> & { stats_json: string }) | undefined
  return r
    ? {
        id: r.id,
        encoder: r.encoder,
        conversations: r.conversations,
        datums: r.datums,
        skipped: r.skipped,
        stats: JSON.parse(r.stats_json) as TokenStats,
      }
    : null
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Starts writing a set. Sets left half-written by a process that died (or by this one, before a crash it
 * survived) are removed first; a set another live process is writing is left alone.
 */
export function createSet(db: Db, m: SetMeta): number {
  const owners = db
    .prepare('SELECT DISTINCT owner_pid FROM tokenized_sets WHERE datums IS NULL')
    .pluck()
    .all() as number[]
  const drop = db.prepare('DELETE FROM tokenized_sets WHERE datums IS NULL AND owner_pid = ?')
  for (const pid of owners) if (pid === process.pid || !isAlive(pid)) drop.run(pid)
  return Number(
    db
      .prepare(
        `INSERT INTO tokenized_sets (key, dataset_key, dataset_name, split, tokenizer_id, template_hash, max_length, train_on, encoder,
           conversations, owner_pid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        m.key,
        m.datasetKey,
        m.datasetName,
        m.split,
        m.tokenizerId,
        m.templateHash,
        m.maxLength,
        m.trainOn,
        m.encoder,
        m.conversations,
        process.pid,
        new Date().toISOString(),
      ).lastInsertRowid,
  )
}

export function setEncoder(db: Db, id: number, encoder: EncoderKind): void {
  db.prepare('UPDATE tokenized_sets SET encoder = ? WHERE id = ?').run(encoder, id)
}

export function deleteSet(db: Db, id: number): void {
  db.prepare('DELETE FROM tokenized_sets WHERE id = ?').run(id)
}

const blob = (a: Int32Array | Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

export type SetWriter = {
  /** Appends one batch (rows in dataset order) in one transaction. */
  write(batch: PackedBatch): void
  readonly datums: number
  readonly skipped: number
  /** Weighted target tokens of the datums written so far. */
  readonly weighted: number
}

export function setWriter(db: Db, id: number): SetWriter {
  const addRow = db.prepare(
    'INSERT INTO tokenized_rows (set_id, row, full_length, skip_reason) VALUES (?, ?, ?, ?)',
  )
  const addDatum = db.prepare(
    'INSERT INTO tokenized_datums (set_id, idx, row, tokens, weights) VALUES (?, ?, ?, ?, ?)',
  )
  let datums = 0
  let skipped = 0
  let weighted = 0
  const write = db.transaction((b: PackedBatch) => {
    const reasons = new Map(b.skipped.map((s) => [s.row, s.reason]))
    skipped += b.skipped.length
    let at = 0
    for (let i = 0; i < b.rows.length; i++) {
      const row = b.rows[i]
      addRow.run(id, row, b.fullLengths[i], reasons.get(row) ?? null)
      const kept = b.keptLengths[i]
      if (kept === 0) continue
      addDatum.run(
        id,
        datums++,
        row,
        blob(b.tokens.subarray(at, at + kept)),
        blob(b.weights.subarray(at, at + kept)),
      )
      weighted += b.weighted[i]
      at += kept
    }
  })
  return {
    write,
    get datums() {
      return datums
    },
    get skipped() {
      return skipped
    },
    get weighted() {
      return weighted
    },
  }
}

/**
 * Length statistics of a written set, aggregated in SQL: one GROUP BY over the conversations' lengths
 * (a few thousand distinct values at most), then percentiles and the histogram from those counts.
 */
export function setStats(db: Db, id: number, maxLength: number, weighted: number): TokenStats {
  const counts = db
    .prepare(
      'SELECT full_length, COUNT(*) FROM tokenized_rows WHERE set_id = ? AND full_length > 0 GROUP BY full_length ORDER BY full_length',
    )
    .raw()
    .all(id) as [number, number][]
  return statsFromLengthCounts(counts, maxLength, weighted)
}

/** Sets that readers (a training run) are using in this process: never deleted under them. */
const pins = new Map<number, number>()

export function pinSet(id: number): () => void {
  pins.set(id, (pins.get(id) ?? 0) + 1)
  let released = false
  return () => {
    if (released) return
    released = true
    const n = (pins.get(id) ?? 1) - 1
    if (n > 0) pins.set(id, n)
    else pins.delete(id)
  }
}

const pinned = (): string => JSON.stringify([...pins.keys()])

/**
 * Marks a written set complete, then drops the sets it supersedes: older ones under the same key, and
 * those of an earlier content of the same split (re-imported since), which can never be hit again.
 */
export function completeSet(
  db: Db,
  id: number,
  m: SetMeta,
  r: { datums: number; skipped: number; stats: TokenStats },
): void {
  db.transaction(() => {
    db.prepare('UPDATE tokenized_sets SET datums = ?, skipped = ?, stats_json = ? WHERE id = ?').run(
      r.datums,
      r.skipped,
      JSON.stringify(r.stats),
      id,
    )
    db.prepare(
      `DELETE FROM tokenized_sets WHERE id != ? AND datums IS NOT NULL AND id NOT IN (SELECT value FROM json_each(?))
         AND (key = ? OR (dataset_name = ? AND split = ? AND dataset_key != ?))`,
    ).run(id, pinned(), m.key, m.datasetName, m.split, m.datasetKey)
  })()
}

/** Removes every tokenized set of a dataset (e.g. when the dataset is deleted), except those in use. */
export function dropTokenizedDataset(db: Db, datasetName: string): number {
  return db
    .prepare(
      'DELETE FROM tokenized_sets WHERE dataset_name = ? AND id NOT IN (SELECT value FROM json_each(?))',
    )
    .run(datasetName, pinned()).changes
}

/** A typed view over a BLOB, copying only when SQLite's buffer is not aligned for the element size. */
function view<T extends Int32Array | Uint8Array>(
  buf: Buffer,
  Ctor: { new (b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number },
): T {
  const size = Ctor.BYTES_PER_ELEMENT
  if (buf.byteOffset % size === 0)
    return new Ctor(buf.buffer as ArrayBuffer, buf.byteOffset, buf.byteLength / size)
  const copy = new Uint8Array(buf.byteLength)
  copy.set(buf)
  return new Ctor(copy.buffer, 0, buf.byteLength / size)
}

const datumOf = (tokens: Buffer, weights: Buffer): Datum => {
  const t = view(tokens, Int32Array)
  return datumFromSlice(t, view(weights, Uint8Array), 0, t.length)
}

const gone = (id: number): StudioError =>
  new StudioError(
    'dataset-not-cached',
    'The tokenized data was deleted while it was being read (the dataset was deleted or re-imported); tokenize it again',
    {
      set: id,
    },
  )

/** Datums by index (dense, dataset order), in the order asked. */
export function readDatums(db: Db, id: number, indices: readonly number[]): Datum[] {
  const one = db.prepare('SELECT tokens, weights FROM tokenized_datums WHERE set_id = ? AND idx = ?').raw()
  return indices.map((i) => {
    const r = one.get(id, i) as [Buffer, Buffer] | undefined
    if (!r) throw gone(id)
    return datumOf(r[0], r[1])
  })
}

function mustExist(db: Db, id: number): void {
  if (!db.prepare('SELECT 1 FROM tokenized_sets WHERE id = ?').get(id)) throw gone(id)
}

/** Datums `from` ≤ index < `to` in order, with the dataset row each came from, streamed from SQLite. */
export function* iterateDatums(
  db: Db,
  id: number,
  from: number,
  to: number,
): Generator<{ index: number; row: number; datum: Datum }> {
  mustExist(db, id)
  const range = db
    .prepare(
      'SELECT idx, row, tokens, weights FROM tokenized_datums WHERE set_id = ? AND idx >= ? AND idx < ? ORDER BY idx',
    )
    .raw()
  for (const [index, row, tokens, weights] of range.iterate(id, from, to) as IterableIterator<
    [number, number, Buffer, Buffer]
  >)
    yield { index, row, datum: datumOf(tokens, weights) }
}

/** Skipped conversations in row order, with their reasons, streamed from SQLite. */
export function* iterateSkipped(db: Db, id: number): Generator<{ row: number; reason: string }> {
  mustExist(db, id)
  const all = db
    .prepare(
      'SELECT row, skip_reason FROM tokenized_rows WHERE set_id = ? AND skip_reason IS NOT NULL ORDER BY row',
    )
    .raw()
  for (const [row, reason] of all.iterate(id) as IterableIterator<[number, string]>) yield { row, reason }
}
