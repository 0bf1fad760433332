/**
 * One next-token-prediction example, exactly as the guide builds it and as TuFT's `forward_backward`
 * takes it: `model_input = tokens[:-1]`, `target_tokens = tokens[1:]`, `weights = weights[1:]`.
 */
export type Datum = { model_input: number[]; target_tokens: number[]; weights: number[] }

/** Which message contents carry loss weight (plus the end-of-turn token that closes each). */
export type TrainOn = 'all-assistant' | 'last-assistant' | 'all'

export const TRAIN_ON_VALUES = ['all-assistant', 'last-assistant', 'all'] as const satisfies readonly TrainOn[]

export const isTrainOn = (x: unknown): x is TrainOn =>
  typeof x === 'string' && (TRAIN_ON_VALUES as readonly string[]).includes(x)

/** Token statistics of one tokenized split. Lengths are of the whole rendered conversation, before the cut. */
export type TokenStats = {
  conversations: number
  /** Sum of the rendered conversations' token counts before truncation. */
  totalTokens: number
  /** Sum of the weights of the datums' target tokens (after truncation, skipped conversations excluded). */
  weightedTokens: number
  p50: number
  p95: number
  max: number
  /** `counts[i]` conversations have a length in `[edges[i], edges[i+1])` (the last bin includes its right edge). */
  histogram: { edges: number[]; counts: number[] }
  /** Share of conversations longer than the max length (cut by truncation). */
  truncatedShare: number
  /** The 95th percentile of lengths: a max length that keeps 95 % of conversations whole. */
  suggestedMaxLength: number
}
