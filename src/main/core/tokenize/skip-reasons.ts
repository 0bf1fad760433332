/**
 * Why a conversation yields no datum. The tokenized store keeps the reason as English text (the app shows it
 * as it is); `parseSkipReason` reads that text back into its parts, so a command line can word it in the
 * reader's language. Every reason is written here, next to the parser that reads it.
 */
import type { TrainOn } from '../../../shared/datum'

export type SkipReason =
  | { kind: 'too-few-tokens'; tokens: number; maxLength: number }
  | { kind: 'beyond-max-length'; maxLength: number; firstTrained: number; length: number }
  | { kind: 'nothing-weighted' }
  | { kind: 'no-target-message'; assistantOnly: boolean }
  | { kind: 'not-verbatim'; message: number; role: string }
  | { kind: 'no-offsets' }
  | { kind: 'template-error'; error: string }
  /** Text written elsewhere (an older store): shown as it is. */
  | { kind: 'other'; text: string }

export const skipTooFewTokens = (tokens: number, maxLength: number): string =>
  `only ${tokens} token${tokens === 1 ? '' : 's'} after the cut to max length ${maxLength}`

export const skipBeyondMaxLength = (maxLength: number, firstTrained: number, length: number): string =>
  `no weighted target token within max length ${maxLength} (the first trained token is at position ${firstTrained} of ${length})`

export const SKIP_NOTHING_WEIGHTED = 'no weighted target token (nothing to train on)'

export const skipNoTargetMessage = (trainOn: TrainOn): string => `no ${trainOn === 'all' ? '' : 'assistant '}message to train on`

export const skipNotVerbatim = (message: number, role: string): string =>
  `message ${message} (${role}) does not appear verbatim in the rendered text: the chat template rewrites it (e.g. strips <think> reasoning), so an exact mask is impossible`

export const SKIP_NO_OFFSETS = 'this tokenizer reports no token offsets, so the mask cannot be computed exactly'

export const skipTemplateError = (error: string): string => `chat template error: ${error}`

const PATTERNS: [RegExp, (m: RegExpExecArray) => SkipReason][] = [
  [/^only (\d+) tokens? after the cut to max length (\d+)$/, (m) => ({ kind: 'too-few-tokens', tokens: Number(m[1]), maxLength: Number(m[2]) })],
  [
    /^no weighted target token within max length (\d+) \(the first trained token is at position (\d+) of (\d+)\)$/,
    (m) => ({ kind: 'beyond-max-length', maxLength: Number(m[1]), firstTrained: Number(m[2]), length: Number(m[3]) }),
  ],
  [/^no weighted target token \(nothing to train on\)$/, () => ({ kind: 'nothing-weighted' })],
  [/^no (assistant )?message to train on$/, (m) => ({ kind: 'no-target-message', assistantOnly: m[1] !== undefined })],
  [/^message (\d+) \((\w+)\) does not appear verbatim in the rendered text/, (m) => ({ kind: 'not-verbatim', message: Number(m[1]), role: m[2] })],
  [/^this tokenizer reports no token offsets/, () => ({ kind: 'no-offsets' })],
  [/^chat template error: ([\s\S]*)$/, (m) => ({ kind: 'template-error', error: m[1] })],
]

export function parseSkipReason(text: string): SkipReason {
  for (const [re, make] of PATTERNS) {
    const m = re.exec(text)
    if (m) return make(m)
  }
  return { kind: 'other', text }
}
