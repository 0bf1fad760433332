import type Database from 'better-sqlite3'
import { createHash, randomUUID } from 'node:crypto'
import type { Conversation } from '../../../shared/chat'
import { IMPORT_BATCH_CHARS, IMPORT_BATCH_ROWS, PURGE_BATCH_ROWS, REJECTION_EXAMPLES_PER_REASON } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import { reclaimSpace, type Db } from '../store'
import { isImportWarning } from '../../../shared/datasets'
import type { ConversationPage, DatasetFormat, DatasetInfo, DatasetMapping, DatasetSourceInfo, RejectionGroup, RowExample, SplitInfo, WarningGroup } from './types'

type DatasetRow = {
  id: number
  name: string
  source_kind: 'hub' | 'file'
  source_ref: string
  endpoint: string | null
  revision: string | null
  etag: string | null
  format: DatasetFormat
  mapping_json: string | null
  imported_at: string
}
type SplitRow = {
  id: number
  name: string
  row_count: number
  rejected_count: number
  content_hash: string
  revision: string | null
  etag: string | null
  files_json: string
  rejections_json: string
  imported_at: string
}

export type SplitToSave = {
  split: string
  rejected: number
  rejections: RejectionGroup[]
  warnings: WarningGroup[]
  revision: string | null
  etag: string | null
  files: SplitInfo['files']
}

export type DatasetToSave = {
  name: string
  source: DatasetSourceInfo
  revision: string | null
  etag: string | null
  format: DatasetFormat
  mapping: DatasetMapping | undefined
  importedAt: string
  splits: (SplitToSave & { rows: StagedSplit })[]
}

const sourceRef = (s: DatasetSourceInfo): string => (s.kind === 'hub' ? s.repo : s.path)

/** Hidden datasets (imports being written, data being deleted) that this process is working on. */
const activeHidden = new Set<number>()

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const yieldToEvents = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A hidden dataset row owned by this process; NUL cannot occur in a dataset name, so it never clashes. */
function hiddenDataset(db: Db, purpose: 'import' | 'deleted'): number {
  const id = Number(
    db
      .prepare("INSERT INTO datasets (name, source_kind, source_ref, format, imported_at, staging_owner) VALUES (?, 'file', '', 'messages', ?, ?)")
      .run(`\0${purpose} ${randomUUID()}`, new Date().toISOString(), process.pid).lastInsertRowid,
  )
  activeHidden.add(id)
  return id
}

/**
 * Deletes a hidden dataset with all its rows, a bounded batch per transaction with the event loop free
 * in between (a million rows must not freeze the app), then gives the space back to the file system.
 * A process that dies half-way leaves a hidden dataset the next import finishes off.
 */
async function purgeHidden(db: Db, id: number): Promise<void> {
  try {
    const splits = db.prepare('SELECT id FROM dataset_splits WHERE dataset_id = ?').pluck().all(id) as number[]
    // A split's rows are numbered 0…n-1, so each batch is the next index range (a primary-key range scan).
    const batch = db.prepare('DELETE FROM dataset_rows WHERE split_id = @split AND idx < (SELECT MIN(idx) FROM dataset_rows WHERE split_id = @split) + @n')
    for (const split of splits) {
      while (db.open && batch.run({ split, n: PURGE_BATCH_ROWS }).changes > 0) await yieldToEvents()
    }
    if (!db.open) return
    db.prepare('DELETE FROM datasets WHERE id = ?').run(id)
  } finally {
    activeHidden.delete(id)
  }
  await reclaimSpace(db)
}

/**
 * Finishes off what imports or deletions cut short by a killed process left behind: hidden datasets whose
 * process is gone (or, for this process, that nothing here is working on).
 */
async function sweepHidden(db: Db): Promise<void> {
  const hidden = db.prepare('SELECT id, staging_owner AS owner FROM datasets WHERE staging_owner IS NOT NULL').all() as { id: number; owner: number }[]
  for (const h of hidden)
    if (h.owner === process.pid ? !activeHidden.has(h.id) : !isAlive(h.owner)) {
      // Claimed first, so two sweeps (two imports starting at once) never purge the same rows.
      if (db.prepare('UPDATE datasets SET staging_owner = ? WHERE id = ? AND staging_owner = ?').run(process.pid, h.id, h.owner).changes === 0) continue
      activeHidden.add(h.id)
      await purgeHidden(db, h.id)
    }
}

