import type { MessagePort } from 'node:worker_threads'
import type { TrainOn } from '../../../shared/datum'
import type { PackedBatch, PackedEncoding } from './pipeline'
import type { RenderContext } from './render'
import type { StudioTokenizer } from './tokenizer'

/** Which library encodes in the encoder thread: the Rust `tokenizers` package (bulk) or transformers.js. */
export type EncoderKind = 'rust' | 'transformers'

/**
 * What the tokenizer threads need to render and encode like one StudioTokenizer. One encoder thread
 * holds the tokenizer (parsed once) for every render thread; `byteLength` sits in shared memory, so all
 * threads read the same table.
 */
export type WorkerInit = {
  encoder: EncoderKind
  tokenizerDir: string
  chatTemplate: string
  renderContext: RenderContext
  terminators: string[]
  nfc: boolean
  byteLength: Int32Array | null
  /** Rendered texts with transformers' ids: a Rust encoder refuses to run if it encodes any differently. */
  probe: { texts: string[]; ids: number[][] } | null
}

/** What a worker needs to render and encode like `tok` (the probe is added by the caller for the Rust encoder). */
export const workerInitOf = (tok: StudioTokenizer, encoder: EncoderKind): WorkerInit => ({
  encoder,
  tokenizerDir: tok.dir,
  chatTemplate: tok.chatTemplate,
  renderContext: tok.renderContext,
  terminators: tok.terminators,
  nfc: tok.nfc,
  byteLength: tok.byteLength,
  probe: null,
})

/** workerData of the one tokenize worker entry: it runs as the encoder or as a render thread. */
export type EncoderData = { role: 'encoder'; init: WorkerInit }
export type RenderData = {
  role: 'render'
  init: Omit<WorkerInit, 'encoder' | 'tokenizerDir' | 'probe'>
  /** Channel to the encoder thread. */
  encoder: MessagePort
}
export type WorkerData = EncoderData | RenderData

/** main → encoder: a render thread's end of a new channel. */
export type ToEncoder = { type: 'connect'; port: MessagePort }
/** encoder → main. */
export type FromEncoder =
  { type: 'ready' } | { type: 'mismatch'; message: string } | { type: 'error'; message: string }
/** render thread ↔ encoder, over their channel. */
export type EncodeRequest = { id: number; texts: string[] }
export type EncodeReply =
  { id: number; ok: true; packed: PackedEncoding } | { id: number; ok: false; message: string }

/** main → render thread: conversations as the JSON of their messages array (as stored), with their row numbers. */
export type ToRenderer = {
  type: 'batch'
  id: number
  trainOn: TrainOn
  maxLength: number
  rows: number[]
  json: string[]
}
/** render thread → main. */
export type FromRenderer =
  | { type: 'ready' }
  | { type: 'done'; id: number; batch: PackedBatch }
  | { type: 'error'; id: number | null; message: string }
