import path from 'node:path'
import type { Conversation } from '../../../shared/chat'
import type { Datum, TrainOn } from '../../../shared/datum'
import { makeDatum } from './datums'
import { codepointOffsets, computeMask, type TokenOffsets } from './mask'
import { jsBatchEncoder } from './pipeline'
import type { StudioTokenizer } from './tokenizer'

export type Example = {
  /** The whole rendered conversation's tokens, before the cut. */
  tokens: number[]
  /** Per-token weight (same length as tokens). */
  weights: number[]
  /** Each token decoded on its own, for the mask preview. */
  pieces: string[]
  datum: Datum | null
  skipReason?: string
}

/** Token offsets from the Rust tokenizer, for tokenizers that are not byte-level BPE. */
async function rustOffsets(tok: StudioTokenizer, text: string): Promise<TokenOffsets> {
  const { Tokenizer } = await import('tokenizers')
  const enc = await Tokenizer.fromFile(path.join(tok.dir, 'tokenizer.json')).encode(text, null, { addSpecialTokens: false })
  return codepointOffsets(enc.getOffsets())
}

/**
 * One conversation through the same path as `tokenizeSplit` (transformers render + encode, exact
 * mask, guide datum), with per-token pieces for the UI's mask preview.
 */
export async function buildExample(
  tok: StudioTokenizer,
  conversation: Conversation,
  opts: { trainOn: TrainOn; maxLength: number },
): Promise<Example> {
  let text = tok.renderChat(conversation.messages)
  let messages: Conversation['messages'] = conversation.messages
  if (tok.nfc && text.normalize('NFC') !== text) {
    text = text.normalize('NFC')
    messages = messages.map((m) => ({ role: m.role, content: m.content.normalize('NFC') }))
  }
  const [encoded] = await jsBatchEncoder(tok.encode, tok.byteLength)([text])
  const tokens = Array.from(encoded.ids)
  const pieces = tokens.map((id) => tok.decode([id]))
  const offsets = encoded.offsets ?? (await rustOffsets(tok, text))
  const mask = computeMask(text, messages, opts.trainOn, offsets, tok.terminators)
  if (mask.skipReason !== undefined)
    return { tokens, weights: new Array<number>(tokens.length).fill(0), pieces, datum: null, skipReason: mask.skipReason }
  const weights = Array.from(mask.weights)
  const made = makeDatum(tokens, weights, opts.maxLength)
  return made.datum
    ? { tokens, weights, pieces, datum: made.datum }
    : { tokens, weights, pieces, datum: null, skipReason: made.skipReason }
}
