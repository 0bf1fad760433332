/**
 * The one typed contract between the renderer and the main process. Every request the UI can make is a
 * channel here: a zod schema for its input (main validates it — the renderer is untrusted) and the type
 * of its successful value. Every reply is a `Result<T>`, never a thrown string. Push events have their own
 * typed map. Main (IPC handlers), the preload, the browser bridge and the renderer all derive their types
 * from this file, so a channel cannot drift between them.
 *
 * No node or electron imports here: the renderer bundles this file.
 */
import { z } from 'zod'
import { fail, ok, type Result } from './result'
import type { TokenStats } from './datum'
import type { DatasetFormat, RejectionGroup, WarningGroup } from './datasets'
import type { ErrorCode } from './error-codes'
import { LOCALES, type Locale } from './i18n/locale'
import {
  GENERATION_PROMPTS_DEFAULT,
  LEARNING_RATE_MAX,
  LOCAL_SERVER_LOG_RING_LINES,
  SAMPLE_MAX_TOKENS_DEFAULT,
  SANDBOX_FIXED_PORT_MIN,
  SWEEP_MAX_VALUES,
} from './defaults'
import {
  folderPathSchema,
  localServerConfigSchema,
  type LocalServerLogLine,
  type LocalServerLogPage,
  type LocalServerPlan,
  type LocalServerStatus,
  type ModelFolderReport,
  type TuftInstall,
} from './local-server'
import type { AdapterDownload, ServerRunDetail, ServerRunsView, TryChatResult, UseModelView } from './server-browser'
import { splitNameSchema, storeNameSchema } from './names'
import {
  ResumeOverridesSchema,
  RunConfigSchema,
  type CheckpointUsage,
  type GenerationComparison,
  type RunCompareDto,
  type RunDetailDto,
  type RunEvent,
  type RunExportDto,
  type RunMetricsDto,
  type RunResumeHistoryDto,
  type RunStatus,
  type RunSummaryDto,
  type SampleComparison,
  type SampleView,
  type Series,
  type SweepCell,
  type SweepSummaryDto,
} from './runs'

// ── Building blocks ──────────────────────────────────────────────────────────────────────────────────

/** A client-chosen id for a long operation, used for its progress events and to cancel it. */
const opId = z.string().min(1).max(100)
const name = storeNameSchema
const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((s) => /^https?:\/\/[^\s]+$/i.test(s), 'must be an http(s) URL')
const hfRepo = z
  .string()
  .trim()
  .regex(/^[\w.-]+(\/[\w.-]+)?$/, 'must look like owner/name')
  .max(200)
const split = splitNameSchema
/**
 * A file or folder the user picked, by the opaque handle main issued for it (the desktop's open dialog, a drop,
 * or an upload in browser mode). The page never names a path: it cannot make main read files (keys, tokens) the
 * user did not choose.
 */
const fileHandle = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be a handle from a file you picked')
const runId = z.string().min(1).max(100)
const trainOn = z.enum(['all-assistant', 'last-assistant', 'all'])
export type TrainOnView = z.infer<typeof trainOn>
const positiveInt = (max: number) => z.number().int().min(1).max(max)
/** A server to browse or call: a URL, or absent for the active server (the same choice connectionTest makes). */
const serverUrl = z.union([httpUrl, z.literal('sandbox')]).optional()
const tinkerCheckpointPath = z
  .string()
  .trim()
  .max(2000)
  .regex(/^tinker:\/\/[^/\s]+\/(weights|sampler_weights)\/[^/\s]+$/, 'must be tinker://<run>/weights/<name> or tinker://<run>/sampler_weights/<name>')
const none = z.object({}).strict()

export const chatRoleSchema = z.enum(['system', 'user', 'assistant', 'tool'])
export const chatMessageSchema = z.object({ role: chatRoleSchema, content: z.string().max(1_000_000) })

/** Where a TuFT server address came from (issue 3 discovery order), plus servers the user saved. */
export type ServerSource = 'explicit' | 'TUFT_ADDRESS' | 'TINKER_BASE_URL' | 'address-file' | 'default' | 'saved' | 'sandbox' | 'local-server'
/**
 * Where the key a request sends comes from; 'sandbox' = the built-in sandbox's own per-launch key, 'local-server' =
 * the key generated for the TuFT server started on this machine.
 */
