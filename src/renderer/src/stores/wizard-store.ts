/**
 * The wizard's draft: what the user has chosen so far, step by step. It is a form, not a record of truth:
 * the dataset, tokenizer statistics and connection it refers to live in main and are re-read from there.
 */
import { create } from 'zustand'
import type { ConnectionReport, ImportReportView, RunConfigInput, TokenStatsView } from '../../../shared/contract'
import {
  BATCH_SIZE_DEFAULT,
  EVAL_EVERY_DEFAULT,
  LEARNING_RATE_CHOICES,
  LEARNING_RATE_DEFAULT,
  LORA_RANK_CHOICES,
  LORA_RANK_DEFAULT,
  MAX_LENGTH_DEFAULT,
  EVAL_SET_SIZE_DEFAULT,
} from '../../../shared/defaults'
import { defaultSteps, planData, type EvalPlan } from '../../../shared/judge'

export type TrainOn = NonNullable<RunConfigInput['trainOn']>
export const WIZARD_STEPS = ['connect', 'dataset', 'model', 'rank-lr', 'review', 'train'] as const
export type WizardStep = (typeof WIZARD_STEPS)[number]

export type Draft = {
  dataset: { name: string; trainSplit: string; evalSplit: string | null; rows: number } | null
  importReport: ImportReportView | null
  baseModel: string | null
  tokenizerReady: boolean
  trainOn: TrainOn
  maxLength: number
  previewRow: number
  stats: TokenStatsView | null
  presetId: string | null
  rank: number
  learningRate: number
  batchSize: number
  /** null: from epochs of the data (defaultSteps in src/shared/judge.ts) until the user types a number. */
  steps: number | null
  evalEvery: number
  /** Held-out fraction when the dataset has no test split; null: the default. */
  heldOutFraction: number | null
  /** Early-stop patience in evaluations; null: off. */
  earlyStop: number | null
  /** Keep every periodic checkpoint instead of only the last and the best. */
  keepAllCheckpoints: boolean
  sweep: { enabled: boolean; ranks: number[]; learningRates: number[] }
}

type Wizard = Draft & {
  step: WizardStep
  /** The run or sweep this wizard started; the Train step follows it. */
  runId: string | null
  sweepId: string | null
  /** The server address on the Connect step, kept while the user visits other screens (e.g. a hint's "Open settings"). */
  serverUrl: string
  setStep: (s: WizardStep) => void
  patch: (p: Partial<Draft>) => void
  setServerUrl: (url: string) => void
  started: (ids: { runId: string | null; sweepId: string | null }) => void
  reset: () => void
  /**
   * A fresh wizard for the next run, from the first step: the server and the data choices (dataset, model,
   * template, max length) stay as defaults, rank, LR and the rest go back to the guide's defaults.
   */
  newRun: () => void
}

const initial: Draft = {
  dataset: null,
  importReport: null,
  baseModel: null,
  tokenizerReady: false,
  trainOn: 'all-assistant',
  maxLength: MAX_LENGTH_DEFAULT,
  previewRow: 0,
  stats: null,
  presetId: 'strong-default',
  rank: LORA_RANK_DEFAULT,
  learningRate: LEARNING_RATE_DEFAULT,
  batchSize: BATCH_SIZE_DEFAULT,
  steps: null,
  evalEvery: EVAL_EVERY_DEFAULT,
  heldOutFraction: null,
  earlyStop: null,
  keepAllCheckpoints: false,
  sweep: { enabled: false, ranks: [...LORA_RANK_CHOICES.slice(0, 2)], learningRates: [...LEARNING_RATE_CHOICES.slice(1)] },
}

/** Whether the wizard already started a run or sweep (its Train step follows it). */
export const wizardStarted = (w: Pick<Wizard, 'runId' | 'sweepId'>): boolean => w.runId !== null || w.sweepId !== null

