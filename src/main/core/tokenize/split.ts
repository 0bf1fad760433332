import { createHash } from 'node:crypto'
import type { Conversation } from '../../../shared/chat'
import type { Datum, TokenStats, TrainOn } from '../../../shared/datum'
import { TOKENIZE_PROBE_CONVERSATIONS } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import { getDataset, loadConversations, type DatasetInfo } from '../datasets'
import type { Db } from '../store'
import { datumFromSlice } from './datums'
import type { PackedBatch } from './pipeline'
import { EncoderMismatch, runPool } from './pool'
import { computeStats } from './stats'
import type { StudioTokenizer } from './tokenizer'
import { workerInitOf, type EncoderKind, type WorkerInit } from './worker-protocol'

export type TokenizeProgress = { phase: 'tokenizing' | 'saving'; current: number; total: number }

export type TokenizedSplit = {
  /** Cache key: (dataset split, tokenizer, chat template, max length, train-on). */
  key: string
  datums: Datum[]
  /** Dataset row of each datum. */
  rowIndex: number[]
  skipped: { row: number; reason: string }[]
  stats: TokenStats
  encoder: EncoderKind
  fromCache: boolean
}

export type TokenizeConversationsOptions = {
  /** Identifies the dataset split's content: change it when the rows change (e.g. dataset id + import time). */
  datasetKey: string
  datasetName: string
  split: string
  /** Called only on a cache miss. */
  conversations: () => Conversation[] | Promise<Conversation[]>
  tokenizer: StudioTokenizer
  maxLength: number
  trainOn: TrainOn
  signal?: AbortSignal
  onProgress?: (p: TokenizeProgress) => void
  /** Worker threads (default: one per core, at most 4). */
  workers?: number
  /** Force an encoder (tests, bench); default rust, falling back to transformers on a probe mismatch. */
  encoder?: EncoderKind
}

function tokenizedKey(o: {
  datasetKey: string
  split: string
  tokenizerId: string
  templateHash: string
  maxLength: number
  trainOn: TrainOn
}): string {
  return createHash('sha256')
    .update(JSON.stringify([o.datasetKey, o.split, o.tokenizerId, o.templateHash, o.maxLength, o.trainOn]))
    .digest('hex')
    .slice(0, 32)
}

