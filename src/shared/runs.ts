/**
 * Run engine types shared by the main process (src/main/core/runs), the IPC contract and the renderer:
 * the run config schema, the events a run emits while it trains, and the DTOs the history API returns.
 * No node or electron imports: the renderer imports this file as is.
 */
import { z } from 'zod'
import {
  ADAM_DEFAULTS,
  BATCH_SIZE_DEFAULT,
  CHECKPOINT_EVERY_DEFAULT,
  EVAL_EVERY_DEFAULT,
  EVAL_SET_SIZE_DEFAULT,
  HELDOUT_FRACTION_MAX,
  KEEP_CHECKPOINTS_DEFAULT,
  LEARNING_RATE_DEFAULT,
  LORA_RANK_DEFAULT,
  MAX_LENGTH_DEFAULT,
  PIPELINE_LOOKAHEAD_DEFAULT,
  SEED_DEFAULT,
} from './defaults'
import type { ErrorCode } from './error-codes'
import type { EvalPlan, RunJudgement, Verdict } from './judge'

// ── Config ────────────────────────────────────────────────────────────────────────────────────────────

/** Where a run trains. The API key is never stored with the run: it is given again on resume. */
export const ServerConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sandbox') }),
  z.object({
    kind: z.literal('remote'),
    /** Absent: discovered (TUFT_ADDRESS, TINKER_BASE_URL, ~/.tuft/tuft_current_server, default). */
    url: z.string().url().optional(),
    apiKey: z.string().min(1).optional(),
  }),
])
export type ServerConfig = z.infer<typeof ServerConfigSchema>

export const TrainOnSchema = z.enum(['all-assistant', 'last-assistant', 'all'])

export const AdamOverridesSchema = z
  .object({
    beta1: z.number().min(0).lt(1),
    beta2: z.number().min(0).lt(1),
    eps: z.number().positive(),
    weightDecay: z.number().min(0),
    gradClipNorm: z.number().min(0),
  })
  .partial()

export const RunConfigSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    server: ServerConfigSchema.default({ kind: 'sandbox' }),
    /** Absent: the server's first supported model. */
    baseModel: z.string().min(1).optional(),
    /** A tokenizer model id or a folder with tokenizer.json + tokenizer_config.json; absent: the model's own. */
    tokenizer: z.string().min(1).optional(),
    dataset: z.object({
      /** Name of a dataset already imported into the local store. */
      name: z.string().min(1),
      /** Training split; absent: `train` when the dataset has it, else its first split. */
      split: z.string().min(1).optional(),
      /** Split used for test NLL; absent: `test` when the dataset has it, else a seeded held-out slice. */
      evalSplit: z.string().min(1).optional(),
    }),
    rank: z.number().int().positive().default(LORA_RANK_DEFAULT),
    trainMlp: z.boolean().default(true),
    trainAttn: z.boolean().default(true),
    trainUnembed: z.boolean().default(true),
    learningRate: z.number().positive().default(LEARNING_RATE_DEFAULT),
    adam: AdamOverridesSchema.default({}),
    batchSize: z.number().int().positive().default(BATCH_SIZE_DEFAULT),
    maxLength: z.number().int().min(8).default(MAX_LENGTH_DEFAULT),
    /** Exactly one of steps / epochs decides the length; steps wins when both are set. */
    steps: z.number().int().positive().optional(),
    epochs: z.number().positive().optional(),
    evalEvery: z.number().int().min(0).default(EVAL_EVERY_DEFAULT),
    evalSetSize: z.number().int().min(0).default(EVAL_SET_SIZE_DEFAULT),
    seed: z.number().int().min(0).default(SEED_DEFAULT),
    trainOn: TrainOnSchema.default('all-assistant'),
    checkpointEvery: z.number().int().min(0).default(CHECKPOINT_EVERY_DEFAULT),
    /** Steps in flight at once (1 = the naive loop that awaits each result before sending the next call). */
    lookahead: z.number().int().min(1).max(8).default(PIPELINE_LOOKAHEAD_DEFAULT),
    /** Share of the training split held out for test NLL when there is no test split; absent: HELDOUT_FRACTION. */
    heldOutFraction: z.number().gt(0).max(HELDOUT_FRACTION_MAX).optional(),
    /** Early stop: end the run after this many evaluations without a new best test NLL; absent: off. */
    earlyStop: z.number().int().min(1).optional(),
    /** 'last-best': only the last state checkpoint and the best sampler weights stay on the server; 'all': every one. */
    keepCheckpoints: z.enum(['last-best', 'all']).default(KEEP_CHECKPOINTS_DEFAULT),
  })
  .strict()

