/**
 * What the handlers need from the engine, in the UI's terms. `live-core.ts` implements it over the real
 * core modules (datasets/hub, tokenize, tuft, sandbox, runs — each through its public index.ts); tests may
 * implement parts of it to isolate a handler. Keeping this seam means handlers hold only app logic
 * (validation, keys, cancellation, progress), never module internals.
 */
import type {
  CheckpointCleanup,
  CheckpointUsage,
  GenerationComparison,
  ConversationPage,
  DatasetSource,
  DatasetSummary,
  DiscoveredServer,
  ExamplePreview,
  HubProbe,
  ImportReportView,
  ModelCapability,
  PlaygroundResult,
  RejectionReport,
  RunCompare,
  RunDetail,
  RunExport,
  RunMetrics,
  RunResumeHistory,
  RunSummary,
  RunEventView,
  ServerSource,
  SweepView,
  TokenizerInfo,
  TokenStatsView,
  ChatMessageView,
  TrainOnView as TrainOn,
} from '../../shared/contract'
import type { Result } from '../../shared/result'
import type { AdapterDownload, ServerRunDetail, ServerRunsView, TryChatResult } from '../../shared/server-browser'

export type TryChatMessage = { role: 'system' | 'user' | 'assistant'; content: string }
import type { CheckpointTarget, ResumeOverrides, RunConfigInput } from '../../shared/runs'
import type { Progress } from './ops'

export type Cancellable = { signal?: AbortSignal; onProgress?: (p: Progress) => void }
/** The hub endpoint only when the user chose one (setting or HF_ENDPOINT); absent → huggingface.co / built-ins. */
export type HubAccess = { endpoint?: string; token?: string }

export type ConnectionFacts = {
  url: string
  source: ServerSource
  latencyMs: number
  capabilities: { supported_models: ModelCapability[] }
  keySource: 'settings' | 'TINKER_API_KEY' | 'none'
}

export type SandboxHandle = {
  url: string
  apiKey: string
  /** Model name → the hub tokenizer it uses (the sandbox serves a tiny model over a real tokenizer's vocabulary). */
  tokenizers: Record<string, string>
  /** Where one of its checkpoints is kept on disk (it runs on this machine). */
  checkpointFolder?: (trainingRunId: string, type: 'training' | 'sampler', name: string) => string
  close(): Promise<void>
}

/** What the engine gets from the app: live settings, never copies (the key can change between calls). */
export type CoreContext = {
  dataDir: string
  env: NodeJS.ProcessEnv
  /**
   * The key to send to `serverUrl` (the active server when absent), in clear, for X-API-Key only: the local TuFT
   * server's own key when it is that server, else the app's key; undefined → the client falls back to TINKER_API_KEY.
   */
  apiKey: (serverUrl?: string) => string | undefined
  /** The running built-in sandbox, started on demand. */
  sandbox: () => Promise<{ url: string; apiKey: string }>
  /** The built-in sandbox if it runs now (never started by asking). */
  sandboxRunning?: () => { url: string; apiKey: string } | null
  hub: () => HubAccess
}

export type RunStartConfig = RunConfigInput

/** A server to browse or call, with the key resolved by the app (never part of a request from the renderer). */
export type ServerTarget = { url: string; apiKey?: string; isSandbox?: boolean }

/** Engine calls may answer directly or asynchronously (modules load on first use). */
export type Awaitable<T> = T | Promise<T>

export interface StudioCore {
  discoverServers(env: NodeJS.ProcessEnv): Awaitable<DiscoveredServer[]>
  checkConnection(server: { url?: string; apiKey?: string }, env: NodeJS.ProcessEnv): Promise<Result<ConnectionFacts>>
  /** Starts the built-in sandbox on 127.0.0.1:`port` (0 or absent: any free port). */
  startSandbox(dataDir: string, port?: number): Promise<SandboxHandle>

  /**
   * `endpoint`: the hub endpoint for this import (else the setting); `sourceLabel`: what provenance records for a
   * file that is a temporary copy (an upload), instead of its path. Hub failures carry what was tried and what
   * to try next in `details` (endpoint, triedEndpoints, suggestedEndpoint, proxy).
   */
  importDataset(
    source: DatasetSource,
    opts: { name?: string; format?: 'auto' | 'messages' | 'sharegpt' | 'alpaca'; mapping?: Record<string, string>; endpoint?: string; sourceLabel?: string } & Cancellable,
  ): Promise<ImportReportView>
  /** The sample chat dataset that ships with the app (resources/datasets/sample-chat.jsonl). */
  importSampleDataset(opts: Cancellable): Promise<ImportReportView>
  /** Whether a hub endpoint (default: the one downloads use) answers at all. */
  probeHub(endpoint: string | undefined, opts: Cancellable): Promise<HubProbe>
  listDatasets(): Awaitable<DatasetSummary[]>
  pageConversations(name: string, split: string, offset: number, limit: number): Awaitable<ConversationPage>
  rejections(name: string): Awaitable<RejectionReport>
  deleteDataset(name: string): Awaitable<boolean>

