import type { TrainOn } from '../../../shared/datum'
import type { ConversationLike, PackedBatch } from './pipeline'
import type { RenderContext } from './render'
import type { StudioTokenizer } from './tokenizer'

/** Which library encodes in the workers: the Rust `tokenizers` package (bulk) or transformers.js. */
export type EncoderKind = 'rust' | 'transformers'

export type WorkerInit = {
  encoder: EncoderKind
  tokenizerDir: string
  chatTemplate: string
  renderContext: RenderContext
  terminators: string[]
  nfc: boolean
  byteLength: Int32Array | null
  /** Rendered texts with transformers' ids: a Rust worker refuses to run if it encodes any differently. */
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

export type ToWorker = {
  type: 'batch'
  id: number
  trainOn: TrainOn
  maxLength: number
  rows: number[]
  conversations: ConversationLike[]
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; batch: PackedBatch }
  | { type: 'mismatch'; message: string }
  | { type: 'error'; message: string }