export type KeySource = 'settings' | 'TINKER_API_KEY' | 'none' | 'sandbox' | 'local-server'

/** Facts about the API key — never the key itself. */
export type KeyStatus = {
  /** A key is stored in the app's settings. */
  set: boolean
  /** The key a request would send comes from here. */
  source: KeySource
  /** Whether it is stored encrypted by the OS keychain (Electron safeStorage) or a machine-local key file. */
  storage: 'safe-storage' | 'key-file' | 'none'
  /** TINKER_API_KEY is set in the app's environment. */
  envSet: boolean
  /** Both an app key and TINKER_API_KEY are set and they differ (a common cause of "Invalid API key"). */
  envDiffers: boolean
  /** The stored key's last characters (`…a1b2`, see maskKey in redact.ts), to compare with the key meant; null when none is stored. */
  masked: string | null
  /** The same for TINKER_API_KEY; null when it is not set. */
  envMasked: string | null
}

export type HfTokenSource = 'settings' | 'HF_TOKEN' | 'none'

export type SavedServer = { url: string; label?: string }

export type SettingsView = {
  servers: SavedServer[]
  /** The server the wizard and runs use: a URL, 'sandbox' (the built-in one), or null → discovery order (issue 3). */
  activeServer: string | null
  apiKey: KeyStatus
  /** The endpoint the user set, or null to follow HF_ENDPOINT / the default. */
  hfEndpoint: string | null
  /** What downloads actually use, and why. */
  hfEndpointEffective: string
  hfEndpointSource: 'settings' | 'HF_ENDPOINT' | 'default'
  /** A Hugging Face token is available for gated datasets (its value is never shown). */
  hfTokenSet: boolean
  /** Where it comes from: the app's encrypted settings, the HF_TOKEN variable, or nowhere. */
  hfTokenSource: HfTokenSource
  /** The app's data folder (TUFT_STUDIO_HOME or the OS app-data location). */
  dataDir: string
  /** A run has completed once: the app no longer opens into the wizard. */
  wizardCompleted: boolean
  /** The language the user picked; null follows the OS/browser language. */
  locale: Locale | null
  /** The port the built-in sandbox listens on from its next start; null lets the system pick a free one. */
  sandboxPort: number | null
}

export type CacheInfo = {
  location: string
  totalBytes: number
  parts: { name: 'database' | 'downloads' | 'blobs' | 'sandbox'; path: string; bytes: number }[]
}

export type ModelCapability = {
  model_name: string
  max_context_length?: number
  max_lora_rank?: number
  /** The tokenizer to render and preview with when it differs from model_name (e.g. the sandbox's Qwen3 vocabulary). */
  tokenizer_id?: string
}

export type DiscoveredServer = { url: string; source: ServerSource }

export type ConnectionReport = {
  url: string
  source: ServerSource
  health: { ok: boolean; latencyMs: number }
  capabilities: { supported_models: ModelCapability[] }
  key: KeyStatus
  /** The last characters of the key this test sent (the app's, TINKER_API_KEY, the sandbox's or the local server's); null when none was sent. */
  keySentMasked: string | null
  isSandbox: boolean
}

export type SandboxStatus = {
  running: boolean
  url: string | null
  /** The port it listens on while running. */
  port: number | null
  /** The last characters of its per-launch key while running (`sandboxKeyCopy` gives the whole key, for the clipboard). */
  keyMasked: string | null
  /** The fixed port it starts on, and who fixed it (`npm run serve -- --sandbox-port P` wins over Settings); null: any free port. */
  fixedPort: number | null
  fixedPortSource: 'serve-flag' | 'settings' | null
}

export type SplitInfo = { split: string; rows: number; rejected: number }
export type { DatasetFormat, ImportWarning, RejectionGroup, RejectionReason, RowExample, WarningGroup } from './datasets'
/** What the engine imports; the page asks for a `PickedSource` and main turns the handle into a path. */
export type DatasetSource =
  | { kind: 'hub'; repo: string; split?: string; revision?: string }
  | { kind: 'file'; path: string; split?: string }