export type RunConfigInput = z.input<typeof RunConfigSchema>
export type RunConfig = z.output<typeof RunConfigSchema>

/** The Adam parameters sent with every optim_step: TuFT/SDK defaults unless the config overrides them. */
export const adamParamsOf = (c: Pick<RunConfig, 'learningRate' | 'adam'>) => ({
  learning_rate: c.learningRate,
  beta1: c.adam.beta1 ?? ADAM_DEFAULTS.beta1,
  beta2: c.adam.beta2 ?? ADAM_DEFAULTS.beta2,
  eps: c.adam.eps ?? ADAM_DEFAULTS.eps,
  weight_decay: c.adam.weightDecay ?? ADAM_DEFAULTS.weight_decay,
  grad_clip_norm: c.adam.gradClipNorm ?? ADAM_DEFAULTS.grad_clip_norm,
})

/**
 * What a resume may change: the three knobs the OOM hint tells the user to lower, and the learning rate
 * (the loss-diverged hint). LoRA weights saved at one rank cannot be loaded at another, so a rank change
 * on a run that has a checkpoint starts a new run (same data and settings) and leaves the old one intact.
 */
export const ResumeOverridesSchema = z
  .object({
    maxLength: z.number().int().min(8),
    batchSize: z.number().int().positive(),
    rank: z.number().int().positive(),
    learningRate: z.number().positive(),
  })
  .partial()
  .strict()
export type ResumeOverrides = z.infer<typeof ResumeOverridesSchema>

// ── Status and events ─────────────────────────────────────────────────────────────────────────────────

export type RunStatus =
  | 'queued'
  | 'running'
  | 'paused'
  | 'completed'
  | 'stopped'
  | 'cancelled'
  | 'failed'
  | 'interrupted'

export type RunPhase =
  | 'connecting'
  | 'tokenizing'
  | 'creating-run'
  | 'training'
  | 'saving'
  | 'done'
  | 'error'
  | 'stopped'
  | 'paused'

export type RunMetric = {
  step: number
  /** Masked NLL over the batch: Σ −logprob·w / Σ w (the guide's definition). */
  trainNll: number
  weightedTokens: number
  totalTokens: number
  tokensPerS: number
  stepTimeS: number
  learningRate: number
  /** Server-reported metrics; null means "not reported" (never 0). */
  lossSum: number | null
  gradNorm: number | null
  serverMetrics: Record<string, number>
}

export type RunEval = {
  step: number
  testNll: number
  weightedTokens: number
  conversations: number
  /** Test NLL in bits per UTF-8 byte of the weighted targets; null when the tokenizer's bytes are unknown. */
  bitsPerByte: number | null
}

export type CheckpointKind = 'state' | 'sampler'
export type RunCheckpoint = {
  step: number
  kind: CheckpointKind
  name: string
  path: string
  /** Training examples consumed when it was taken (where the data stream continues after a resume). */
  cursor: number
  modelId: string
  createdAt: string
  /** Sampler weights at the step with the best test NLL (set on reads and on the event that saves them). */
  best?: boolean
}

