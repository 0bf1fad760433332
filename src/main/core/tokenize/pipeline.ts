import type { TrainOn } from '../../../shared/datum'
import { datumSkipReason } from './datums'
import { byteLevelOffsets, codepointOffsets, computeMask, utf8Length, type MaskMessage, type TokenOffsets } from './mask'
import type { Renderer } from './render'

export type Encoded = { ids: ArrayLike<number>; offsets: TokenOffsets | null }
/** Encodes rendered texts with `add_special_tokens: false`, returning ids and token offsets. */
export type BatchEncoder = (texts: string[]) => Promise<Encoded[]>

/** Just the Rust `tokenizers` surface we use (the package's types are loose about option names). */
export type RustTokenizer = {
  encodeBatch(texts: string[], options?: { addSpecialTokens?: boolean }): Promise<RustEncoding[]>
}
type RustEncoding = { getIds(): number[]; getOffsets(): number[][] }

/**
 * Byte-level offsets from the ids when the table accounts for every byte of the text (the cheap path:
 * no per-token offset arrays cross N-API); otherwise the encoder's own offsets, if it has any.
 */
function offsetsFor(
  text: string,
  ids: ArrayLike<number>,
  byteLength: Int32Array | null,
  fallback: (() => TokenOffsets) | null,
): TokenOffsets | null {
  if (byteLength) {
    const offsets = byteLevelOffsets(ids, byteLength)
    const total = ids.length ? offsets.ends[ids.length - 1] : 0
    if (total === utf8Length(text)) return offsets
  }
  return fallback ? fallback() : null
}

/** Bulk encoder over the Rust `tokenizers` package (`encodeBatch` runs on its native thread pool). */
export function rustBatchEncoder(tokenizer: RustTokenizer, byteLength: Int32Array | null): BatchEncoder {
  return async (texts) => {
    const encodings = await tokenizer.encodeBatch(texts, { addSpecialTokens: false })
    return encodings.map((e, i) => {
      const ids = e.getIds()
      return { ids, offsets: offsetsFor(texts[i], ids, byteLength, () => codepointOffsets(e.getOffsets())) }
    })
  }
}

/** Encoder over a transformers.js tokenizer (the reference; offsets only for byte-level BPE). */
export function jsBatchEncoder(encode: (text: string) => number[], byteLength: Int32Array | null): BatchEncoder {
  return async (texts) =>
    texts.map((text) => {
      const ids = encode(text)
      return { ids, offsets: offsetsFor(text, ids, byteLength, null) }
    })
}

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
      renderErrors.set(i, `chat template error: ${err instanceof Error ? err.message : String(err)}`)
    }
    messages[i] = msgs
  }
  const encoded = await cfg.encode(texts)

  const fullLengths = new Int32Array(n)
  const keptLengths = new Int32Array(n)
  const weighted = new Int32Array(n)
  const skipped: { row: number; reason: string }[] = []
  const keptIds: ArrayLike<number>[] = []
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
      skipped.push({ row: rows[i], reason: 'this tokenizer reports no token offsets, so the mask cannot be computed exactly' })
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
    keptIds.push(ids.length === kept ? ids : Array.prototype.slice.call(ids, 0, kept))
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