/**
 * One import's rows on their way into the store. Rows are written in bounded batches, one transaction
 * each, under a hidden staging dataset; `commit` moves the finished splits to the named dataset in one
 * transaction (the splits they replace become hidden and are purged after), `discard` purges everything
 * written. Nothing of an import is visible before its commit, whatever happens to it (cancel, failure,
 * a killed process).
 */
export class ImportStaging {
  private done = false

  private constructor(
    private readonly db: Db,
    private readonly id: number,
  ) {}

  static async begin(db: Db): Promise<ImportStaging> {
    await sweepHidden(db)
    return new ImportStaging(db, hiddenDataset(db, 'import'))
  }

  /** A writer for one split's rows, in dataset order. */
  split(name: string): StagedSplit {
    const splitId = Number(
      this.db
        .prepare(
          `INSERT INTO dataset_splits (dataset_id, name, row_count, rejected_count, content_hash, files_json, rejections_json, imported_at)
           VALUES (?, ?, 0, 0, '', '[]', '[]', '')`,
        )
        .run(this.id, name).lastInsertRowid,
    )
    return new StagedSplit(this.db, splitId)
  }

  /**
   * Makes the import visible in one transaction: the dataset row (created, or its provenance updated when
   * the same source is imported again) and each imported split, replacing that split's old rows. Other
   * splits of the dataset stay. Importing a different source under an existing name is refused.
   */
  async commit(d: DatasetToSave): Promise<number> {
    for (const s of d.splits) s.rows.flush()
    const db = this.db
    // The splits being replaced move here in the same transaction and are purged afterwards.
    const replaced = hiddenDataset(db, 'deleted')
    let id: number
    try {
      id = db.transaction(() => {
        const existing = db.prepare('SELECT * FROM datasets WHERE name = ? AND staging_owner IS NULL').get(d.name) as DatasetRow | undefined
        if (existing && (existing.source_kind !== d.source.kind || existing.source_ref !== sourceRef(d.source)))
          throw new StudioError(
            'invalid-input',
            `A dataset named "${d.name}" already exists from ${existing.source_kind} ${existing.source_ref}; choose another name or delete it first`,
            { nameTaken: { name: d.name, sourceKind: existing.source_kind, source: existing.source_ref } },
          )
        const endpoint = d.source.kind === 'hub' ? d.source.endpoint : null
        const mapping = d.mapping ? JSON.stringify(d.mapping) : null
        let datasetId: number
        if (existing) {
          datasetId = existing.id
          db.prepare('UPDATE datasets SET endpoint = ?, revision = ?, etag = ?, format = ?, mapping_json = ?, imported_at = ? WHERE id = ?').run(
            endpoint,
            d.revision,
            d.etag,
            d.format,
            mapping,
            d.importedAt,
            datasetId,
          )
        } else {
          datasetId = Number(
            db
              .prepare(
                'INSERT INTO datasets (name, source_kind, source_ref, endpoint, revision, etag, format, mapping_json, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
              )
              .run(d.name, d.source.kind, sourceRef(d.source), endpoint, d.revision, d.etag, d.format, mapping, d.importedAt).lastInsertRowid,
          )
        }
        const retire = db.prepare('UPDATE dataset_splits SET dataset_id = ? WHERE dataset_id = ? AND name = ?')
        // The staged split moves as a whole: its rows keep their split id, so none is copied.
        const moveSplit = db.prepare(
          `UPDATE dataset_splits SET dataset_id = ?, row_count = ?, rejected_count = ?, content_hash = ?, revision = ?, etag = ?,
           files_json = ?, rejections_json = ?, imported_at = ? WHERE id = ?`,
        )
        for (const s of d.splits) {
          retire.run(replaced, datasetId, s.split)
          moveSplit.run(
            datasetId,
            s.rows.count,
            s.rejected,
            s.rows.contentHash(),
            s.revision,
            s.etag,
            JSON.stringify(s.files),
            // Warnings share the column: their reason codes tell them apart (see splitGroups).
            JSON.stringify([...s.rejections, ...s.warnings]),
            d.importedAt,
            s.rows.splitId,
          )
        }
        db.prepare('DELETE FROM datasets WHERE id = ?').run(this.id)
        return datasetId
      })()
    } finally {
      // Failing to purge now (a full disk) must not hide the commit's own outcome: the rows stay hidden
      // and the next import purges them.
      await purgeHidden(db, replaced).catch(() => undefined)
    }
    this.done = true
    activeHidden.delete(this.id)
    return id
  }