/** What a picker gave the page: an opaque handle for one file or folder, with what to show about it. */
export type PickedFile = { handle: string; name: string; size: number; kind: 'file' | 'folder' }
/** What the file pickers are for: each purpose accepts its own kinds of files; main keeps the path (see filePick). */
export const PICK_PURPOSES = ['dataset', 'tokenizer-folder', 'tokenizer-file'] as const
export type PickPurpose = (typeof PICK_PURPOSES)[number]
/**
 * Folders whose path goes into tuft_config.yaml, which the user sees and edits: the same dialog, but the pick
 * answers with the path (see pickFolder). Main reads only facts from such a folder (docs/security-model.md).
 */
export const PATH_PICK_PURPOSES = ['model-folder', 'checkpoint-folder'] as const
export type PathPickPurpose = (typeof PATH_PICK_PURPOSES)[number]
/** Every purpose the desktop's open dialog is shown for. */
export type DialogPurpose = PickPurpose | PathPickPurpose

/** Whether the hub endpoint answers at all (any HTTP reply counts), and through which proxy it was asked. */
export type HubProbe = { endpoint: string; reachable: boolean; code?: ErrorCode; message?: string; proxy: string | null }

export type ImportReportView = {
  datasetId: number | string
  name: string
  /** The format the rows were read as: detected from the first rows, or the one chosen. */
  format: DatasetFormat
  splits: SplitInfo[]
  rejections: RejectionGroup[]
  /** Rows imported with something odd about them. */
  warnings: WarningGroup[]
  source: unknown
  revision: string | null
  etag: string | null
  /** Served from the local cache without network (the "offline" badge). */
  fromCache: boolean
}

export type DatasetSummary = {
  name: string
  format: DatasetFormat
  source: unknown
  revision: string | null
  importedAt: string | null
  splits: SplitInfo[]
}

export type ChatMessageView = z.infer<typeof chatMessageSchema>
export type ConversationPage = {
  name: string
  split: string
  offset: number
  total: number
  /** `index`: position in the split (0-based, what `row` of a mask preview names); `sourceRow`: the 1-based row of
   * the source file, the number rejections and warnings use too. */
  rows: { index: number; sourceRow: number; messages: ChatMessageView[] }[]
}

export type RejectionReport = { name: string; format: DatasetFormat; splits: SplitInfo[]; rejections: RejectionGroup[]; warnings: WarningGroup[] }

/**
 * Where a tokenizer's files came from: shipped with the app, downloaded from a hub endpoint (`from`), a folder
 * the user chose for this model (`from` = the folder as the user knows it), or the model folder of the TuFT
 * server started on this machine. `at`: when they were fetched or chosen.
 */
export type TokenizerProvenance = { origin: 'builtin' | 'hub' | 'folder' | 'local-server'; from: string | null; at: string | null }

export type TokenizerInfo = { id: string; modelId: string; vocabSize: number; eosToken: string; chatTemplate: string; provenance: TokenizerProvenance }

/** One token of the rendered conversation, for the mask preview. */
export type TokenPiece = { id: number; text: string; weight: number }

export type ExamplePreview = {
  modelId: string
  row: number
  /** Rendered + encoded conversation before the max-length cut. */
  tokens: TokenPiece[]
  /** Index of the first token dropped by max_length, or null when nothing is cut. */
  cutAt: number | null
  totalTokens: number
  weightedTokens: number
  /** Why this conversation would be skipped (e.g. no weighted target after the cut), or null. */
  skipReason: string | null
}

/** The tokenizer's statistics plus how many conversations the cut would skip. */
export type TokenStatsView = TokenStats & { skipped: number }

// ── Runs (types owned by src/shared/runs.ts, the run engine's shared module) ───────────────────────

/**
 * Where a run trains, as the UI may say it: the built-in sandbox or a remote URL. The API key is never
 * part of a request: main adds it from the encrypted settings (or TINKER_API_KEY).
 */
export const uiServerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sandbox') }).strict(),
  z.object({ kind: z.literal('remote'), url: httpUrl.optional() }).strict(),
])

/** The run config as the wizard sends it (defaults from src/shared/defaults.ts); no server → the active server. */
export const runConfigSchema = RunConfigSchema.extend({ server: uiServerSchema.optional() })
export type RunConfigInput = z.input<typeof runConfigSchema>

