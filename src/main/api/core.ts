/**
 * What the handlers need from the engine, in the UI's terms. `live-core.ts` implements it over the real
 * core modules (datasets/hub, tokenize, tuft, sandbox, runs — each through its public index.ts); tests may
 * implement parts of it to isolate a handler. Keeping this seam means handlers hold only app logic
 * (validation, keys, cancellation, progress), never module internals.
 */
import type {
  ConversationPage,
  DatasetSource,
  DatasetSummary,
  DiscoveredServer,
  ExamplePreview,
  ImportReportView,
  ModelCapability,
  PlaygroundResult,
  RejectionReport,
  RunCompare,
  RunDetail,
  RunExport,
  RunMetrics,
  RunSummary,
  RunEventView,
  ServerSource,
  SweepView,
  TokenizerInfo,
  TokenStatsView,
  ChatMessageView,
} from '../../shared/contract'
import type { Result } from '../../shared/result'
import type { Progress } from './ops'

export type Cancellable = { signal?: AbortSignal; onProgress?: (p: Progress) => void }
export type HubAccess = { endpoint: string; token?: string }
/** A resolved server with the key to send (resolved in main; never leaves it). */
export type ServerAccess = { url: string; apiKey?: string }

export type ConnectionFacts = {
  url: string
  source: ServerSource
  latencyMs: number
  capabilities: { supported_models: ModelCapability[] }
  keySource: 'settings' | 'TINKER_API_KEY' | 'none'
}

export type SandboxHandle = { url: string; apiKey: string; close(): Promise<void> }

export type RunStartRequest = {
  config: Record<string, unknown>
  server: ServerAccess
  hub: HubAccess
}

export interface StudioCore {
  discoverServers(env: NodeJS.ProcessEnv): DiscoveredServer[]
  checkConnection(server: { url?: string; apiKey?: string }, env: NodeJS.ProcessEnv): Promise<Result<ConnectionFacts>>
  startSandbox(dataDir: string): Promise<SandboxHandle>

  importDataset(source: DatasetSource, opts: { name?: string; format?: string; mapping?: Record<string, string>; hub: HubAccess } & Cancellable): Promise<ImportReportView>
  listDatasets(): DatasetSummary[]
  pageConversations(name: string, split: string, offset: number, limit: number): ConversationPage
  rejections(name: string): RejectionReport
  deleteDataset(name: string): boolean

  loadTokenizer(modelId: string, opts: { hub: HubAccess } & Cancellable): Promise<TokenizerInfo>
  examplePreview(req: { modelId: string; dataset: string; split: string; row: number; trainOn: string; maxLength: number; hub: HubAccess }): Promise<ExamplePreview>
  tokenStats(req: { modelId: string; dataset: string; split: string; trainOn: string; maxLength: number; hub: HubAccess } & Cancellable): Promise<TokenStatsView>

  startRun(req: RunStartRequest, onEvent: (e: RunEventView) => void): Promise<RunSummary>
  pauseRun(runId: string): Promise<RunSummary>
  resumeRun(runId: string, req: { overrides?: Record<string, number>; server: ServerAccess; hub: HubAccess }, onEvent: (e: RunEventView) => void): Promise<RunSummary>
  stopRun(runId: string): Promise<RunSummary>
  cancelRun(runId: string): Promise<RunSummary>
  listRuns(): RunSummary[]
  getRun(runId: string): RunDetail
  runMetrics(runId: string, sinceStep?: number): RunMetrics
  renameRun(runId: string, name: string): RunSummary
  deleteRun(runId: string): boolean
  compareRuns(req: { runIds: string[] } | { sweepId: string }): RunCompare
  exportRun(runId: string, kind: 'csv' | 'config' | 'python'): RunExport

  startSweep(req: RunStartRequest & { ranks: number[]; learningRates: number[]; concurrency?: number }, onEvent: (e: RunEventView) => void): Promise<SweepView>
  listSweeps(): SweepView[]
  getSweep(sweepId: string): SweepView

  sample(req: { runId: string; messages: ChatMessageView[]; maxTokens?: number; temperature?: number; seed?: number; server: ServerAccess; hub: HubAccess }): Promise<PlaygroundResult>

  /** Releases the database and any live clients. */
  close(): Promise<void>
}
