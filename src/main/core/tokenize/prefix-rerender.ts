import type { ChatMessage } from '../../../shared/chat'

/*
 * The per-message prefix re-rendering approach (render messages[:i] for every i and give the tokens
 * that appear the role of message i), kept as the baseline the single-rendering mask is compared with
 * in tests and the benchmark. With the Qwen3-2507 template it is wrong for multi-turn conversations: an
 * earlier assistant turn renders differently once a later user turn follows, so prefixes misalign.
 */

/** The rendering of every message prefix, messages[:1] … messages[:n]. */
export const prefixTexts = (messages: readonly ChatMessage[], render: (m: readonly ChatMessage[]) => string): string[] =>
  messages.map((_, i) => render(messages.slice(0, i + 1)))

/** Tokens and weights by prefix differences, given the ids of each prefix text. */
export function assemblePrefixExample(
  messages: readonly ChatMessage[],
  texts: readonly string[],
  ids: ReadonlyArray<ArrayLike<number>>,
): { tokens: number[]; weights: number[]; prefixViolations: number } {
  const tokens: number[] = []
  const weights: number[] = []
  let prefixViolations = 0
  for (let i = 0; i < messages.length; i++) {
    if (i > 0 && !texts[i].startsWith(texts[i - 1])) prefixViolations++
    const w = messages[i].role === 'assistant' ? 1 : 0
    for (let k = tokens.length; k < ids[i].length; k++) {
      tokens.push(ids[i][k])
      weights.push(w)
    }
  }
  return { tokens, weights, prefixViolations }
}