  loadTokenizer(modelId: string, opts: Cancellable & { endpoint?: string }): Promise<TokenizerInfo>
  /** Checks the tokenizer in `dir` (both files, loads, has a chat template) and keeps it for `modelId`; `label` is how provenance names it. */
  useTokenizerFolder(modelId: string, dir: string, label: string, opts: Cancellable): Promise<TokenizerInfo>
  forgetTokenizerFolder(modelId: string): Promise<boolean>
  examplePreview(req: { modelId: string; dataset: string; split: string; row: number; trainOn: TrainOn; maxLength: number }): Promise<ExamplePreview>
  tokenStats(req: { modelId: string; dataset: string; split: string; trainOn: TrainOn; maxLength: number } & Cancellable): Promise<TokenStatsView>

  startRun(config: RunStartConfig, onEvent: (e: RunEventView) => void): Promise<RunSummary>
  resumeRun(runId: string, overrides: ResumeOverrides | undefined, onEvent: (e: RunEventView) => void): Promise<RunSummary>
  pauseRun(runId: string): Awaitable<RunSummary>
  continueRun(runId: string): Awaitable<RunSummary>
  stopRun(runId: string): Awaitable<RunSummary>
  cancelRun(runId: string): Awaitable<RunSummary>
  isRunActive(runId: string): Awaitable<boolean>
  listRuns(): Awaitable<RunSummary[]>
  getRun(runId: string): Awaitable<RunDetail>
  runMetrics(runId: string, sinceStep?: number): Awaitable<RunMetrics>
  renameRun(runId: string, name: string): Awaitable<RunSummary>
  runResumeHistory(runId: string): Awaitable<RunResumeHistory>
  deleteRun(runId: string): Awaitable<boolean>
  compareRuns(req: { runIds: string[] } | { sweepId: string }): Awaitable<RunCompare>
  exportRun(runId: string, kind: 'csv' | 'config' | 'python' | 'datums', target?: CheckpointTarget): Awaitable<RunExport>
  checkpointUsage(runId?: string): Promise<CheckpointUsage>
  checkpointCleanup(runId?: string): Promise<CheckpointCleanup>
  compareGenerations(runIds: string[], req: { target: CheckpointTarget; prompts: number; maxTokens?: number; temperature?: number; seed?: number }): Promise<GenerationComparison>

  startSweep(req: { config: RunStartConfig; ranks: number[]; learningRates: number[]; concurrency?: number }, onEvent: (e: RunEventView) => void): Promise<SweepView>
  cancelSweep(sweepId: string): Awaitable<SweepView>
  listSweeps(): Awaitable<SweepView[]>
  getSweep(sweepId: string): Awaitable<SweepView>

  sample(runId: string, req: { messages: ChatMessageView[]; maxTokens?: number; temperature?: number; seed?: number; checkpoint?: string }): Promise<PlaygroundResult>

  browseServerRuns(server: ServerTarget, opts: Cancellable): Promise<ServerRunsView>
  browseServerRun(server: ServerTarget, trainingRunId: string): Promise<ServerRunDetail>
  /** The base model a training run on the server was created from. */
  serverRunBaseModel(server: ServerTarget, trainingRunId: string): Promise<string>
  deleteServerCheckpoint(server: ServerTarget, tinkerPath: string): Promise<void>
  setServerCheckpointPublic(server: ServerTarget, tinkerPath: string, isPublic: boolean): Promise<void>
  downloadServerCheckpoint(
    server: ServerTarget,
    tinkerPath: string,
    opts: Cancellable & { serverIsLocal: boolean; folderOnThisMachine?: (ref: { trainingRunId: string; folder: 'weights' | 'sampler_weights'; name: string }) => string | null },
  ): Promise<AdapterDownload>
  tryChat(server: ServerTarget, req: { model: string; messages: TryChatMessage[]; maxTokens: number; temperature?: number; seed?: number }): Promise<TryChatResult>

  /** Stops live runs (they stay resumable) and releases the database. */
  close(): Promise<void>
}