  /** Purges everything this import wrote. Safe to call after commit (then it does nothing). */
  async discard(): Promise<void> {
    if (this.done) return
    this.done = true
    try {
      await purgeHidden(this.db, this.id)
    } catch {
      // A store that cannot be written now (disk full, read-only) keeps the staging rows: they are
      // invisible, and the next import purges them once this process is gone.
    }
  }
}

/** Rows of one staged split: buffered up to a bounded batch, then written in one transaction. */
export class StagedSplit {
  /** Rows added so far (written or waiting in the batch). */
  count = 0
  private written = 0
  private batch: { sourceRow: number; messagesJson: string }[] = []
  private batchBytes = 0
  private readonly hash = createHash('sha256')
  private readonly insert: Database.Statement

  constructor(
    private readonly db: Db,
    readonly splitId: number,
  ) {
    this.insert = db.prepare('INSERT INTO dataset_rows (split_id, idx, source_row, messages_json) VALUES (?, ?, ?, ?)')
  }

  add(sourceRow: number, messagesJson: string): void {
    this.count++
    this.batch.push({ sourceRow, messagesJson })
    this.batchBytes += messagesJson.length
    this.hash.update(messagesJson).update('\n')
    if (this.batch.length >= IMPORT_BATCH_ROWS || this.batchBytes >= IMPORT_BATCH_CHARS) this.flush()
  }

  flush(): void {
    if (this.batch.length === 0) return
    const rows = this.batch
    const first = this.written
    this.db.transaction(() => {
      for (let i = 0; i < rows.length; i++) this.insert.run(this.splitId, first + i, rows[i].sourceRow, rows[i].messagesJson)
    })()
    this.written += rows.length
    this.batch = []
    this.batchBytes = 0
  }

  /** sha256 over the split's conversations in order; the same value the store has always recorded. */
  contentHash(): string {
    return this.hash.copy().digest('hex')
  }
}

function toInfo(db: Db, d: DatasetRow): DatasetInfo {
  const splits = db
    .prepare('SELECT * FROM dataset_splits WHERE dataset_id = ? ORDER BY id')
    .all(d.id) as SplitRow[]
  const source: DatasetSourceInfo =
    d.source_kind === 'hub'
      ? { kind: 'hub', repo: d.source_ref, endpoint: d.endpoint ?? '', revision: d.revision }
      : { kind: 'file', path: d.source_ref }
  const perSplit = splits.map((s) => splitGroups(JSON.parse(s.rejections_json) as (RejectionGroup | WarningGroup)[]))
  return {
    datasetId: d.id,
    name: d.name,
    format: d.format,
    mapping: d.mapping_json ? (JSON.parse(d.mapping_json) as DatasetMapping) : null,
    source,
    revision: d.revision,
    etag: d.etag,
    importedAt: d.imported_at,
    splits: splits.map((s, i) => ({
      split: s.name,
      rows: s.row_count,
      rejected: s.rejected_count,
      contentHash: s.content_hash,
      revision: s.revision,
      etag: s.etag,
      importedAt: s.imported_at,
      files: JSON.parse(s.files_json) as SplitInfo['files'],
      rejections: perSplit[i].rejections,
      warnings: perSplit[i].warnings,
    })),
    rejections: mergeGroups(perSplit.map((g) => g.rejections)),
    warnings: mergeGroups(perSplit.map((g) => g.warnings)),
  }
}

/** A split's stored groups, rejections and warnings apart (imports before warnings existed stored only rejections). */
function splitGroups(all: (RejectionGroup | WarningGroup)[]): { rejections: RejectionGroup[]; warnings: WarningGroup[] } {
  const rejections: RejectionGroup[] = []
  const warnings: WarningGroup[] = []
  for (const g of all) {
    if (isImportWarning(g.reason)) warnings.push(g as WarningGroup)
    else rejections.push(g as RejectionGroup)
  }
  return { rejections, warnings }
}

