import type { TrainOn } from '../../../shared/datum'
import { datumSkipReason } from './datums'
import { SKIP_NO_OFFSETS, skipTemplateError } from './skip-reasons'
import { byteLevelOffsets, computeMask, utf8Length, type MaskMessage, type TokenOffsets } from './mask'
import type { Renderer } from './render'

export type Encoded = { ids: Int32Array; offsets: TokenOffsets | null }
/** Encodes rendered texts with `add_special_tokens: false`, returning ids and token offsets. */
export type BatchEncoder = (texts: string[]) => Promise<Encoded[]>

/** Just the Rust `tokenizers` surface we use (the package's types are loose about option names). */
export type RustTokenizer = {
  encodeBatch(texts: string[], options?: { addSpecialTokens?: boolean }): Promise<RustEncoding[]>
}
type RustEncoding = { getIds(): number[]; getOffsets(): number[][] }

/** How a text's token offsets travel in a PackedEncoding. */
const OFFSETS_FROM_IDS = 0
const OFFSETS_CODEPOINT = 1
const OFFSETS_NONE = 2

/**
 * The ids of a batch of texts in flat typed arrays, so an encoder thread hands them to a render thread
 * by transfer, without copying. Offsets travel only for texts whose ids cannot give them: when the byte
 * table accounts for every byte of the text (the cheap path, no per-token offset arrays across N-API) the
 * receiver derives them from the ids; otherwise they are the encoder's own code point offsets, if any.
 */
export type PackedEncoding = {
  /** Token count per text. */
  lengths: Int32Array
  ids: Int32Array
  /** Per text: OFFSETS_FROM_IDS, OFFSETS_CODEPOINT (in starts/ends, at the ids' positions) or OFFSETS_NONE. */
  kinds: Uint8Array
  /** Empty unless some text has code point offsets. */
  starts: Int32Array
  ends: Int32Array
}

/** Encodes texts straight into a PackedEncoding. */
export type PackingEncoder = (texts: string[]) => Promise<PackedEncoding>

export const packedTransferList = (p: PackedEncoding): ArrayBuffer[] =>
  [p.lengths.buffer, p.ids.buffer, p.kinds.buffer, p.starts.buffer, p.ends.buffer] as ArrayBuffer[]

function byteTotal(ids: Int32Array, byteLength: Int32Array): number {
  let n = 0
  for (let i = 0; i < ids.length; i++) n += byteLength[ids[i]] ?? 0
  return n
}

/**
 * Packs per-text id lists. `offsetsOf(i)` gives text i's encoder offsets as [start, end] pairs, or null
 * when the encoder has none; it is only called for texts the byte table cannot account for.
 */
function pack(
  texts: readonly string[],
  idLists: readonly ArrayLike<number>[],
  byteLength: Int32Array | null,
  offsetsOf: (i: number) => ReadonlyArray<ArrayLike<number>> | null,
): PackedEncoding {
  const n = idLists.length
  let total = 0
  for (const list of idLists) total += list.length
  const lengths = new Int32Array(n)
  const ids = new Int32Array(total)
  const kinds = new Uint8Array(n)
  let starts = new Int32Array(0)
  let ends = new Int32Array(0)
  let at = 0
  for (let i = 0; i < n; i++) {
    const len = idLists[i].length
    ids.set(idLists[i], at)
    lengths[i] = len
    if (byteLength && byteTotal(ids.subarray(at, at + len), byteLength) === utf8Length(texts[i])) kinds[i] = OFFSETS_FROM_IDS
    else {
      const offsets = offsetsOf(i)
      if (!offsets) kinds[i] = OFFSETS_NONE
      else {
        kinds[i] = OFFSETS_CODEPOINT
        if (starts.length === 0) {
          starts = new Int32Array(total)
          ends = new Int32Array(total)
        }
        for (let k = 0; k < len; k++) {
          starts[at + k] = offsets[k][0]
          ends[at + k] = offsets[k][1]
        }
      }
    }
    at += len
  }
  return { lengths, ids, kinds, starts, ends }
}

