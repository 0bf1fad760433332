import type {
  ConversationPage,
  DatasetSource,
  DatasetSummary,
  ExamplePreview,
  HubProbe,
  ImportReportView,
  RejectionReport,
  TokenizerInfo,
  TokenStatsView,
  TrainOnView,
} from '../../../shared/contract'
import { StudioError } from '../../../shared/result'
import { deleteDataset, getDataset, importDataset, listDatasets, pageConversations, type ImportReport } from '../../core/datasets'
import { probeHub, proxyFor, resolveHubEndpoint } from '../../core/hub'
import { BUNDLED_DATASET_NAME, bundledDatasetPath } from '../../core/runs'
import { reclaimSpace, type Db } from '../../core/store'
import {
  BUILTIN_TOKENIZER_MODEL,
  buildExample,
  dropTokenizedDataset,
  forgetTokenizerFolder,
  loadTokenizer,
  tokenizeSplit,
  tokenizerProvenance,
  useTokenizerFolder,
  type StudioTokenizer,
} from '../../core/tokenize'
import type { Cancellable, HubAccess } from '../core'
import { HubAttempts } from './hub-attempts'

type ImportOpts = { name?: string; format?: 'auto' | 'messages' | 'sharegpt' | 'alpaca'; mapping?: Record<string, string>; endpoint?: string; sourceLabel?: string } & Cancellable

