import type { TrainOn } from '../../../shared/datum'
import { skipNoTargetMessage, skipNotVerbatim } from './skip-reasons'

/** The part of a chat message the mask needs; structurally a `ChatMessage`. */
export type MaskMessage = { role: string; content: string }

/**
 * Where each token sits in the rendered text, in the unit the encoder reports: UTF-8 bytes (derived
 * from byte-level BPE pieces) or Unicode code points (the Rust `tokenizers` offsets).
 */
export type TokenOffsets = { unit: 'utf8' | 'codepoint'; starts: Int32Array; ends: Int32Array }

type MaskResult = { weights: Uint8Array; skipReason?: undefined } | { weights?: undefined; skipReason: string }

/** The messages whose content (and end-of-turn token) carries weight 1. */
function weightedMessageIndexes(messages: readonly MaskMessage[], trainOn: TrainOn): number[] {
  if (trainOn === 'all') return messages.map((_, i) => i)
  const assistant = messages.flatMap((m, i) => (m.role === 'assistant' ? [i] : []))
  return trainOn === 'last-assistant' ? assistant.slice(-1) : assistant
}

const TERMINATOR_NAME = /im_end|eot|end.?of.?(turn|text|sentence)|endoftext|^<eos>$|^<\/s>$/i

/**
 * Turn terminators: the eos token plus the special tokens whose name says they end something
 * (`<|im_end|>`, `<|endoftext|>`, `<|eot_id|>`, `<end_of_turn>`, `</s>` …). Longest first so `indexOf`/`startsWith`
 * never prefers a shorter token that is a prefix of a longer one.
 */
export function turnTerminators(eosToken: string | null, specialTokens: readonly string[]): string[] {
  const out = new Set<string>()
  if (eosToken) out.add(eosToken)
  for (const t of specialTokens) if (TERMINATOR_NAME.test(t)) out.add(t)
  return [...out].sort((a, b) => b.length - a.length)
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9

/** End (UTF-16 index) of a terminator that follows `pos` after optional whitespace, or -1. */
function terminatorEnd(text: string, pos: number, terminators: readonly string[]): number {
  let p = pos
  while (p < text.length && isSpace(text.charCodeAt(p))) p++
  for (const t of terminators) if (text.startsWith(t, p)) return p + t.length
  return -1
}

/**
 * Finds each message's content in the rendered text by an ordered search. Among several occurrences
 * after the cursor, the first one closed by a turn terminator wins (so an assistant reply "assistant"
 * does not match the role header); templates that trim content are matched by the trimmed text.
 * A message whose text the template rewrote (e.g. Qwen3 moving `<think>` reasoning out of the content)
 * gets `null`.
 */
export function locateContents(
  text: string,
  messages: readonly MaskMessage[],
  terminators: readonly string[],
): Array<{ start: number; end: number } | null> {
  const spans: Array<{ start: number; end: number } | null> = []
  let cursor = 0
  for (const m of messages) {
    let found: { start: number; end: number } | null = null
    const variants = m.content.trim() === m.content ? [m.content] : [m.content, m.content.trim()]
    for (const needle of variants) {
      if (needle.length === 0) continue
      let first = -1
      let at = text.indexOf(needle, cursor)
      while (at >= 0) {
        if (first < 0) first = at
        if (terminatorEnd(text, at + needle.length, terminators) >= 0) {
          first = at
          break
        }
        at = text.indexOf(needle, at + 1)
      }
      if (first >= 0) {
        found = { start: first, end: first + needle.length }
        break
      }
    }
    spans.push(found)
    if (found) cursor = found.end
  }
  return spans
}

/** Converts ascending UTF-16 positions of `text` to UTF-8 byte or code-point positions in one pass. */
export function toUnits(text: string, positions: readonly number[], unit: TokenOffsets['unit']): number[] {
  const out: number[] = new Array(positions.length)
  let i = 0
  let units = 0
  for (let k = 0; k < positions.length; k++) {
    const target = positions[k]
    while (i < target) {
      const c = text.charCodeAt(i)
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1)
        if (d >= 0xdc00 && d <= 0xdfff) {
          units += unit === 'utf8' ? 4 : 1
          i += 2
          continue
        }
      }
      units += unit === 'utf8' ? (c < 0x80 ? 1 : c < 0x800 ? 2 : 3) : 1
      i++
    }
    out[k] = units
  }
  return out
}

/** UTF-8 length of a JS string (native, no copy). */
export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8')

/** Token offsets of a byte-level BPE encoding: each token's UTF-8 length comes from its vocabulary piece. */
export function byteLevelOffsets(ids: ArrayLike<number>, byteLength: Int32Array): TokenOffsets {
  const n = ids.length
  const starts = new Int32Array(n)
  const ends = new Int32Array(n)
  let pos = 0
  for (let i = 0; i < n; i++) {
    starts[i] = pos
    pos += byteLength[ids[i]] ?? 0
    ends[i] = pos
  }
  return { unit: 'utf8', starts, ends }
}

/** Offsets as the Rust `tokenizers` package reports them (code points, `[start, end]` pairs). */
export function codepointOffsets(offsets: ReadonlyArray<ArrayLike<number>>): TokenOffsets {
  const starts = new Int32Array(offsets.length)
  const ends = new Int32Array(offsets.length)
  for (let i = 0; i < offsets.length; i++) {
    starts[i] = offsets[i][0]
    ends[i] = offsets[i][1]
  }
  return { unit: 'codepoint', starts, ends }
}

/**
 * Exact loss weights from ONE rendering of the whole conversation: weight 1 on every token that
 * starts inside a weighted message's content (after its leading whitespace), and on the whitespace +
 * end-of-turn token that closes it;
 * 0 on role headers, other turns and scaffolding (e.g. Qwen3's empty `<think>\n\n</think>\n\n`).
 */
export function computeMask(
  text: string,
  messages: readonly MaskMessage[],
  trainOn: TrainOn,
  offsets: TokenOffsets,
  terminators: readonly string[],
): MaskResult {
  const targets = weightedMessageIndexes(messages, trainOn)
  if (targets.length === 0) return { skipReason: skipNoTargetMessage(trainOn) }
  const spans = locateContents(text, messages, terminators)
  const bounds: number[] = []
  for (const i of targets) {
    const span = spans[i]
    if (!span) return { skipReason: skipNotVerbatim(i + 1, messages[i].role) }
    // Leading whitespace is never weighted: templates strip it (Qwen's lstrip, Llama's trim) or the
    // tokenizer merges it into the header's own newline, so it cannot be told apart from scaffolding.
    let start = span.start
    while (start < span.end && /\s/.test(text[start])) start++
    const close = terminatorEnd(text, span.end, terminators)
    bounds.push(start, close >= 0 ? close : span.end)
  }
  const units = toUnits(text, bounds, offsets.unit)
  const { starts } = offsets
  const n = starts.length
  const weights = new Uint8Array(n)
  let k = 0
  for (let b = 0; b < units.length; b += 2) {
    const from = units[b]
    const to = units[b + 1]
    // A token that straddles the start holds template text (e.g. the header's newline merged with a
    // reply that starts with one): it stays 0, so no scaffolding is ever trained on.
    while (k < n && starts[k] < from) k++
    for (let j = k; j < n && starts[j] < to; j++) weights[j] = 1
  }
  return { weights }
}