/** A typed view over a BLOB, copying only when SQLite's buffer is not aligned for the element size. */
function view<T extends Int32Array | Uint8Array>(buf: Buffer, Ctor: { new (b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number }): T {
  const size = Ctor.BYTES_PER_ELEMENT
  if (buf.byteOffset % size === 0) return new Ctor(buf.buffer as ArrayBuffer, buf.byteOffset, buf.byteLength / size)
  const copy = new Uint8Array(buf.byteLength)
  copy.set(buf)
  return new Ctor(copy.buffer, 0, buf.byteLength / size)
}
const blob = (a: Int32Array | Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

type Packed = {
  rowIndex: Int32Array
  lengths: Int32Array
  tokens: Int32Array
  weights: Uint8Array
}

function datumsOf(p: Pick<Packed, 'lengths' | 'tokens' | 'weights'>): Datum[] {
  const datums: Datum[] = new Array(p.lengths.length)
  let at = 0
  for (let i = 0; i < p.lengths.length; i++) {
    datums[i] = datumFromSlice(p.tokens, p.weights, at, p.lengths[i])
    at += p.lengths[i]
  }
  return datums
}

/** The datums of one worker batch (its kept conversations, in order). */
const batchDatums = (b: PackedBatch): Datum[] => datumsOf({ lengths: b.keptLengths.filter((l) => l > 0), tokens: b.tokens, weights: b.weights })

function readCache(db: Db, key: string): TokenizedSplit | null {
  const row = db
    .prepare('SELECT encoder, row_index, lengths, tokens, weights, skipped_json, stats_json FROM tokenized_splits WHERE key = ?')
    .get(key) as
    | { encoder: EncoderKind; row_index: Buffer; lengths: Buffer; tokens: Buffer; weights: Buffer; skipped_json: string; stats_json: string }
    | undefined
  if (!row) return null
  const packed: Packed = {
    rowIndex: view(row.row_index, Int32Array),
    lengths: view(row.lengths, Int32Array),
    tokens: view(row.tokens, Int32Array),
    weights: view(row.weights, Uint8Array),
  }
  return {
    key,
    datums: datumsOf(packed),
    rowIndex: Array.from(packed.rowIndex),
    skipped: JSON.parse(row.skipped_json) as TokenizedSplit['skipped'],
    stats: JSON.parse(row.stats_json) as TokenStats,
    encoder: row.encoder,
    fromCache: true,
  }
}

/** Joins worker batches (in dataset order) into one packed split plus per-conversation lengths. */
function join(batches: PackedBatch[]): Packed & { fullLengths: Int32Array; weighted: number; skipped: TokenizedSplit['skipped'] } {
  let kept = 0
  let tokenCount = 0
  let conversations = 0
  for (const b of batches) {
    conversations += b.rows.length
    tokenCount += b.tokens.length
    for (const l of b.keptLengths) if (l > 0) kept++
  }
  const rowIndex = new Int32Array(kept)
  const lengths = new Int32Array(kept)
  const fullLengths = new Int32Array(conversations)
  const tokens = new Int32Array(tokenCount)
  const weights = new Uint8Array(tokenCount)
  const skipped: TokenizedSplit['skipped'] = []
  let d = 0
  let c = 0
  let t = 0
  let weighted = 0
  for (const b of batches) {
    tokens.set(b.tokens, t)
    weights.set(b.weights, t)
    t += b.tokens.length
    for (let i = 0; i < b.rows.length; i++) {
      fullLengths[c++] = b.fullLengths[i]
      if (b.keptLengths[i] > 0) {
        rowIndex[d] = b.rows[i]
        lengths[d++] = b.keptLengths[i]
        weighted += b.weighted[i]
      }
    }
    skipped.push(...b.skipped)
  }
  return { rowIndex, lengths, tokens, weights, fullLengths, weighted, skipped }
}

/** Probe texts per tokenizer: new Rust workers must reproduce transformers' ids on them. */
const probes = new WeakMap<StudioTokenizer, NonNullable<WorkerInit['probe']>>()

function probeFor(tok: StudioTokenizer, conversations: readonly Conversation[]): NonNullable<WorkerInit['probe']> {
  const known = probes.get(tok)
  if (known) return known
  // Rows the template rejects are skipped later with their reason; they just don't serve as probes.
  const texts: string[] = []
  for (const c of conversations.slice(0, TOKENIZE_PROBE_CONVERSATIONS)) {
    try {
      const text = tok.renderChat(c.messages)
      texts.push(tok.nfc ? text.normalize('NFC') : text)
    } catch {
      continue
    }
  }
  const probe = { texts, ids: texts.map((t) => tok.encode(t)) }
  if (texts.length) probes.set(tok, probe)
  return probe
}

/**
 * Tokenizes conversations into datums with exact masks, in worker threads, cached in SQLite under
 * (dataset split, tokenizer, chat template, max length, train-on). A warm call reads four BLOBs.
 */
export async function tokenizeConversations(db: Db, o: TokenizeConversationsOptions): Promise<TokenizedSplit> {
  const tok = o.tokenizer
  if (!Number.isInteger(o.maxLength) || o.maxLength < 2)
    throw new StudioError('invalid-input', `max length must be an integer of at least 2 (got ${o.maxLength})`)
  if (!tok.chatTemplate)
    throw new StudioError('chat-template-missing', `The tokenizer of ${tok.modelId} has no chat_template in tokenizer_config.json`)
  const key = tokenizedKey({
    datasetKey: o.datasetKey,
    split: o.split,
    tokenizerId: tok.id,
    templateHash: tok.templateHash,
    maxLength: o.maxLength,
    trainOn: o.trainOn,
  })
  const cached = readCache(db, key)
  if (cached) return cached

  const conversations = await o.conversations()
  const rows = conversations.map((_, i) => i)
  const base = workerInitOf(tok, o.encoder ?? 'rust')
  if (base.encoder === 'rust') base.probe = probeFor(tok, conversations)
  // Datum objects are built on the main thread while the workers are still busy with later batches.
  let datumsByBatch: Datum[][] = []
  const pool = (init: WorkerInit): Promise<PackedBatch[]> =>
    runPool(init, rows, conversations, {
      onBatch: (index, batch) => {
        datumsByBatch[index] = batchDatums(batch)
      },
      trainOn: o.trainOn,
      maxLength: o.maxLength,
      workers: o.workers,
      signal: o.signal,
      onProgress: (current, total) => o.onProgress?.({ phase: 'tokenizing', current, total }),
    })
  let encoder = base.encoder
  let batches: PackedBatch[]
  try {
    batches = await pool(base)
  } catch (err) {
    if (!(err instanceof EncoderMismatch) || o.encoder) throw err
    encoder = 'transformers'
    datumsByBatch = []
    batches = await pool({ ...base, encoder, probe: null })
  }

  o.onProgress?.({ phase: 'saving', current: 0, total: 1 })
  const packed = join(batches)
  const lengths = packed.fullLengths.filter((l) => l > 0)
  const stats = computeStats(lengths, o.maxLength, packed.weighted)
  // Results for an older content of this split (re-imported since) can never be hit again.
  db.prepare('DELETE FROM tokenized_splits WHERE dataset_name = ? AND split = ? AND dataset_key != ?').run(
    o.datasetName,
    o.split,
    o.datasetKey,
  )
  db.prepare(
    `INSERT OR REPLACE INTO tokenized_splits (key, dataset_key, dataset_name, split, tokenizer_id, template_hash, max_length, train_on,
       encoder, conversations, row_index, lengths, full_lengths, tokens, weights, skipped_json, stats_json, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    key,
    o.datasetKey,
    o.datasetName,
    o.split,
    tok.id,
    tok.templateHash,
    o.maxLength,
    o.trainOn,
    encoder,
    conversations.length,
    blob(packed.rowIndex),
    blob(packed.lengths),
    blob(packed.fullLengths),
    blob(packed.tokens),
    blob(packed.weights),
    JSON.stringify(packed.skipped),
    JSON.stringify(stats),
    new Date().toISOString(),
  )
  o.onProgress?.({ phase: 'saving', current: 1, total: 1 })
  return {
    key,
    datums: datumsByBatch.flat(),
    rowIndex: Array.from(packed.rowIndex),
    skipped: packed.skipped,
    stats,
    encoder,
    fromCache: false,
  }
}

/** The split a command means when none is named: `train` if present, else the first one. */
export function defaultSplit(ds: DatasetInfo): string {
  if (ds.splits.length === 0) throw new StudioError('dataset-no-usable-rows', `Dataset "${ds.name}" has no splits`)
  return (ds.splits.find((s) => s.split === 'train') ?? ds.splits[0]).split
}

export type TokenizeSplitOptions = Omit<TokenizeConversationsOptions, 'datasetKey' | 'datasetName' | 'split' | 'conversations'> & {
  dataset: string
  /** Default: `train` if present, else the first split. */
  split?: string
}

/**
 * Tokenizes one split of a cached dataset (see tokenizeConversations). The cache key uses the split's
 * content hash, so a re-import with changed rows re-tokenizes and an unchanged one does not.
 */
export async function tokenizeSplit(db: Db, o: TokenizeSplitOptions): Promise<TokenizedSplit> {
  const ds = getDataset(db, o.dataset)
  if (!ds) throw new StudioError('dataset-not-cached', `No dataset named "${o.dataset}" in the local store; import it first`, { name: o.dataset })
  const split = o.split ?? defaultSplit(ds)
  const info = ds.splits.find((s) => s.split === split)
  if (!info)
    throw new StudioError('not-found', `Dataset "${ds.name}" has no split "${split}" (it has ${ds.splits.map((s) => s.split).join(', ')})`, {
      name: ds.name,
      split,
    })
  return tokenizeConversations(db, {
    ...o,
    datasetKey: info.contentHash,
    datasetName: ds.name,
    split,
    conversations: () => loadConversations(db, ds.name, split),
  })
}
