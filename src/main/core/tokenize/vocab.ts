import { utf8Length } from './mask'

type AddedToken = { id: number; content: string; special?: boolean }
/** The parts of a `tokenizer.json` this module reads. */
export type TokenizerJson = {
  normalizer?: { type?: string } | null
  decoder?: { type?: string } | null
  model?: { type?: string; vocab?: Record<string, number> | Array<[string, number]> }
  added_tokens?: AddedToken[]
}

/**
 * UTF-8 length of every token of a byte-level BPE tokenizer (GPT-2 / Llama-3 / Qwen style), so token
 * offsets follow from the ids alone: a vocabulary piece has one character per byte, an added token
 * is its literal text. Null for other tokenizers (SentencePiece, WordPiece …), which then need the
 * encoder's own offsets.
 */
export function byteLengthTable(json: TokenizerJson): Int32Array | null {
  if (json.decoder?.type !== 'ByteLevel' || json.model?.type !== 'BPE') return null
  const vocab = json.model.vocab
  if (!vocab || Array.isArray(vocab)) return null
  let size = 0
  for (const id of Object.values(vocab)) size = Math.max(size, id + 1)
  for (const t of json.added_tokens ?? []) size = Math.max(size, t.id + 1)
  // Shared memory: every tokenizer thread reads this one table instead of receiving a copy.
  const table = new Int32Array(new SharedArrayBuffer(size * Int32Array.BYTES_PER_ELEMENT))
  for (const [piece, id] of Object.entries(vocab)) table[id] = piece.length
  for (const t of json.added_tokens ?? []) table[t.id] = utf8Length(t.content)
  return table
}

/** Contents of the added tokens flagged special (candidates for turn terminators). */
export const specialTokenStrings = (json: TokenizerJson): string[] =>
  (json.added_tokens ?? []).filter((t) => t.special).map((t) => t.content)

/** Whether encoding normalizes text to NFC (so the mask searches NFC text) or leaves it as is. */
export function normalizerKind(json: TokenizerJson): 'none' | 'nfc' | 'other' {
  const t = json.normalizer?.type
  if (!json.normalizer) return 'none'
  return t === 'NFC' ? 'nfc' : 'other'
}