export type RunSummary = RunSummaryDto
export type RunDetail = RunDetailDto
export type RunMetrics = RunMetricsDto
export type RunCompare = RunCompareDto
export type RunExport = RunExportDto
export type RunResumeHistory = RunResumeHistoryDto
export type SweepView = SweepSummaryDto
export type PlaygroundResult = SampleComparison
export type { RunStatus, Series, SweepCell, SampleView, RunEvent, CheckpointUsage, GenerationComparison }
/** What a clean-up did: the usage afterwards, checkpoints deleted, and those the server would not delete. */
export type CheckpointCleanup = CheckpointUsage & { deleted: number; failed: number }

export type AppInfo = {
  mode: 'electron' | 'browser'
  version: string
  platform: string
  /** The OS's preferred languages as the desktop shell reports them (Electron's app.getLocale()); empty in
   * browser mode, where the renderer asks navigator.languages. */
  systemLocales: string[]
}

// ── The channel map ──────────────────────────────────────────────────────────────────────────────────

type Channel<I extends z.ZodType, O> = { input: I; output: O }
/** The output is a type only; at run time the map carries the input schema. */
const ch =
  <O>() =>
  <I extends z.ZodType>(input: I): Channel<I, O> =>
    ({ input, output: undefined as O }) as Channel<I, O>