/** Groups of several splits merged by reason, with at most REJECTION_EXAMPLES_PER_REASON examples each. */
export function mergeGroups<G extends { reason: string; count: number; examples: RowExample[] }>(lists: G[][]): G[] {
  const by = new Map<string, G>()
  for (const list of lists)
    for (const g of list) {
      const cur = by.get(g.reason)
      if (cur) {
        cur.count += g.count
        cur.examples.push(...g.examples.slice(0, Math.max(0, REJECTION_EXAMPLES_PER_REASON - cur.examples.length)))
      } else by.set(g.reason, { ...g, examples: g.examples.slice(0, REJECTION_EXAMPLES_PER_REASON) })
    }
  return [...by.values()].sort((a, b) => b.count - a.count)
}

/** Every cached dataset with its splits and provenance, newest import first. */
export function listDatasets(db: Db): DatasetInfo[] {
  const rows = db.prepare('SELECT * FROM datasets WHERE staging_owner IS NULL ORDER BY imported_at DESC, id DESC').all() as DatasetRow[]
  return rows.map((d) => toInfo(db, d))
}

/** A cached dataset by name, or null. */
export function getDataset(db: Db, name: string): DatasetInfo | null {
  const d = db.prepare('SELECT * FROM datasets WHERE name = ? AND staging_owner IS NULL').get(name) as DatasetRow | undefined
  return d ? toInfo(db, d) : null
}

function splitRow(db: Db, name: string, split: string): { id: number; row_count: number } {
  const s = db
    .prepare(
      'SELECT s.id, s.row_count FROM dataset_splits s JOIN datasets d ON d.id = s.dataset_id WHERE d.name = ? AND d.staging_owner IS NULL AND s.name = ?',
    )
    .get(name, split) as { id: number; row_count: number } | undefined
  if (s) return s
  const d = getDataset(db, name)
  if (!d) throw new StudioError('dataset-not-cached', `No dataset named "${name}" in the local store; import it first`, { name })
  throw new StudioError('not-found', `Dataset "${name}" has no split "${split}" (it has ${d.splits.map((x) => x.split).join(', ')})`, {
    name,
    split,
    splits: d.splits.map((x) => x.split),
  })
}

/** All conversations of a split in dataset order: one indexed SELECT, rows parsed from JSON. */
export function loadConversations(db: Db, name: string, split: string): Conversation[] {
  const { id } = splitRow(db, name, split)
  const rows = db.prepare('SELECT messages_json FROM dataset_rows WHERE split_id = ? ORDER BY idx').pluck().all(id) as string[]
  const out: Conversation[] = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) out[i] = { messages: JSON.parse(rows[i]) as Conversation['messages'] }
  return out
}

/** A page of a split for previews (index = position in dataset order, sourceRow = row in the source file). */
export function pageConversations(db: Db, name: string, split: string, offset: number, limit: number): ConversationPage {
  const { id, row_count } = splitRow(db, name, split)
  const rows = db
    .prepare('SELECT idx, source_row, messages_json FROM dataset_rows WHERE split_id = ? AND idx >= ? ORDER BY idx LIMIT ?')
    .all(id, Math.max(0, Math.floor(offset)), Math.max(0, Math.floor(limit))) as { idx: number; source_row: number; messages_json: string }[]
  return {
    name,
    split,
    offset,
    total: row_count,
    rows: rows.map((r) => ({ index: r.idx, sourceRow: r.source_row, messages: JSON.parse(r.messages_json) as Conversation['messages'] })),
  }
}

/**
 * Removes a dataset: it disappears at once (its splits move to a hidden dataset in one transaction), then
 * its rows are purged in batches and their space given back to the file system. False when there was none.
 */
export async function deleteDataset(db: Db, name: string): Promise<boolean> {
  const d = db.prepare('SELECT id FROM datasets WHERE name = ? AND staging_owner IS NULL').get(name) as { id: number } | undefined
  if (!d) return false
  const hidden = hiddenDataset(db, 'deleted')
  db.transaction(() => {
    db.prepare('UPDATE dataset_splits SET dataset_id = ? WHERE dataset_id = ?').run(hidden, d.id)
    db.prepare('DELETE FROM datasets WHERE id = ?').run(d.id)
  })()
  await purgeHidden(db, hidden)
  return true
}
