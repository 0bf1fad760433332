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
  STEPS_DEFAULT,
} from '../../../shared/defaults'

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
  steps: number
  evalEvery: number
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
  steps: STEPS_DEFAULT,
  evalEvery: EVAL_EVERY_DEFAULT,
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

/** The run config the Review step sends (main fills the server, key and remaining defaults). */
export function draftToConfig(d: Draft, server: ConnectionReport | null): RunConfigInput | null {
  if (!d.dataset || !d.baseModel) return null
  const tokenizer = tokenizerFor(server, d.baseModel)
  return {
    ...(tokenizer && tokenizer !== d.baseModel ? { tokenizer } : {}),
    ...(server ? { server: server.isSandbox ? { kind: 'sandbox' as const } : { kind: 'remote' as const, url: server.url } } : {}),
    baseModel: d.baseModel,
    dataset: { name: d.dataset.name, split: d.dataset.trainSplit, ...(d.dataset.evalSplit ? { evalSplit: d.dataset.evalSplit } : {}) },
    rank: d.rank,
    learningRate: d.learningRate,
    batchSize: d.batchSize,
    maxLength: d.maxLength,
    steps: d.steps,
    evalEvery: d.evalEvery,
    trainOn: d.trainOn,
  }
}