export const useWizard = create<Wizard>()((set) => ({
  ...initial,
  step: 'connect',
  runId: null,
  sweepId: null,
  serverUrl: '',
  setStep: (step) => set({ step }),
  patch: (p) => set(p),
  setServerUrl: (serverUrl) => set({ serverUrl }),
  started: ({ runId, sweepId }) => set({ runId, sweepId, step: 'train' }),
  reset: () => set({ ...initial, step: 'connect', runId: null, sweepId: null }),
  newRun: () =>
    set((s) => ({
      ...initial,
      dataset: s.dataset,
      importReport: s.importReport,
      baseModel: s.baseModel,
      tokenizerReady: s.tokenizerReady,
      trainOn: s.trainOn,
      maxLength: s.maxLength,
      stats: s.stats,
      step: 'connect',
      runId: null,
      sweepId: null,
    })),
}))

/** The tokenizer that renders this model's conversations: the server names it when it differs from the model id. */
export function tokenizerFor(connection: ConnectionReport | null, baseModel: string | null): string | null {
  if (!baseModel) return null
  return connection?.capabilities.supported_models.find((m) => m.model_name === baseModel)?.tokenizer_id ?? baseModel
}

/**
 * What the run will train and test on, from the split sizes and the tokenizer statistics (conversations that would
 * be skipped are not trained on): the same counts the runner will find. `evalSplitRows`: the test split's size when
 * one is used (unknown: only its training side is exact). Null until the statistics are known.
 */
export function draftPlan(d: Pick<Draft, 'dataset' | 'stats' | 'heldOutFraction'>, evalSplitRows: number | null = null): EvalPlan | null {
  if (!d.dataset || !d.stats) return null
  const trainDatums = d.stats.conversations - d.stats.skipped
  return planData({
    trainDatums,
    evalSplitDatums: d.dataset.evalSplit ? (evalSplitRows ?? EVAL_SET_SIZE_DEFAULT) : null,
    evalSetSize: EVAL_SET_SIZE_DEFAULT,
    heldOutFraction: d.heldOutFraction ?? undefined,
    weightedPerConversation: trainDatums > 0 ? d.stats.weightedTokens / trainDatums : null,
  })
}

/** The steps a run will make: the number typed, else epochs of the examples it will train on. */
export function draftSteps(d: Pick<Draft, 'steps' | 'batchSize' | 'dataset' | 'stats' | 'heldOutFraction'>): number | null {
  if (d.steps !== null) return d.steps
  const plan = draftPlan(d)
  return plan ? defaultSteps(plan.trainExamples, d.batchSize) : null
}

/** The run config the Review step sends (main fills the server, key and remaining defaults). */
export function draftToConfig(d: Draft, server: ConnectionReport | null): RunConfigInput | null {
  if (!d.dataset || !d.baseModel) return null
  const tokenizer = tokenizerFor(server, d.baseModel)
  const steps = draftSteps(d)
  return {
    ...(tokenizer && tokenizer !== d.baseModel ? { tokenizer } : {}),
    ...(server ? { server: server.isSandbox ? { kind: 'sandbox' as const } : { kind: 'remote' as const, url: server.url } } : {}),
    baseModel: d.baseModel,
    dataset: { name: d.dataset.name, split: d.dataset.trainSplit, ...(d.dataset.evalSplit ? { evalSplit: d.dataset.evalSplit } : {}) },
    rank: d.rank,
    learningRate: d.learningRate,
    batchSize: d.batchSize,
    maxLength: d.maxLength,
    ...(steps !== null ? { steps } : {}),
    evalEvery: d.evalEvery,
    trainOn: d.trainOn,
    ...(d.heldOutFraction !== null ? { heldOutFraction: d.heldOutFraction } : {}),
    ...(d.earlyStop !== null ? { earlyStop: d.earlyStop } : {}),
    ...(d.keepAllCheckpoints ? { keepCheckpoints: 'all' as const } : {}),
  }
}
