import { createHash } from 'node:crypto'
import type { Conversation } from '../../../shared/chat'
import type { Datum, TokenStats, TrainOn } from '../../../shared/datum'
import { TOKENIZE_PROBE_CONVERSATIONS, TOKENIZE_PROBE_MAX_CHARS } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import { getDataset, splitRowReader, type DatasetInfo } from '../datasets'
import type { Db } from '../store'
import { EncoderMismatch, runPool, type RowSource } from './pool'
import type { StudioTokenizer } from './tokenizer'
import {
  completeSet,
  createSet,
  deleteSet,
  findSet,
  iterateDatums,
  iterateSkipped,
  pinSet,
  readDatums,
  setEncoder,
  setStats,
  setWriter,
  type SetMeta,
  type SetRow,
} from './tokenized-store'
import { workerInitOf, type EncoderKind, type WorkerInit } from './worker-protocol'

export type TokenizeProgress = { phase: 'tokenizing' | 'saving'; current: number; total: number }

/**
 * A tokenized split in the SQLite cache. It holds no datums itself: they are read by index (a training
 * batch, an eval chunk) or streamed in order (an export), so a split of any size costs a few numbers.
 */
export type TokenizedSplit = {
  /** Cache key: (dataset split, tokenizer, chat template, max length, train-on). */
  key: string
  /** Conversations in the split. */
  conversations: number
  /** Datums (conversations that yield one), numbered 0…datumCount-1 in dataset order. */
  datumCount: number
  /** Conversations that yield no datum; `skippedRows()` says why. */
  skippedCount: number
  stats: TokenStats
  encoder: EncoderKind
  fromCache: boolean
  /** Datums by index, in the order asked. */
  datumsAt(indices: readonly number[]): Datum[]
  /** Datums `from` ≤ index < `to` in order, each with its dataset row. */
  iterate(from?: number, to?: number): Generator<{ index: number; row: number; datum: Datum }>
  /** Skipped conversations in row order with their reasons. */
  skippedRows(): Generator<{ row: number; reason: string }>
  /** Keeps the cached data from being replaced while it is read (a run); call the result to release it. */
  pin(): () => void
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
  /** Render threads (default: from this machine's cores and free memory). */
  workers?: number
  /** Force an encoder (tests, bench); default rust, falling back to transformers on a probe mismatch. */
  encoder?: EncoderKind
  /** V8 heap cap of each render thread in MB (tests provoke an out-of-memory crash with a small one). */
  workerHeapMb?: number
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

function splitOf(db: Db, key: string, set: SetRow, fromCache: boolean): TokenizedSplit {
  return {
    key,
    conversations: set.conversations,
    datumCount: set.datums,
    skippedCount: set.skipped,
    stats: set.stats,
    encoder: set.encoder,
    fromCache,
    datumsAt: (indices) => readDatums(db, set.id, indices),
    iterate: (from = 0, to = set.datums) => iterateDatums(db, set.id, from, to),
    skippedRows: () => iterateSkipped(db, set.id),
    pin: () => pinSet(set.id),
  }
}

/** Probe texts per tokenizer: a new Rust encoder must reproduce transformers' ids on them. */
const probes = new WeakMap<StudioTokenizer, NonNullable<WorkerInit['probe']>>()

function probeFor(tok: StudioTokenizer, source: RowSource): NonNullable<WorkerInit['probe']> {
  const known = probes.get(tok)
  if (known) return known
  // Rows the template rejects are skipped later with their reason; they just don't serve as probes. Nor
  // do long rows: their transformers.js encoding on this thread could take minutes.
  const texts: string[] = []
  for (const json of source.read(
    0,
    4 * TOKENIZE_PROBE_CONVERSATIONS,
    4 * TOKENIZE_PROBE_CONVERSATIONS * TOKENIZE_PROBE_MAX_CHARS,
  ).json) {
    if (texts.length === TOKENIZE_PROBE_CONVERSATIONS) break
    if (json.length > TOKENIZE_PROBE_MAX_CHARS) continue
    try {
      const text = tok.renderChat(JSON.parse(json) as Conversation['messages'])
      texts.push(tok.nfc ? text.normalize('NFC') : text)
    } catch {
      continue
    }
  }
  const probe = { texts, ids: texts.map((t) => tok.encode(t)) }
  if (texts.length) probes.set(tok, probe)
  return probe
}

/** Builds in progress in this process, by key: a second caller waits for the first instead of racing it. */
const building = new Map<string, Promise<SetRow>>()

type BuildOptions = Omit<TokenizeConversationsOptions, 'conversations'> & {
  key: string
  source: () => RowSource | Promise<RowSource>
}

/** Tokenizes a source into a new set, chunk by chunk straight into SQLite; nothing is kept if it fails. */
async function build(db: Db, o: BuildOptions): Promise<SetRow> {
  const tok = o.tokenizer
  const source = await o.source()
  const base = workerInitOf(tok, o.encoder ?? 'rust')
  if (base.encoder === 'rust') base.probe = probeFor(tok, source)
  const meta: SetMeta = {
    key: o.key,
    datasetKey: o.datasetKey,
    datasetName: o.datasetName,
    split: o.split,
    tokenizerId: tok.id,
    templateHash: tok.templateHash,
    maxLength: o.maxLength,
    trainOn: o.trainOn,
    encoder: base.encoder,
    conversations: source.total,
  }
  const id = createSet(db, meta)
  try {
    let writer = setWriter(db, id)
    const pool = (init: WorkerInit): Promise<void> =>
      runPool(init, source, {
        onBatch: (b) => writer.write(b),
        trainOn: o.trainOn,
        maxLength: o.maxLength,
        workers: o.workers,
        workerHeapMb: o.workerHeapMb,
        signal: o.signal,
        onProgress: (current, total) => o.onProgress?.({ phase: 'tokenizing', current, total }),
      })
    try {
      await pool(base)
    } catch (err) {
      // The encoder is checked before the first chunk is encoded, so nothing was written yet.
      if (!(err instanceof EncoderMismatch) || o.encoder) throw err
      meta.encoder = 'transformers'
      setEncoder(db, id, meta.encoder)
      writer = setWriter(db, id)
      await pool({ ...base, encoder: meta.encoder, probe: null })
    }
    o.onProgress?.({ phase: 'saving', current: 0, total: 1 })
    const result = {
      datums: writer.datums,
      skipped: writer.skipped,
      stats: setStats(db, id, o.maxLength, writer.weighted),
    }
    completeSet(db, id, meta, result)
    o.onProgress?.({ phase: 'saving', current: 1, total: 1 })
    return { id, encoder: meta.encoder, conversations: source.total, ...result }
  } catch (err) {
    deleteSet(db, id)
    throw err
  }
}

async function tokenizeSource(db: Db, o: Omit<BuildOptions, 'key'>): Promise<TokenizedSplit> {
  const tok = o.tokenizer
  if (!Number.isInteger(o.maxLength) || o.maxLength < 2)
    throw new StudioError('invalid-input', `max length must be an integer of at least 2 (got ${o.maxLength})`)
  if (!tok.chatTemplate)
    throw new StudioError(
      'chat-template-missing',
      `The tokenizer of ${tok.modelId} has no chat_template in tokenizer_config.json`,
      { modelId: tok.modelId },
    )
  const key = tokenizedKey({
    datasetKey: o.datasetKey,
    split: o.split,
    tokenizerId: tok.id,
    templateHash: tok.templateHash,
    maxLength: o.maxLength,
    trainOn: o.trainOn,
  })
  for (;;) {
    const cached = findSet(db, key)
    if (cached) return splitOf(db, key, cached, true)
    const running = building.get(key)
    if (!running) break
    // Another caller is writing this set; if it was cancelled, build it here.
    await running.catch(() => undefined)
    if (o.signal?.aborted) throw new StudioError('cancelled', 'Tokenization was cancelled')
  }
  const run = build(db, { ...o, key })
  building.set(key, run)
  try {
    return splitOf(db, key, await run, false)
  } finally {
    building.delete(key)
  }
}

/** An in-memory list of conversations as a row source (rows are list positions). */
function arraySource(conversations: readonly Conversation[]): RowSource {
  return {
    total: conversations.length,
    read(from, maxRows, maxChars) {
      const rows: number[] = []
      const json: string[] = []
      let chars = 0
      for (let i = from; i < conversations.length && rows.length < maxRows && chars < maxChars; i++) {
        rows.push(i)
        json.push(JSON.stringify(conversations[i].messages))
        chars += json[json.length - 1].length
      }
      return { rows, json }
    },
  }
}

/**
 * Tokenizes conversations into datums with exact masks, in worker threads, cached in SQLite under
 * (dataset split, tokenizer, chat template, max length, train-on). A warm call reads one row.
 */
export function tokenizeConversations(db: Db, o: TokenizeConversationsOptions): Promise<TokenizedSplit> {
  const { conversations, ...rest } = o
  return tokenizeSource(db, { ...rest, source: async () => arraySource(await conversations()) })
}

/** The split a command means when none is named: `train` if present, else the first one. */
export function defaultSplit(ds: DatasetInfo): string {
  if (ds.splits.length === 0)
    throw new StudioError('dataset-no-usable-rows', `Dataset "${ds.name}" has no splits`, { name: ds.name, splits: [] })
  return (ds.splits.find((s) => s.split === 'train') ?? ds.splits[0]).split
}

export type TokenizeSplitOptions = Omit<
  TokenizeConversationsOptions,
  'datasetKey' | 'datasetName' | 'split' | 'conversations'
> & {
  dataset: string
  /** Default: `train` if present, else the first split. */
  split?: string
}

/**
 * Tokenizes one split of a cached dataset (see tokenizeConversations), reading its rows from SQLite a
 * chunk at a time. The cache key uses the split's content hash, so a re-import with changed rows
 * re-tokenizes and an unchanged one does not.
 */
export async function tokenizeSplit(db: Db, o: TokenizeSplitOptions): Promise<TokenizedSplit> {
  const ds = getDataset(db, o.dataset)
  if (!ds)
    throw new StudioError(
      'dataset-not-cached',
      `No dataset named "${o.dataset}" in the local store; import it first`,
      { name: o.dataset },
    )
  const split = o.split ?? defaultSplit(ds)
  const info = ds.splits.find((s) => s.split === split)
  if (!info)
    throw new StudioError(
      'not-found',
      `Dataset "${ds.name}" has no split "${split}" (it has ${ds.splits.map((s) => s.split).join(', ')})`,
      {
        name: ds.name,
        split,
        splits: ds.splits.map((s) => s.split),
      },
    )
  return tokenizeSource(db, {
    ...o,
    datasetKey: info.contentHash,
    datasetName: ds.name,
    split,
    source: () => splitRowReader(db, ds.name, split),
  })
}
