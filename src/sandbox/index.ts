/**
 * TuFT Studio's local sandbox: a TuFT-compatible server (Tinker 0.25 wire protocol) with a real, tiny CPU
 * trainer, for first-time users without a GPU and for tests that exercise the real client over real HTTP.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SEED_DEFAULT, SERVER_LONG_POLL_MS } from '../shared/defaults'
import { Engine, defaultServedModel, type SandboxStats, type ServedModel } from './engine'
import { applyFaults, initialFaults, type Faults } from './faults'
import { FutureStore } from './futures'
import { createHandler, listen, newApiKey } from './server'

export { SANDBOX_MODEL, SANDBOX_TOKENIZER_ID, SANDBOX_DIMS, QWEN3_VOCAB } from './engine'
export type { SandboxStats, OpStats, ServedModel } from './engine'
export { folderTokenizerFiles, builtinTokenizerFiles, type ChatTokenizerFiles } from './chat-codec'
export { NO_FAULTS, type Faults, type LostReply } from './faults'
export { checkpointFolder } from './persistence'
export { checkpointBytesOnDisk, deleteCheckpointOnDisk, type CheckpointType } from './persistence'

export type SandboxOptions = {
  /** 0 (default) lets the OS pick a free port. */
  port?: number
  host?: string
  /** Accepted keys. A list maps every key to the user `default`; a record maps key → user id. Default: one fresh `tml-…` key. */
  apiKeys?: string[] | Record<string, string>
  /** Where runs and checkpoints persist. Default: a fresh temp dir, deleted on close. */
  dataDir?: string
  faults?: Partial<Faults>
  seed?: number
  /** How long retrieve_future holds a pending future before answering try_again (TuFT: 120 s). */
  longPollMs?: number
  /** The base models served, like a TuFT config's supported_models. Default: the tiny `sandbox/qwen3-tiny`. */
  models?: ServedModel[]
}

export type SandboxHandle = {
  url: string
  /** The first accepted key (the one to show the user). */
  apiKey: string
  apiKeys: string[]
  dataDir: string
  /** Live view of the current faults. */
  readonly faults: Faults
  setFaults: (partial: Partial<Faults>) => Faults
  stats: () => SandboxStats
  close: () => Promise<void>
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  const users = new Map<string, string>()
  if (Array.isArray(opts.apiKeys)) for (const k of opts.apiKeys) users.set(k, 'default')
  else if (opts.apiKeys) for (const [k, u] of Object.entries(opts.apiKeys)) users.set(k, u)
  if (users.size === 0) users.set(newApiKey(), 'default')
  const ownDir = !opts.dataDir
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tuft-sandbox-'))
  const faults = initialFaults(opts.faults)
  const seed = opts.seed ?? SEED_DEFAULT
  if (opts.models && opts.models.length === 0) throw new Error('sandbox: at least one model must be served')
  const engine = new Engine(dataDir, seed, faults, opts.models ?? [defaultServedModel()])
  const futures = new FutureStore()
  const handler = createHandler({ engine, futures, users, longPollMs: opts.longPollMs ?? SERVER_LONG_POLL_MS, faults, seed })
  const srv = await listen(handler, opts.host ?? '127.0.0.1', opts.port ?? 0)
  const apiKeys = [...users.keys()]
  return {
    url: srv.url,
    apiKey: apiKeys[0],
    apiKeys,
    dataDir,
    faults,
    setFaults: (partial) => applyFaults(faults, partial),
    stats: () => engine.getStats(futures.pendingCount()),
    close: async () => {
      await srv.close()
      engine.close()
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