export type RunEvent = { runId: string } & (
  | { type: 'phase'; phase: RunPhase; message?: string }
  | { type: 'progress'; current: number; total: number; etaS: number | null; tokensPerS: number | null }
  | ({ type: 'metric' } & RunMetric)
  | ({ type: 'eval' } & RunEval)
  | ({ type: 'checkpoint' } & RunCheckpoint)
  | { type: 'status'; status: RunStatus }
  | { type: 'error'; code: ErrorCode; message: string; details?: Record<string, unknown> }
)

// ── DTOs ──────────────────────────────────────────────────────────────────────────────────────────────

export type RunError = { code: ErrorCode; message: string; details?: Record<string, unknown> }

/** Field names match `RunSummary` in contract.ts (the IPC contract), plus a few extras. */
export type RunSummaryDto = {
  id: string
  name: string
  status: RunStatus
  baseModel: string
  rank: number
  learningRate: number
  dataset: string
  sweepId: string | null
  step: number
  totalSteps: number
  finalTrainNll: number | null
  finalTestNll: number | null
  bestTestNll: number | null
  error: RunError | null
  createdAt: string
  updatedAt: string
}

export type RunDetailDto = RunSummaryDto & {
  /** The validated config, without the API key. */
  config: RunConfig
  serverUrl: string | null
  modelId: string | null
  tokenizerId: string | null
  samplerPath: string | null
  resumable: boolean
  metrics: RunMetric[]
  evals: RunEval[]
  checkpoints: RunCheckpoint[]
  /** Facts about the data the run used (train/eval sizes, where the eval set came from, skipped rows). */
  data: RunDataInfo | null
  /** Best test NLL and its step, and whether the curves say fine, overfit, diverged or too slow. */
  judgement: RunJudgement
  /** Passes over the training examples the run's steps make (exact: steps × batch size ÷ examples). */
  epochs: number | null
  /** The held-out set test NLL was measured on. */
  evalPlan: EvalPlan | null
  /** Sampler weights of the best evaluation, when they were saved. */
  bestCheckpoint: RunCheckpoint | null
  /** Sampler weights saved at the end (or at a stop). */
  finalCheckpoint: RunCheckpoint | null
  /** The run ended early because test NLL stopped improving (config `earlyStop`). */
  earlyStopped: boolean
}

export type RunDataInfo = {
  dataset: string
  trainSplit: string
  trainExamples: number
  evalSource: 'split' | 'held-out' | 'none'
  evalSplit: string | null
  evalExamples: number
  heldOut: number
  skipped: number
  /** Conversations in the split the held-out slice was taken from (held-out source), for "5% of 73". */
  heldOutOf?: number
  /** The held-out fraction used. */
  heldOutFraction?: number
  /** Usable conversations in the eval split (split source), for "100 of the test split (500)". */
  evalSplitSize?: number
}

/** [step, value] pairs in step order. */
export type Series = [number, number][]

/** Matches `RunMetrics` in contract.ts: extra series by name; a name that is absent was not reported. */
export type RunMetricsDto = { runId: string; trainNll: Series; testNll: Series; extra: Record<string, Series> }

export type RunCompareDto = { runs: { run: RunSummaryDto; metrics: RunMetricsDto }[]; recommendedRunId: string | null }

export type RunExportDto = { filename: string; mime: string; content: string }

/** The parameters a resume may change (ResumeOverrides), as a run trained with them. */
export type ResumableParams = { maxLength: number; batchSize: number; rank: number; learningRate: number }
export type ResumableParam = keyof ResumableParams
export const RESUMABLE_PARAMS: readonly ResumableParam[] = ['batchSize', 'maxLength', 'learningRate', 'rank']

/** One resume of a run, as recorded when it was asked for. */
export type RunResumeRecord = {
  at: string
  /** The checkpoint step it continued from: later steps were (re)trained with the new parameters. */
  fromStep: number
  changes: { param: ResumableParam; from: number; to: number }[]
  /** A rank change on a run with a checkpoint starts a new run: this run began as that run with another rank. */
  sourceRunId: string | null
}