export const contract = {
  // app
  appInfo: ch<AppInfo>()(none),

  // settings
  settingsGet: ch<SettingsView>()(none),
  settingsSet: ch<SettingsView>()(
    z
      .object({
        servers: z.array(z.object({ url: httpUrl, label: z.string().max(200).optional() }).strict()).max(50).optional(),
        /** A server URL, 'sandbox' for the built-in sandbox (started on demand), or null for discovery. */
        activeServer: z.union([httpUrl, z.literal('sandbox')]).nullable().optional(),
        hfEndpoint: httpUrl.nullable().optional(),
        wizardCompleted: z.boolean().optional(),
        locale: z.enum(LOCALES).nullable().optional(),
        sandboxPort: z.number().int().min(SANDBOX_FIXED_PORT_MIN).max(65535).nullable().optional(),
      })
      .strict(),
  ),
  /** Stores the key encrypted; answers only whether a key is set and where it comes from. */
  apiKeySet: ch<KeyStatus>()(z.object({ key: z.string().trim().min(1).max(4096) }).strict()),
  apiKeyClear: ch<KeyStatus>()(none),
  /** A Hugging Face token for gated datasets, stored encrypted like the API key; answers only its source. */
  hfTokenSet: ch<{ source: HfTokenSource }>()(z.object({ token: z.string().trim().min(1).max(4096) }).strict()),
  hfTokenClear: ch<{ source: HfTokenSource }>()(none),
  cacheInfo: ch<CacheInfo>()(none),
  cacheClear: ch<CacheInfo>()(z.object({ what: z.enum(['downloads', 'all']) }).strict()),

  // connection
  connectionDiscover: ch<{ servers: DiscoveredServer[]; sandbox: SandboxStatus }>()(none),
  /** Health + key + capabilities in one go. Failures carry key-source facts in `details` for the hint. */
  connectionTest: ch<ConnectionReport>()(z.object({ url: z.union([httpUrl, z.literal('sandbox')]).optional() }).strict()),
  sandboxStart: ch<SandboxStatus>()(none),
  sandboxStop: ch<SandboxStatus>()(none),
  sandboxStatus: ch<SandboxStatus>()(none),
  /**
   * The running sandbox's whole key, for the Copy button next to its masked form: the one reply that carries a
   * secret, at the user's request. It unlocks only that loopback sandbox, which the page can drive anyway.
   */
  sandboxKeyCopy: ch<{ key: string }>()(none),

  // local TuFT server (a server on this workstation; progress of a start comes as `progress` events for its opId)
  /** How TuFT can be started here (TUFT_BIN, `tuft` on PATH, `python -m tuft`), or what was tried. */
  localServerDetect: ch<TuftInstall>()(none),
  /**
   * Reads a base-model folder the user typed or picked (config.json, tokenizer files, safetensors headers; never the
   * weights) into facts: nothing else of its files is echoed (docs/security-model.md).
   */
  localServerInspect: ch<ModelFolderReport>()(z.object({ path: folderPathSchema }).strict()),
  /** The tuft_config.yaml (keys hidden), command line and paths a start would use, with any problem found. */
  localServerPlan: ch<LocalServerPlan>()(z.object({ config: localServerConfigSchema }).strict()),
  /** Writes the config, starts TuFT and resolves once /api/v1/healthz answers; `makeActive` also connects to it. */
  localServerStart: ch<LocalServerStatus>()(
    z.object({ opId, config: localServerConfigSchema, keepRunningOnQuit: z.boolean().optional(), makeActive: z.boolean().optional() }).strict(),
  ),
  localServerStop: ch<LocalServerStatus>()(none),
  localServerStatus: ch<LocalServerStatus>()(none),
  /** The kept log lines after `sinceSeq` (all by default), or only those containing `search`; live lines arrive as `localServerLog`. */
  localServerLogs: ch<LocalServerLogPage>()(
    z
      .object({
        sinceSeq: z.number().int().min(-1).optional(),
        search: z.string().max(200).optional(),
        limit: positiveInt(LOCAL_SERVER_LOG_RING_LINES).optional(),
      })
      .strict(),
  ),
  localServerKeepRunning: ch<LocalServerStatus>()(z.object({ keepRunning: z.boolean() }).strict()),
  /**
   * The desktop's open dialog for a folder whose path the user then sees in the config (a base model, the checkpoint
   * folder); answers null when the user cancels. The browser fallback has none (a page cannot learn a folder's
   * path): there the folder is typed and checked with localServerInspect.
   */
  pickFolder: ch<{ path: string | null }>()(z.object({ purpose: z.enum(PATH_PICK_PURPOSES), defaultPath: folderPathSchema.optional() }).strict()),

  // server browser and "Use this model" (server: a URL, 'sandbox', or absent for the active server)
  serverRuns: ch<ServerRunsView>()(z.object({ server: serverUrl }).strict()),
  serverRun: ch<ServerRunDetail>()(z.object({ server: serverUrl, trainingRunId: z.string().trim().min(1).max(200) }).strict()),
  serverCheckpointDelete: ch<{ deleted: true; tinkerPath: string }>()(z.object({ server: serverUrl, tinkerPath: tinkerCheckpointPath }).strict()),
  /** Publish or unpublish; a server that cannot unpublish (TuFT 0.2) answers `server-unsupported`. */
  serverCheckpointPublish: ch<{ tinkerPath: string; public: boolean }>()(
    z.object({ server: serverUrl, tinkerPath: tinkerCheckpointPath, public: z.boolean() }).strict(),
  ),
  /** Saves the adapter into the data folder when the server's archive address is reachable, else says where it lives. */
  serverCheckpointDownload: ch<AdapterDownload>()(z.object({ opId, server: serverUrl, tinkerPath: tinkerCheckpointPath }).strict()),
  /** Snippets for a sampler path (or a base model name) on that server. */
  useModelSnippets: ch<UseModelView>()(
    z
      .object({ server: serverUrl, model: z.string().trim().min(1).max(2000), tokenizer: z.string().trim().max(4096).optional(), locale: z.enum(LOCALES).optional() })
      .strict(),
  ),
  /** One chat request through the server's OpenAI-compatible route (`POST /oai/api/v1/chat/completions`). */
  tryChat: ch<TryChatResult>()(
    z
      .object({
        server: serverUrl,
        model: z.string().trim().min(1).max(2000),
        messages: z.array(chatMessageSchema.extend({ role: z.enum(['system', 'user', 'assistant']) })).min(1).max(200),
        maxTokens: positiveInt(32_768).default(SAMPLE_MAX_TOKENS_DEFAULT),
        temperature: z.number().min(0).max(2).optional(),
        seed: z.number().int().min(0).optional(),
      })
      .strict(),
  ),

  // long operations
  opCancel: ch<{ cancelled: boolean }>()(z.object({ opId }).strict()),

  // files the user picks
  /**
   * The desktop's open dialog for one purpose; null when the user cancels. Browser mode has no dialog of main's:
   * the page uploads the file it picked (`<input type=file>`, a drop) to the bridge's upload route instead.
   */
  filePick: ch<PickedFile | null>()(z.object({ purpose: z.enum(PICK_PURPOSES) }).strict()),
  /** Gives a picked file's handle back early (the user chose another file); an uploaded copy is deleted. */
  fileRelease: ch<{ released: boolean }>()(z.object({ handle: fileHandle }).strict()),

  // hub
  /** Whether the hub endpoint (this one, or the one downloads use) answers at all, within a few seconds. */
  hubProbe: ch<HubProbe>()(z.object({ endpoint: httpUrl.optional() }).strict()),

  // datasets
  /**
   * Imports from the hub (through `endpoint` when given, else the endpoint setting), a file the user picked (by
   * handle), or the sample dataset that ships with the app.
   */
  datasetImport: ch<ImportReportView>()(
    z
      .object({
        opId,
        source: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('hub'), repo: hfRepo, split: split.optional(), revision: z.string().max(200).optional() }).strict(),
          z.object({ kind: z.literal('picked'), handle: fileHandle, split: split.optional() }).strict(),
          z.object({ kind: z.literal('sample') }).strict(),
        ]),
        endpoint: httpUrl.optional(),
        name: name.optional(),
        format: z.enum(['auto', 'messages', 'sharegpt', 'alpaca']).optional(),
        mapping: z.record(z.string().max(200), z.string().max(200)).optional(),
      })
      .strict(),
  ),
  datasetList: ch<DatasetSummary[]>()(none),
  datasetPage: ch<ConversationPage>()(
    z
      .object({ name, split, offset: z.number().int().min(0), limit: z.number().int().min(1).max(200) })
      .strict(),
  ),
  datasetRejections: ch<RejectionReport>()(z.object({ name }).strict()),
  datasetDelete: ch<{ deleted: boolean }>()(z.object({ name }).strict()),

  // tokenizer, template, masks (a model id is a name, never read as a path: a folder comes from a picker)
  /** The model's tokenizer: a folder chosen for it, the cache, the app's own copy, or the hub (through `endpoint` when given). */
  tokenizerLoad: ch<TokenizerInfo>()(z.object({ opId, modelId: z.string().trim().min(1).max(4096), endpoint: httpUrl.optional() }).strict()),
  /**
   * Uses a tokenizer on this machine for a model, remembered for it: a folder picked in the desktop's dialog, or
   * (browser mode) its tokenizer.json and tokenizer_config.json uploaded. Checked by loading it before it is kept.
   */
  tokenizerUseFolder: ch<TokenizerInfo>()(
    z
      .object({
        opId,
        modelId: z.string().trim().min(1).max(4096),
        folder: fileHandle.optional(),
        files: z.array(fileHandle).length(2).optional(),
        /** The folder's name as the user's browser saw it (shown as provenance of uploaded files). */
        label: z.string().trim().min(1).max(500).optional(),
      })
      .strict()
      .refine((v) => (v.folder === undefined) !== (v.files === undefined), { message: 'give either a folder or its two files', path: ['folder'] }),
  ),
  /** Forgets the tokenizer folder chosen for a model (its files leave the cache; the hub is used again). */
  tokenizerForgetFolder: ch<{ forgotten: boolean }>()(z.object({ modelId: z.string().trim().min(1).max(4096) }).strict()),
  examplePreview: ch<ExamplePreview>()(
    z
      .object({
        modelId: z.string().trim().min(1).max(4096),
        dataset: name,
        split,
        row: z.number().int().min(0),
        trainOn,
        maxLength: positiveInt(1_048_576),
      })
      .strict(),
  ),
  tokenStats: ch<TokenStatsView>()(
    z
      .object({
        opId,
        modelId: z.string().trim().min(1).max(4096),
        dataset: name,
        split,
        trainOn,
        maxLength: positiveInt(1_048_576),
      })
      .strict(),
  ),

  // runs
  runStart: ch<RunSummary>()(z.object({ config: runConfigSchema }).strict()),
  runPause: ch<RunSummary>()(z.object({ runId }).strict()),
  /** Resume a paused, stopped, failed (e.g. OOM) or interrupted run, optionally with lowered limits. */
  runResume: ch<RunSummary>()(z.object({ runId, overrides: ResumeOverridesSchema.optional() }).strict()),
  runStop: ch<RunSummary>()(z.object({ runId }).strict()),
  runCancel: ch<RunSummary>()(z.object({ runId }).strict()),
  runList: ch<RunSummary[]>()(none),
  runGet: ch<RunDetail>()(z.object({ runId }).strict()),
  runMetrics: ch<RunMetrics>()(z.object({ runId, sinceStep: z.number().int().min(0).optional() }).strict()),
  runRename: ch<RunSummary>()(z.object({ runId, name }).strict()),
  /** Every resume of a run with what it changed, and the step ranges each set of parameters trained. */
  runResumeHistory: ch<RunResumeHistory>()(z.object({ runId }).strict()),
  runDelete: ch<{ deleted: boolean }>()(z.object({ runId }).strict()),
  runCompare: ch<RunCompare>()(
    z.union([z.object({ runIds: z.array(runId).min(1).max(64) }).strict(), z.object({ sweepId: z.string().min(1).max(100) }).strict()]),
  ),
  /**
   * CSV metrics, config JSON, a Python script reproducing the run, or the exact datums that script reads (PNG is
   * drawn by the renderer). `checkpoint` 'best' makes the config and script stop at the best step. Never contains a key.
   */
  runExport: ch<RunExport>()(
    z.object({ runId, kind: z.enum(['csv', 'config', 'python', 'datums']), checkpoint: z.enum(['best', 'final']).optional() }).strict(),
  ),
  /** Disk used by checkpoints: one run's, or every run's (Settings). */
  checkpointUsage: ch<CheckpointUsage>()(z.object({ runId: runId.optional() }).strict()),
  /** Deletes the checkpoints a run does not need (all but the last state and the best and final weights). */
  checkpointCleanup: ch<CheckpointCleanup>()(z.object({ runId: runId.optional() }).strict()),
  /** Several runs' best (or final) weights sampled on the same held-out prompts and seed. */
  compareGenerations: ch<GenerationComparison>()(
    z
      .object({
        runIds: z.array(runId).min(1).max(6),
        checkpoint: z.enum(['best', 'final']).default('best'),
        prompts: positiveInt(10).default(GENERATION_PROMPTS_DEFAULT),
        maxTokens: positiveInt(8192).optional(),
        temperature: z.number().min(0).max(5).optional(),
        seed: z.number().int().min(0).optional(),
      })
      .strict(),
  ),

  // sweeps
  sweepStart: ch<SweepView>()(
    z
      .object({
        config: runConfigSchema,
        ranks: z.array(positiveInt(4096)).min(1).max(SWEEP_MAX_VALUES),
        learningRates: z.array(z.number().positive().max(LEARNING_RATE_MAX)).min(1).max(SWEEP_MAX_VALUES),
        concurrency: positiveInt(16).optional(),
      })
      .strict(),
  ),
  /** Cancels the running cells and skips those not started; finished cells stay. */
  sweepCancel: ch<SweepView>()(z.object({ sweepId: z.string().min(1).max(100) }).strict()),
  sweepList: ch<SweepView[]>()(none),
  sweepGet: ch<SweepView>()(z.object({ sweepId: z.string().min(1).max(100) }).strict()),

  // playground
  playgroundSample: ch<PlaygroundResult>()(
    z
      .object({
        runId,
        messages: z.array(chatMessageSchema).min(1).max(200),
        maxTokens: positiveInt(8192).optional(),
        temperature: z.number().min(0).max(5).optional(),
        seed: z.number().int().min(0).optional(),
        /** A sampler checkpoint of the run; absent: its best (else final) weights. */
        checkpoint: tinkerCheckpointPath.optional(),
      })
      .strict(),
  ),
} as const