/** Datasets, tokenizers, mask previews and token statistics over the engine, in the contract's shapes. */
export function createDataAccess(db: () => Db, hub: () => HubAccess, env: NodeJS.ProcessEnv = process.env) {
  const attempts = new HubAttempts(env)
  /** The endpoint a hub call goes to (`explicit`, else the setting, else HF_ENDPOINT or huggingface.co) and its proxy. */
  const endpointFor = (explicit?: string): { endpoint: string; proxy: ReturnType<typeof proxyFor> } => {
    const endpoint = resolveHubEndpoint(explicit ?? hub().endpoint)
    // Hub requests read the proxy variables of this process (proxy.ts): the facts must say the same.
    return { endpoint, proxy: proxyFor(endpoint, process.env) }
  }

  // Building a tokenizer costs about a second; keep each one for the life of the app.
  const tokenizers = new Map<string, Promise<StudioTokenizer>>()
  const tokenizer = (modelId: string, opts: Cancellable & { endpoint?: string } = {}): Promise<StudioTokenizer> => {
    let t = tokenizers.get(modelId)
    if (!t) {
      const { token } = hub()
      const chosen = opts.endpoint ?? hub().endpoint
      // A model id is never read as a folder here: the page could name any folder. Folders come from a pick.
      const load = (ep?: string) => loadTokenizer(db(), { modelId, endpoint: ep, token, allowPath: false }, { signal: opts.signal, onProgress: opts.onProgress })
      const { endpoint, proxy } = endpointFor(chosen)
      const tracked = (ep?: string) => attempts.track(endpoint, proxy, () => load(ep), (tok) => tok.origin === 'hub')
      // The built-in tokenizer ships with the app: if the chosen mirror cannot serve it, use the bundled copy.
      t =
        modelId === BUILTIN_TOKENIZER_MODEL && chosen
          ? tracked(chosen).catch((err: unknown) => {
              if (err instanceof StudioError && err.code.startsWith('hf-') && !opts.signal?.aborted) return load(undefined)
              throw err
            })
          : tracked(chosen)
      tokenizers.set(modelId, t)
      // A failed or cancelled load must be retryable (e.g. after switching to a mirror).
      t.catch(() => tokenizers.delete(modelId))
    }
    return t
  }

  const tokenizerInfo = (t: StudioTokenizer): TokenizerInfo => ({
    id: t.id,
    modelId: t.modelId,
    vocabSize: t.vocabSize,
    eosToken: t.eosToken,
    chatTemplate: t.chatTemplate,
    provenance: tokenizerProvenance(db(), t),
  })

  const reportView = (r: ImportReport): ImportReportView => ({
    datasetId: r.datasetId,
    name: r.name,
    format: r.format,
    splits: r.splits.map((s) => ({ split: s.split, rows: s.rows, rejected: s.rejected })),
    rejections: r.rejections,
    warnings: r.warnings,
    source: r.source,
    revision: r.revision,
    etag: r.etag,
    fromCache: r.fromCache,
  })

  const summary = (name: string): DatasetSummary => {
    const d = getDataset(db(), name)
    if (!d) throw new StudioError('dataset-not-cached', `No dataset named "${name}" in the local store; import it first.`, { name })
    return {
      name: d.name,
      format: d.format,
      source: d.source,
      revision: d.revision,
      importedAt: d.importedAt,
      splits: d.splits.map((s) => ({ split: s.split, rows: s.rows, rejected: s.rejected })),
    }
  }

  return {
    async importDataset(source: DatasetSource, opts: ImportOpts): Promise<ImportReportView> {
      const { token } = hub()
      if (source.kind !== 'hub') return reportView(await importDataset(db(), source, { ...opts, token }))
      const { endpoint, proxy } = endpointFor(opts.endpoint)
      return reportView(await attempts.track(endpoint, proxy, () => importDataset(db(), source, { ...opts, endpoint, token }), (r) => !r.fromCache))
    },

    async importSampleDataset(opts: Cancellable): Promise<ImportReportView> {
      return reportView(await importDataset(db(), { kind: 'file', path: bundledDatasetPath(env) }, { ...opts, name: BUNDLED_DATASET_NAME }))
    },

    async probeHub(explicit: string | undefined, opts: Cancellable): Promise<HubProbe> {
      const { endpoint } = endpointFor(explicit)
      return probeHub({ endpoint, signal: opts.signal })
    },

    listDatasets: (): DatasetSummary[] => listDatasets(db()).map((d) => summary(d.name)),

    pageConversations(name: string, split: string, offset: number, limit: number): ConversationPage {
      const p = pageConversations(db(), name, split, offset, limit)
      return { name: p.name, split: p.split, offset: p.offset, total: p.total, rows: p.rows.map((r) => ({ index: r.index, sourceRow: r.sourceRow, messages: r.messages })) }
    },

    rejections(name: string): RejectionReport {
      const d = getDataset(db(), name)
      if (!d) throw new StudioError('dataset-not-cached', `No dataset named "${name}" in the local store; import it first.`, { name })
      return { name: d.name, format: d.format, splits: d.splits.map((s) => ({ split: s.split, rows: s.rows, rejected: s.rejected })), rejections: d.rejections, warnings: d.warnings }
    },

    // The dataset's tokenized caches go with it (runs in progress keep theirs pinned), and so does their space.
    async deleteDataset(name: string): Promise<boolean> {
      if (!(await deleteDataset(db(), name))) return false
      if (dropTokenizedDataset(db(), name) > 0) await reclaimSpace(db())
      return true
    },

    async loadTokenizer(modelId: string, opts: Cancellable & { endpoint?: string }): Promise<TokenizerInfo> {
      return tokenizerInfo(await tokenizer(modelId, opts))
    },

    async useTokenizerFolder(modelId: string, dir: string, label: string, opts: Cancellable): Promise<TokenizerInfo> {
      opts.onProgress?.({ phase: 'validating', current: 0, total: 1 })
      await useTokenizerFolder(db(), modelId, dir, label)
      // Loaded again through the cache, exactly as runs will load it.
      tokenizers.delete(modelId)
      const info = tokenizerInfo(await tokenizer(modelId, opts))
      opts.onProgress?.({ phase: 'validating', current: 1, total: 1 })
      return info
    },

    async forgetTokenizerFolder(modelId: string): Promise<boolean> {
      tokenizers.delete(modelId)
      return forgetTokenizerFolder(db(), modelId)
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
