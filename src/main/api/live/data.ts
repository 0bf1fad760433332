import type {
  ConversationPage,
  DatasetSource,
  DatasetSummary,
  ExamplePreview,
  ImportReportView,
  RejectionReport,
  TokenizerInfo,
  TokenStatsView,
  TrainOnView,
} from '../../../shared/contract'
import { StudioError } from '../../../shared/result'
import { deleteDataset, getDataset, importDataset, listDatasets, pageConversations } from '../../core/datasets'
import type { Db } from '../../core/store'
import { BUILTIN_TOKENIZER_MODEL, buildExample, loadTokenizer, tokenizeSplit, type StudioTokenizer } from '../../core/tokenize'
import type { Cancellable, HubAccess } from '../core'

/** Datasets, tokenizers, mask previews and token statistics over the engine, in the contract's shapes. */
export function createDataAccess(db: () => Db, hub: () => HubAccess) {
  // Building a tokenizer costs about a second; keep each one for the life of the app.
  const tokenizers = new Map<string, Promise<StudioTokenizer>>()
  const tokenizer = (modelId: string, opts: Cancellable = {}): Promise<StudioTokenizer> => {
    let t = tokenizers.get(modelId)
    if (!t) {
      const { endpoint, token } = hub()
      const load = (ep?: string) => loadTokenizer(db(), { modelId, endpoint: ep, token }, { signal: opts.signal, onProgress: opts.onProgress })
      // The built-in tokenizer ships with the app: if the chosen mirror cannot serve it, use the bundled copy.
      t =
        modelId === BUILTIN_TOKENIZER_MODEL && endpoint
          ? load(endpoint).catch((err: unknown) => {
              if (err instanceof StudioError && err.code.startsWith('hf-') && !opts.signal?.aborted) return load(undefined)
              throw err
            })
          : load(endpoint)
      tokenizers.set(modelId, t)
      // A failed or cancelled load must be retryable (e.g. after switching to a mirror).
      t.catch(() => tokenizers.delete(modelId))
    }
    return t
  }

  const summary = (name: string): DatasetSummary => {
    const d = getDataset(db(), name)
    if (!d) throw new StudioError('dataset-not-cached', `No dataset named "${name}" in the local store; import it first.`, { name })
    return {
      name: d.name,
      source: d.source,
      revision: d.revision,
      importedAt: d.importedAt,
      splits: d.splits.map((s) => ({ split: s.split, rows: s.rows, rejected: s.rejected })),
    }
  }

  return {
    async importDataset(
      source: DatasetSource,
      opts: { name?: string; format?: 'auto' | 'messages' | 'sharegpt' | 'alpaca'; mapping?: Record<string, string> } & Cancellable,
    ): Promise<ImportReportView> {
      const { endpoint, token } = hub()
      const r = await importDataset(db(), source, { ...opts, endpoint, token })
      return {
        datasetId: r.datasetId,
        name: r.name,
        splits: r.splits.map((s) => ({ split: s.split, rows: s.rows, rejected: s.rejected })),
        rejections: r.rejections,
        source: r.source,
        revision: r.revision,
        etag: r.etag,
        fromCache: r.fromCache,
      }
    },

    listDatasets: (): DatasetSummary[] => listDatasets(db()).map((d) => summary(d.name)),

    pageConversations(name: string, split: string, offset: number, limit: number): ConversationPage {
      const p = pageConversations(db(), name, split, offset, limit)
      return { name: p.name, split: p.split, offset: p.offset, total: p.total, rows: p.rows.map((r) => ({ index: r.index, messages: r.messages })) }
    },

    rejections(name: string): RejectionReport {
      const d = getDataset(db(), name)
      if (!d) throw new StudioError('dataset-not-cached', `No dataset named "${name}" in the local store; import it first.`, { name })
      return { name: d.name, splits: d.splits.map((s) => ({ split: s.split, rows: s.rows, rejected: s.rejected })), rejections: d.rejections }
    },

    deleteDataset: (name: string): boolean => deleteDataset(db(), name),

    async loadTokenizer(modelId: string, opts: Cancellable): Promise<TokenizerInfo> {
      const t = await tokenizer(modelId, opts)
      return { id: t.id, modelId: t.modelId, vocabSize: t.vocabSize, eosToken: t.eosToken, chatTemplate: t.chatTemplate }
    },

    async examplePreview(req: { modelId: string; dataset: string; split: string; row: number; trainOn: TrainOnView; maxLength: number }): Promise<ExamplePreview> {
      const page = pageConversations(db(), req.dataset, req.split, req.row, 1)
      const conv = page.rows[0]
      if (!conv) throw new StudioError('not-found', `Row ${req.row} is past the end of ${req.dataset}/${req.split} (${page.total} rows).`)
      const t = await tokenizer(req.modelId)
      const ex = await buildExample(t, { messages: conv.messages }, { trainOn: req.trainOn, maxLength: req.maxLength })
      const cutAt = ex.tokens.length > req.maxLength ? req.maxLength : null
      // The datum's weights are what training uses (after the cut and the one-token shift).
      const weightedTokens = ex.datum ? ex.datum.weights.reduce((s, w) => s + w, 0) : 0
      return {
        modelId: req.modelId,
        row: req.row,
        tokens: ex.tokens.map((id, i) => ({ id, text: ex.pieces[i] ?? '', weight: ex.weights[i] ?? 0 })),
        cutAt,
        totalTokens: ex.tokens.length,
        weightedTokens,
        skipReason: ex.skipReason ?? null,
      }
    },

    async tokenStats(req: { modelId: string; dataset: string; split: string; trainOn: TrainOnView; maxLength: number } & Cancellable): Promise<TokenStatsView> {
      const t = await tokenizer(req.modelId, { signal: req.signal })
      const r = await tokenizeSplit(db(), {
        dataset: req.dataset,
        split: req.split,
        tokenizer: t,
        maxLength: req.maxLength,
        trainOn: req.trainOn,
        signal: req.signal,
        onProgress: req.onProgress,
      })
      return { ...r.stats, skipped: r.skippedCount }
    },
  }
}