export type Contract = typeof contract
export type ChannelName = keyof Contract
export const CHANNELS = Object.keys(contract) as ChannelName[]
export const isChannelName = (x: unknown): x is ChannelName => typeof x === 'string' && Object.hasOwn(contract, x)

export type InputOf<C extends ChannelName> = z.input<Contract[C]['input']>
export type ParsedInputOf<C extends ChannelName> = z.output<Contract[C]['input']>
export type OutputOf<C extends ChannelName> = Contract[C]['output']

// ── Push events ──────────────────────────────────────────────────────────────────────────────────────

export type ProgressEvent = { opId: string; phase: string; current: number; total: number }

/** Run events exactly as the run engine emits them (src/shared/runs.ts). */
export type RunEventView = RunEvent

export type StudioEvents = {
  progress: ProgressEvent
  run: RunEventView
  sandbox: SandboxStatus
  /** The local TuFT server's state changed (starting, running, stopping, stopped, a start failed). */
  localServer: LocalServerStatus
  /** New lines of the local TuFT server's log, in order (`seq` increases by one per line). */
  localServerLog: { lines: LocalServerLogLine[] }
}
export type EventName = keyof StudioEvents
export const EVENT_NAMES: EventName[] = ['progress', 'run', 'sandbox', 'localServer', 'localServerLog']