/** Bulk encoder over the Rust `tokenizers` package (`encodeBatch` runs on its native thread pool). */
export function rustPackingEncoder(tokenizer: RustTokenizer, byteLength: Int32Array | null): PackingEncoder {
  return async (texts) => {
    const encodings = await tokenizer.encodeBatch(texts, { addSpecialTokens: false })
    return pack(
      texts,
      encodings.map((e) => e.getIds()),
      byteLength,
      (i) => encodings[i].getOffsets(),
    )
  }
}

/** Encoder over a transformers.js tokenizer (the reference; offsets only for byte-level BPE). */
export function jsPackingEncoder(encode: (text: string) => number[], byteLength: Int32Array | null): PackingEncoder {
  return async (texts) =>
    pack(
      texts,
      texts.map((t) => encode(t)),
      byteLength,
      () => null,
    )
}

/** The per-text ids and offsets of a PackedEncoding (views into its arrays). */
export function unpackEncoding(p: PackedEncoding, byteLength: Int32Array | null): Encoded[] {
  const out: Encoded[] = new Array(p.lengths.length)
  let at = 0
  for (let i = 0; i < p.lengths.length; i++) {
    const end = at + p.lengths[i]
    const ids = p.ids.subarray(at, end)
    const kind = p.kinds[i]
    const offsets: TokenOffsets | null =
      kind === OFFSETS_FROM_IDS && byteLength
        ? byteLevelOffsets(ids, byteLength)
        : kind === OFFSETS_CODEPOINT
          ? { unit: 'codepoint', starts: p.starts.subarray(at, end), ends: p.ends.subarray(at, end) }
          : null
    out[i] = { ids, offsets }
    at = end
  }
  return out
}

/** A BatchEncoder from a packing one (same thread, or an encoder thread behind `encodePacked`). */
export const unpackingEncoder =
  (encodePacked: PackingEncoder, byteLength: Int32Array | null): BatchEncoder =>
  async (texts) =>
    unpackEncoding(await encodePacked(texts), byteLength)

/** Rust `tokenizers` in this thread. */
export const rustBatchEncoder = (tokenizer: RustTokenizer, byteLength: Int32Array | null): BatchEncoder =>
  unpackingEncoder(rustPackingEncoder(tokenizer, byteLength), byteLength)

/** transformers.js in this thread. */
export const jsBatchEncoder = (encode: (text: string) => number[], byteLength: Int32Array | null): BatchEncoder =>
  unpackingEncoder(jsPackingEncoder(encode, byteLength), byteLength)

export type PipelineConfig = {
  render: Renderer
  encode: BatchEncoder
  terminators: string[]
  /** Normalize rendered text (and contents) to NFC first, as the tokenizer's normalizer will. */
  nfc: boolean
  trainOn: TrainOn
  maxLength: number
}

/** A tokenized batch packed into flat typed arrays (cheap to transfer between threads and to store). */
export type PackedBatch = {
  rows: Int32Array
  /** Whole rendered conversation length in tokens (0 when rendering failed). */
  fullLengths: Int32Array
  /** Tokens kept for the datum (`min(full, maxLength)`), 0 for skipped conversations. */
  keptLengths: Int32Array
  /** Weighted target tokens of the datum. */
  weighted: Int32Array
  /** Concatenated kept tokens / weights of the non-skipped conversations, in batch order. */
  tokens: Int32Array
  weights: Uint8Array
  skipped: { row: number; reason: string }[]
}

export type ConversationLike = { messages: readonly MaskMessage[] }

/** A batch for rows that yield nothing, each with its reason (e.g. the row crashed its worker). */
export function skippedBatch(rows: readonly number[], reason: string): PackedBatch {
  const n = rows.length
  return {
    rows: Int32Array.from(rows),
    fullLengths: new Int32Array(n),
    keptLengths: new Int32Array(n),
    weighted: new Int32Array(n),
    tokens: new Int32Array(0),
    weights: new Uint8Array(0),
    skipped: rows.map((row) => ({ row, reason })),
  }
}

