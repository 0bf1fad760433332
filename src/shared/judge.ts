/**
 * Judging a run the way the guide asks ("参数选择"): how long to train (epochs of the data actually trained on),
 * how much the held-out set can be trusted, the best test NLL and its step, and whether the curves say the run is
 * fine, overfitting, diverging or too slow. Pure functions: the runner, the sweep, the CLI and the renderer (live,
 * from the curves it has so far) all use these, so a verdict reads the same everywhere.
 */
import {
  BEST_MIN_IMPROVEMENT,
  EPOCHS_MAX_TARGET_EXAMPLES,
  EPOCHS_MIN,
  EPOCHS_TARGET,
  EVAL_MIN_CONVERSATIONS,
  EVAL_MIN_WEIGHTED_TOKENS,
  EVAL_SUGGESTED_FRACTION_MAX,
  EVAL_SUGGESTED_FRACTION_STEP,
  HELDOUT_FRACTION,
  HELDOUT_MAX,
  OVERFIT_MARGIN,
  TOO_SLOW_LATE_SHARE,
  TOO_SLOW_MIN_DROP,
  TRAIN_WINDOW_FRACTION,
  UNSTABLE_TRAIN_RISE,
} from './defaults'

/** [step, value] pairs in step order (the same shape as `Series` in runs.ts). */
type Points = readonly (readonly [number, number])[]

// ── Data: held-out slice, epochs, default length ─────────────────────────────────────────────────────

/** Conversations held out of `n` training examples when the dataset has no test split. */
export const heldOutCount = (n: number, fraction: number = HELDOUT_FRACTION): number =>
  n < 2 ? 0 : Math.max(1, Math.min(HELDOUT_MAX, Math.round(n * fraction)))

/** Epochs a run of this many training examples gets by default (see EPOCHS_TARGET in defaults.ts). */
export function defaultEpochs(trainExamples: number): number {
  if (trainExamples <= 0) return EPOCHS_MIN
  if (trainExamples * EPOCHS_TARGET <= EPOCHS_MAX_TARGET_EXAMPLES) return EPOCHS_TARGET
  return Math.max(EPOCHS_MIN, Math.floor(EPOCHS_MAX_TARGET_EXAMPLES / trainExamples))
}

/** Steps for `epochs` passes over `trainExamples` at `batchSize` (a batch that crosses an epoch's end wraps). */
export const stepsForEpochs = (epochs: number, trainExamples: number, batchSize: number): number =>
  Math.max(1, Math.ceil((epochs * Math.max(trainExamples, 1)) / batchSize))

export const defaultSteps = (trainExamples: number, batchSize: number): number =>
  stepsForEpochs(defaultEpochs(trainExamples), trainExamples, batchSize)

/** Passes over the training examples that `steps` batches make; null when the examples are unknown. */
export const epochsOf = (steps: number, batchSize: number, trainExamples: number | null): number | null =>
  trainExamples && trainExamples > 0 ? (steps * batchSize) / trainExamples : null

export type EvalPlan = {
  /** Where test NLL is measured: a split of the dataset, a slice held out of the training split, or nowhere. */
  source: 'split' | 'held-out' | 'none'
  /** Conversations test NLL is averaged over. */
  conversations: number
  /** Conversations it was chosen from: the test split's, or the training split's before the slice was held out. */
  of: number
  /** The held-out fraction (held-out source only). */
  fraction: number | null
  /** Conversations removed from training (held-out source only). */
  heldOut: number
  /** Conversations left to train on. */
  trainExamples: number
  /** Assistant (weighted) tokens test NLL is averaged over, when known or estimated. */
  weightedTokens: number | null
  /** Fewer than EVAL_MIN_CONVERSATIONS conversations or EVAL_MIN_WEIGHTED_TOKENS tokens: the numbers are noisy. */
  tooSmall: boolean
  /** A larger held-out fraction worth offering (see largerFraction), or null. */
  suggestedFraction: number | null
}

/**
 * What a run will train and test on, from the counts alone (the same selection the runner makes): `trainDatums`
 * usable conversations of the training split (skipped ones excluded), the eval split's size if one is used.
 * `weightedPerConversation` (mean assistant tokens per conversation) estimates the eval tokens before a run.
 */
