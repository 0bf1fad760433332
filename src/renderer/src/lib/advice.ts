/**
 * The guide's parameter advice as pure functions, so the wizard's warnings and presets are testable without
 * a browser. Thresholds come from src/shared/defaults.ts (which cites the guide), never from components.
 */
import {
  LEARNING_RATE_CONSERVATIVE,
  LEARNING_RATE_DEFAULT,
  LEARNING_RATE_FAST,
  LEARNING_RATE_SANE_MAX,
  LEARNING_RATE_SANE_MIN,
  LEARNING_RATE_SLOW,
  LORA_RANK_DEFAULT,
  SWEEP_MODERATE_RANK,
} from '../../../shared/defaults'

export type PresetId = 'strong-default' | 'faster' | 'conservative'
export type Preset = { id: PresetId; rank: number; learningRate: number }

/** GUIDE "实用建议": strong default rank 8/32 + 1e-4; faster 1e-3 (riskier); lower the LR if unstable. */
export const PRESETS: readonly Preset[] = [
  { id: 'strong-default', rank: LORA_RANK_DEFAULT, learningRate: LEARNING_RATE_DEFAULT },
  { id: 'faster', rank: LORA_RANK_DEFAULT, learningRate: LEARNING_RATE_FAST },
  { id: 'conservative', rank: LORA_RANK_DEFAULT, learningRate: LEARNING_RATE_CONSERVATIVE },
]

export type AdviceId = 'lr-slow' | 'lr-unstable' | 'lr-far-low' | 'lr-far-high' | 'rank-above-max' | 'rank-harder-task'
/** `strong`: far outside what the guide tried — allowed, but said as loudly as an error; `error` blocks. */
export type Advice = { id: AdviceId; severity: 'info' | 'warning' | 'strong' | 'error'; values: Record<string, number> }

/** Where a learning rate sits against the guide's experiments (null: nothing to say). */
export function learningRateAdvice(learningRate: number): Advice | null {
  const values = { lr: learningRate }
  if (learningRate < LEARNING_RATE_SANE_MIN) return { id: 'lr-far-low', severity: 'strong', values }
  if (learningRate > LEARNING_RATE_SANE_MAX) return { id: 'lr-far-high', severity: 'strong', values }
  if (learningRate <= LEARNING_RATE_SLOW) return { id: 'lr-slow', severity: 'warning', values }
  if (learningRate >= LEARNING_RATE_FAST) return { id: 'lr-unstable', severity: 'warning', values }
  return null
}

/**
 * The guide's warnings for a rank and learning rate (null: the typed LR is not a number, so nothing is said
 * about it). Advice never contradicts a limit: above the server's maximum, only that is said about the rank.
 */
export function rankLrAdvice(rank: number, learningRate: number | null, serverMaxRank: number | undefined): Advice[] {
  const out: Advice[] = []
  const lr = learningRate === null ? null : learningRateAdvice(learningRate)
  if (lr) out.push(lr)
  if (serverMaxRank !== undefined && rank > serverMaxRank) out.push({ id: 'rank-above-max', severity: 'error', values: { rank, max: serverMaxRank } })
  else if (rank > SWEEP_MODERATE_RANK) out.push({ id: 'rank-harder-task', severity: 'info', values: { rank, moderate: SWEEP_MODERATE_RANK } })
  return out
}

export type Estimates = {
  /** Mean tokens per conversation after the max-length cut, times the batch size. */
  tokensPerStep: number | null
  stepsPerEpoch: number | null
  epochs: number | null
  /** Seconds, from a measured tokens/s of an earlier run on this server; null when nothing was measured. */
  seconds: number | null
}

export function estimateRun(opts: {
  batchSize: number
  steps: number
  trainRows: number | null
  meanTokens: number | null
  tokensPerS: number | null
}): Estimates {
  const tokensPerStep = opts.meanTokens === null ? null : Math.round(opts.meanTokens * opts.batchSize)
  const stepsPerEpoch = opts.trainRows ? Math.ceil(opts.trainRows / opts.batchSize) : null
  // Exactly the passes the batches make (a batch that crosses an epoch's end wraps into the next one).
  const epochs = opts.trainRows ? (opts.steps * opts.batchSize) / opts.trainRows : null
  const seconds =
    tokensPerStep !== null && opts.tokensPerS && opts.tokensPerS > 0 ? (tokensPerStep * opts.steps) / opts.tokensPerS : null
  return { tokensPerStep, stepsPerEpoch, epochs, seconds }
}

/**
 * The guide's OOM order: lower max length first (largest saving), then batch size, then rank. Returns the
 * next values to try, each halved but not below a floor that still trains.
 */
export function oomSuggestion(cur: { maxLength: number; batchSize: number; rank: number }, p95Tokens: number | null) {
  const halfLength = Math.max(64, Math.floor(cur.maxLength / 2))
  // If most conversations fit well below the current limit, p95 is a better target than a blind halving.
  const maxLength = p95Tokens !== null && p95Tokens < cur.maxLength ? Math.max(64, Math.min(halfLength, roundUp(p95Tokens, 64))) : halfLength
  return {
    maxLength,
    batchSize: Math.max(1, Math.floor(cur.batchSize / 2)),
    rank: Math.max(1, cur.rank > 8 ? 8 : Math.floor(cur.rank / 2)),
  }
}

const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m