/** Batches of consecutive rows joined into one, in the order given. */
export function concatBatches(parts: readonly PackedBatch[]): PackedBatch {
  const join = <T extends Int32Array | Uint8Array>(pick: (b: PackedBatch) => T, make: (n: number) => T): T => {
    const out = make(parts.reduce((n, b) => n + pick(b).length, 0))
    let at = 0
    for (const b of parts) {
      out.set(pick(b), at)
      at += pick(b).length
    }
    return out
  }
  const i32 = (n: number): Int32Array => new Int32Array(n)
  return {
    rows: join((b) => b.rows, i32),
    fullLengths: join((b) => b.fullLengths, i32),
    keptLengths: join((b) => b.keptLengths, i32),
    weighted: join((b) => b.weighted, i32),
    tokens: join((b) => b.tokens, i32),
    weights: join((b) => b.weights, (n) => new Uint8Array(n)),
    skipped: parts.flatMap((b) => b.skipped),
  }
}

/** Transfer list of a batch's arrays (they are moved to the receiving thread, not copied). */
export const batchTransferList = (b: PackedBatch): ArrayBuffer[] =>
  [b.rows.buffer, b.fullLengths.buffer, b.keptLengths.buffer, b.weighted.buffer, b.tokens.buffer, b.weights.buffer] as ArrayBuffer[]

/** Render + encode + mask + cut for one batch: the whole per-conversation path of `tokenizeSplit`. */
export async function processBatch(
  rows: readonly number[],
  conversations: readonly ConversationLike[],
  cfg: PipelineConfig,
): Promise<PackedBatch> {
  const n = conversations.length
  const texts: string[] = new Array(n)
  const messages: (readonly MaskMessage[])[] = new Array(n)
  const renderErrors = new Map<number, string>()
  for (let i = 0; i < n; i++) {
    let msgs = conversations[i].messages
    try {
      let text = cfg.render(msgs)
      if (cfg.nfc) {
        const normalized = text.normalize('NFC')
        if (normalized !== text) {
          text = normalized
          msgs = msgs.map((m) => ({ role: m.role, content: m.content.normalize('NFC') }))
        }
      }
      texts[i] = text
    } catch (err) {
      texts[i] = ''
      renderErrors.set(i, skipTemplateError(err instanceof Error ? err.message : String(err)))
    }
    messages[i] = msgs
  }
  const encoded = await cfg.encode(texts)

  const fullLengths = new Int32Array(n)
  const keptLengths = new Int32Array(n)
  const weighted = new Int32Array(n)
  const skipped: { row: number; reason: string }[] = []
  const keptIds: Int32Array[] = []
  const keptWeights: Uint8Array[] = []
  let total = 0
  for (let i = 0; i < n; i++) {
    const renderError = renderErrors.get(i)
    if (renderError) {
      skipped.push({ row: rows[i], reason: renderError })
      continue
    }
    const { ids, offsets } = encoded[i]
    fullLengths[i] = ids.length
    if (!offsets) {
      skipped.push({ row: rows[i], reason: SKIP_NO_OFFSETS })
      continue
    }
    const mask = computeMask(texts[i], messages[i], cfg.trainOn, offsets, cfg.terminators)
    if (mask.skipReason !== undefined) {
      skipped.push({ row: rows[i], reason: mask.skipReason })
      continue
    }
    const reason = datumSkipReason(mask.weights, ids.length, cfg.maxLength)
    if (reason !== null) {
      skipped.push({ row: rows[i], reason })
      continue
    }
    const kept = Math.min(ids.length, cfg.maxLength)
    let w = 0
    for (let t = 1; t < kept; t++) w += mask.weights[t]
    keptLengths[i] = kept
    weighted[i] = w
    keptIds.push(ids.subarray(0, kept))
    keptWeights.push(mask.weights.subarray(0, kept))
    total += kept
  }
  const tokens = new Int32Array(total)
  const weights = new Uint8Array(total)
  let at = 0
  for (let k = 0; k < keptIds.length; k++) {
    tokens.set(keptIds[k], at)
    weights.set(keptWeights[k], at)
    at += keptWeights[k].length
  }
  return { rows: Int32Array.from(rows), fullLengths, keptLengths, weighted, tokens, weights, skipped }
}