export function planData(o: {
  trainDatums: number
  evalSplitDatums: number | null
  evalSetSize: number
  heldOutFraction?: number
  weightedPerConversation?: number | null
  /** The measured eval tokens (after a run), which replace the estimate. */
  evalWeightedTokens?: number | null
}): EvalPlan {
  const fraction = o.heldOutFraction ?? HELDOUT_FRACTION
  const estimate = (n: number): number | null =>
    o.evalWeightedTokens ?? (o.weightedPerConversation != null ? Math.round(o.weightedPerConversation * n) : null)
  const judged = (p: Omit<EvalPlan, 'tooSmall' | 'suggestedFraction'>): EvalPlan => {
    const tooSmall =
      p.source !== 'none' && (p.conversations < EVAL_MIN_CONVERSATIONS || (p.weightedTokens !== null && p.weightedTokens < EVAL_MIN_WEIGHTED_TOKENS))
    return { ...p, tooSmall, suggestedFraction: tooSmall && p.source !== 'split' ? largerFraction(o.trainDatums, fraction) : null }
  }
  if (o.evalSplitDatums !== null) {
    const n = Math.min(o.evalSplitDatums, o.evalSetSize)
    return judged({
      source: n > 0 ? 'split' : 'none',
      conversations: n,
      of: o.evalSplitDatums,
      fraction: null,
      heldOut: 0,
      trainExamples: o.trainDatums,
      weightedTokens: n > 0 ? estimate(n) : null,
    })
  }
  if (o.evalSetSize === 0) return judged({ source: 'none', conversations: 0, of: o.trainDatums, fraction: null, heldOut: 0, trainExamples: o.trainDatums, weightedTokens: null })
  const k = heldOutCount(o.trainDatums, fraction)
  const n = Math.min(k, o.evalSetSize)
  return judged({
    source: k > 0 ? 'held-out' : 'none',
    conversations: n,
    of: o.trainDatums,
    fraction,
    heldOut: k,
    trainExamples: o.trainDatums - k,
    weightedTokens: n > 0 ? estimate(n) : null,
  })
}

/**
 * The smallest held-out fraction (in EVAL_SUGGESTED_FRACTION_STEP steps, at most EVAL_SUGGESTED_FRACTION_MAX) that
 * holds out EVAL_MIN_CONVERSATIONS conversations; for a dataset too small for that, the largest one if it at least
 * doubles the slice, else null.
 */
function largerFraction(n: number, current: number): number | null {
  const steps = Math.round(EVAL_SUGGESTED_FRACTION_MAX / EVAL_SUGGESTED_FRACTION_STEP)
  let last: number | null = null
  for (let i = 1; i <= steps; i++) {
    const f = Math.round(i * EVAL_SUGGESTED_FRACTION_STEP * 100) / 100
    if (f <= current || heldOutCount(n, f) <= heldOutCount(n, current)) continue
    last = f
    if (heldOutCount(n, f) >= EVAL_MIN_CONVERSATIONS) return f
  }
  return last !== null && heldOutCount(n, last) >= 2 * heldOutCount(n, current) ? last : null
}

// ── Curves: best step and verdict ────────────────────────────────────────────────────────────────────

export type Verdict = 'fine' | 'overfit' | 'diverged' | 'too-slow'

export type RunJudgement = {
  /** The lowest test NLL and the step it was measured at (the earliest, among equal values). */
  best: { step: number; testNll: number } | null
  /** 'fine' until the curves say otherwise; 'too-slow' is only said of a finished run. */
  verdict: Verdict
  /** The latest test NLL relative to the best (0.12 = 12% above it); null without test NLL. */
  riseAboveBest: number | null
  /** Overfitting: the first evaluation more than OVERFIT_MARGIN above the best. */
  overfitFrom: number | null
  /** Train NLL (window mean) lower now than around the best step; null when there are too few steps to tell. */
  trainFalling: boolean | null
  /** How much test NLL fell over the last quarter of the run, relative (too-slow is judged on it). */
  lateDrop: number | null
}

/** Whether `v` is a new best after `best` (the runner saves a checkpoint exactly then). */
export const isNewBest = (best: number | null, v: number): boolean =>
  Number.isFinite(v) && (best === null || v < best - Math.abs(best) * BEST_MIN_IMPROVEMENT)