/** A stretch of steps trained with one set of parameters; `changed` names those that differ from the stretch before. */
export type RunSegment = { fromStep: number; toStep: number; params: ResumableParams; changed: ResumableParam[] }

/** `initial`: the parameters the run started with (the first stretch's `changed` is relative to them). */
export type RunResumeHistoryDto = { runId: string; initial: ResumableParams; resumes: RunResumeRecord[]; segments: RunSegment[] }
/** Which saved weights an export, a snippet or the playground targets. */
export type CheckpointTarget = 'best' | 'final'

export type SweepCell = {
  runId: string
  rank: number
  learningRate: number
  status: RunStatus
  finalTestNll: number | null
  bestTestNll: number | null
  trainMeanNll: number | null
  unstable: boolean
  note: string | null
  /** Steps recorded so far, of `totalSteps` (0 until the run has tokenized its data when it trains by epochs). */
  step: number
  totalSteps: number
  /** The guide's class for this cell; null while it has not finished. */
  verdict: Verdict | null
  bestStep: number | null
  /** Overfit: the first evaluation past the margin above the best. */
  overfitFrom: number | null
  /** Sampler weights at the best step, when saved. */
  bestCheckpoint: string | null
}

export type SweepRecommendation = {
  runId: string
  rank: number
  learningRate: number
  /** The step to stop at: the recommended cell's best test NLL. */
  stopStep: number
  bestTestNll: number
  /** Sampler weights at that step (the final ones when the best is the last step), or null. */
  checkpoint: string | null
  reason: string
} | null

export type SweepSummaryDto = {
  id: string
  name: string
  status: 'running' | 'done'
  ranks: number[]
  learningRates: number[]
  concurrency: number
  maxConcurrentObserved: number
  cells: SweepCell[]
  /** Cells that have finished (completed, stopped, failed, cancelled, interrupted) out of every cell of the grid. */
  finished: number
  /** ranks × learning rates; `cells` lists only those started so far. */
  total: number
  /** Only when every cell has finished; ranked by best test NLL. */
  recommendation: SweepRecommendation
  /** Steps of each cell (the base config's steps, or a started cell's count when it trains by epochs); null until known. */
  stepsPerCell: number | null
  createdAt: string
}

export type SampleView = { text: string; tokens: number; stopReason: string }
/**
 * Matches `PlaygroundResult` in contract.ts: the same rendered prompt and seed sampled from the base model, the
 * chosen checkpoint (`tuned`, the best one by default) and the final weights when they differ from it.
 */
export type SampleComparison = {
  prompt: string
  base: SampleView
  tuned: SampleView | null
  modelPath: string | null
  /** The checkpoint `tuned` came from. */
  checkpoint: { path: string; step: number; best: boolean } | null
  /** The final sampler weights, when the chosen checkpoint is another one. */
  final: SampleView | null
  finalPath: string | null
  seed: number
}

/** Generations of several runs (or checkpoints) on the same held-out prompts, for Compare. */
export type GenerationComparison = {
  prompts: { row: number; messages: { role: string; content: string }[]; reference: string | null }[]
  columns: { runId: string; runName: string; rank: number; learningRate: number; checkpoint: { path: string; step: number; best: boolean } | null; samples: (SampleView | null)[] }[]
  base: SampleView[]
  seed: number
}

/** Disk used by a run's checkpoints, where it can be measured: the sandbox's data folder, or the server's listing. */
export type CheckpointUsageRun = {
  runId: string
  runName: string
  where: 'sandbox' | 'server'
  /** null when the server could not be asked or does not report sizes. */
  bytes: number | null
  checkpoints: { path: string; kind: CheckpointKind; step: number; bytes: number | null; best: boolean; keep: boolean }[]
  /** What a clean-up would free (the checkpoints not kept: every one but the last state and the best/final weights). */
  reclaimableBytes: number | null
  reclaimable: number
}
export type CheckpointUsage = { runs: CheckpointUsageRun[]; totalBytes: number; reclaimableBytes: number; unknown: number }