// ── The API shape shared by the preload (Electron) and the WebSocket client (browser fallback) ──────

type Method<C extends ChannelName> = NonNullable<unknown> extends InputOf<C>
  ? (input?: InputOf<C>) => Promise<Result<OutputOf<C>>>
  : (input: InputOf<C>) => Promise<Result<OutputOf<C>>>

export type StudioApi = { [C in ChannelName]: Method<C> } & {
  /** Subscribe to a push event; returns the unsubscribe function. */
  on: <E extends EventName>(event: E, listener: (payload: StudioEvents[E]) => void) => () => void
  /**
   * Desktop only: a handle for a file the user dropped on the window or chose in an `<input type=file>` (a DOM
   * `File`). The preload asks Electron where that file is on disk; a File the page made itself has no path and
   * gets nothing. Browser mode uploads such files to the bridge instead.
   */
  pickedFromFile?: (file: object, purpose: PickPurpose) => Promise<Result<PickedFile>>
}

/** The IPC channel behind `pickedFromFile` (not a contract channel: the page can never send it a path). */
export const IPC_PICKED_FROM_FILE_CHANNEL = 'studio-picked:from-file'

/** Electron IPC channel names are namespaced so nothing else on ipcMain collides. */
export const ipcChannel = (c: ChannelName): string => `studio:${c}`
export const IPC_EVENT_CHANNEL = 'studio:event'