export function bestOf(test: Points): { step: number; testNll: number } | null {
  let best: { step: number; testNll: number } | null = null
  for (const [step, v] of test) if (isNewBest(best?.testNll ?? null, v)) best = { step, testNll: v }
  return best
}

/**
 * The guide's three failure shapes, told apart:
 *  - diverged: the run failed with a diverging loss, train NLL went non-finite, or train NLL (window mean) rose
 *    UNSTABLE_TRAIN_RISE above its lowest — or test NLL rose past the margin while train NLL rose too;
 *  - overfit: test NLL more than OVERFIT_MARGIN above its best while train NLL keeps falling;
 *  - too-slow (finished runs only): test NLL still at its best and still falling steeply at the end.
 */
export function judgeRun(i: { train: Points; test: Points; finished: boolean; diverged?: boolean }): RunJudgement {
  const train = i.train.filter(([s]) => Number.isFinite(s))
  const test = i.test.filter(([, v]) => Number.isFinite(v))
  const best = bestOf(test)
  const last = test.at(-1) ?? null
  const riseAboveBest = best && last ? last[1] / best.testNll - 1 : null
  const window = Math.max(3, Math.round(train.length * TRAIN_WINDOW_FRACTION))
  const meanUpTo = (step: number): number | null => {
    const pts = train.filter(([s, v]) => s <= step && s > step - window && Number.isFinite(v))
    return pts.length ? pts.reduce((n, [, v]) => n + v, 0) / pts.length : null
  }
  const lastTrainStep = train.at(-1)?.[0] ?? null
  let trainFalling: boolean | null = null
  if (best && last && lastTrainStep !== null && best.step < last[0]) {
    const then = meanUpTo(Math.max(best.step, window))
    const now = meanUpTo(lastTrainStep)
    if (then !== null && now !== null) trainFalling = now < then
  }
  const overfitFrom = best && riseAboveBest !== null && riseAboveBest > OVERFIT_MARGIN
    ? (test.find(([s, v]) => s > best.step && v > best.testNll * (1 + OVERFIT_MARGIN))?.[0] ?? null)
    : null

  const judged = (verdict: Verdict, lateDrop: number | null = null): RunJudgement => ({ best, verdict, riseAboveBest, overfitFrom, trainFalling, lateDrop })

  if (i.diverged || train.some(([, v]) => !Number.isFinite(v))) return judged('diverged')
  if (trainRose(train, window)) return judged('diverged')
  if (overfitFrom !== null) return judged(trainFalling === false ? 'diverged' : 'overfit')

  // Too slow: at its best at the end, with the last quarter bringing a large share of the fall.
  if (i.finished && best && last && test.length >= 3 && last[0] === best.step && last[0] > 0) {
    const quarter = [...test].reverse().find(([s]) => s <= 0.75 * last[0]) ?? test[0]
    const total = test[0][1] - last[1]
    const late = quarter[1] - last[1]
    const lateDrop = quarter[1] > 0 ? late / quarter[1] : null
    if (total > 0 && late / total >= TOO_SLOW_LATE_SHARE && lateDrop !== null && lateDrop >= TOO_SLOW_MIN_DROP) return judged('too-slow', lateDrop)
    return judged('fine', lateDrop)
  }
  return judged('fine')
}

/** Train NLL's window mean now is UNSTABLE_TRAIN_RISE above its lowest window mean earlier in the run. */
function trainRose(train: Points, window: number): boolean {
  if (train.length < 2 * window) return false
  const means: number[] = []
  let sum = 0
  for (let k = 0; k < train.length; k++) {
    sum += train[k][1]
    if (k >= window) sum -= train[k - window][1]
    if (k >= window - 1) means.push(sum / window)
  }
  const now = means.at(-1)!
  const lowest = Math.min(...means.slice(0, -1))
  return now > lowest * (1 + UNSTABLE_TRAIN_RISE)
}

/** Evaluations since the best one (the early-stop counter): 0 right after a new best. */
export function evalsSinceBest(test: Points): number {
  const best = bestOf(test)
  if (!best) return 0
  return test.filter(([s, v]) => s > best.step && Number.isFinite(v)).length
}
