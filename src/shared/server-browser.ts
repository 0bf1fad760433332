/**
 * What the "Server" view shows: the training runs and checkpoints an API key owns on a TuFT server (as the tinker
 * SDK's RestClient lists them), each linked to the local run that created it when TuFT Studio did. Pure: the
 * renderer bundles this file.
 */
import type { RunStatus } from './runs'
import type { UseModelSnippets } from './use-model-snippets'

/** The run in local history that trained this server run (or wrote this checkpoint), when there is one. */
export type LocalRunLink = { runId: string; name: string; status: RunStatus }

export type ServerCheckpointView = {
  checkpointId: string
  type: 'training' | 'sampler'
  tinkerPath: string
  time: string
  /** As the server reports them (TuFT: bytes on disk; expiry always null). */
  sizeBytes: number | null
  public: boolean
  expiresAt: string | null
  /** The local run that saved it, and at which step. */
  localRun: LocalRunLink | null
  localStep: number | null
}

export type ServerRunView = {
  trainingRunId: string
  baseModel: string
  loraRank: number | null
  owner: string | null
  corrupted: boolean
  lastRequestTime: string | null
  lastCheckpoint: string | null
  lastSamplerCheckpoint: string | null
  userMetadata: Record<string, string> | null
  localRun: LocalRunLink | null
}

/**
 * A run TuFT Studio trained on this server that the server no longer lists: the app unloads a run's model when the
 * run ends, and TuFT then frees its GPU memory and drops it from its run list. Its checkpoints stay on the server's
 * disk and are listed from local history: sampler paths still answer chats (the OpenAI-compatible route, sampling
 * clients); publishing, deleting and the archive download need the run listed, so they are not offered.
 */
export type UnloadedRunView = {
  trainingRunId: string
  baseModel: string
  loraRank: number | null
  /** When the local run last changed. */
  updatedAt: string
  localRun: LocalRunLink
  checkpoints: ServerCheckpointView[]
}

export type ServerRunsView = { server: string; runs: ServerRunView[]; unloaded: UnloadedRunView[] }
export type ServerRunDetail = ServerRunView & { server: string; checkpoints: ServerCheckpointView[] }

/** "Download adapter": copied when the server's archive address is reachable from here, else where it lives. */
export type AdapterDownload =
  | { kind: 'saved'; dir: string; files: string[]; bytes: number; from: string }
  | { kind: 'on-server'; serverPath: string | null; url: string; expires: string | null }

/** Everything the "Use this model" panel needs for one sampler path. */
export type UseModelView = { server: string; tinkerPath: string; snippets: UseModelSnippets }

export type TryChatResult = {
  reply: string
  model: string
  id: string
  finishReason: string | null
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null
  latencyMs: number
}