/**
 * Validates an untrusted input for a channel. Main calls this before any handler runs; an unknown channel
 * or a bad input becomes an `invalid-input` failure naming the offending fields.
 */
export function parseInput<C extends ChannelName>(channel: C, raw: unknown): Result<ParsedInputOf<C>> {
  if (!isChannelName(channel)) return fail('invalid-input', `Unknown request "${String(channel)}".`)
  const parsed = contract[channel].input.safeParse(raw ?? {})
  if (parsed.success) return ok(parsed.data as ParsedInputOf<C>)
  const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
  return fail('invalid-input', `Invalid input for ${channel}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, {
    details: { channel, issues },
  })
}

/**
 * The element the renderer marks once the wizard's first step can be used (the launch benchmark and the
 * e2e tests wait for it).
 */
export const WIZARD_READY_TEST_ID = 'wizard-ready'

// ── Browser-bridge wire format (WebSocket, JSON text frames) ────────────────────────────────────────
export type BridgeRequest = { id: number; channel: string; input: unknown }
export type BridgeMessage =
  | { kind: 'reply'; id: number; result: Result<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown }
/** Query parameter and cookie that carry the bridge's per-launch token. */
export const BRIDGE_TOKEN_PARAM = 'token'
export const BRIDGE_TOKEN_COOKIE = 'studio_token'
export const BRIDGE_WS_PATH = '/api'
/**
 * Browser mode's file upload: `POST /upload?purpose=<PickPurpose>&name=<file name>` with the file as the body,
 * answered with a `Result<PickedFile>` as JSON. It needs the token in this header (a custom header keeps other
 * local pages, which share the cookie's site, from posting to it).
 */
export const BRIDGE_UPLOAD_PATH = '/upload'
export const BRIDGE_TOKEN_HEADER = 'x-studio-token'
