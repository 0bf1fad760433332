/**
 * The tokenize worker entry, in one of two roles (pool.ts starts them):
 *  - the encoder: holds the one tokenizer every render thread shares and encodes their texts in bulk
 *    (the Rust encoder's own native thread pool spreads each batch over the cores);
 *  - a render thread: renders the chat template, asks the encoder for ids over its channel, computes the
 *    exact masks and cuts, and sends back packed batches.
 * Loaded through tsx when running from .ts sources, as `tokenize-worker.js` when built.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import path from 'node:path'
import type { Conversation } from '../../../shared/chat'
import {
  batchTransferList,
  jsPackingEncoder,
  packedTransferList,
  processBatch,
  rustPackingEncoder,
  unpackEncoding,
  type PackedEncoding,
  type PackingEncoder,
  type PipelineConfig,
} from './pipeline'
import { createRenderer } from './render'
import type {
  EncodeReply,
  EncodeRequest,
  EncoderData,
  FromEncoder,
  FromRenderer,
  RenderData,
  ToEncoder,
  ToRenderer,
  WorkerData,
} from './worker-protocol'

const port = parentPort
if (!port) throw new Error('tokenize worker started outside a worker thread')
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

async function makeEncoder(init: EncoderData['init']): Promise<PackingEncoder> {
  const file = path.join(init.tokenizerDir, 'tokenizer.json')
  if (init.encoder === 'rust') {
    const { Tokenizer } = await import('tokenizers')
    return rustPackingEncoder(Tokenizer.fromFile(file), init.byteLength)
  }
  const { AutoTokenizer } = await import('@huggingface/transformers')
  const tok = await AutoTokenizer.from_pretrained(init.tokenizerDir, { local_files_only: true })
  return jsPackingEncoder((text) => tok.encode(text, { add_special_tokens: false }), init.byteLength)
}

/** Loads the encoder and checks it on the probe; null (after telling main why) when it must not be used. */
async function loadEncoder(init: EncoderData['init']): Promise<PackingEncoder | null> {
  const send = (msg: FromEncoder): void => port!.postMessage(msg)
  let encode: PackingEncoder
  try {
    encode = await makeEncoder(init)
  } catch (err) {
    // A tokenizer.json the Rust library cannot read is a reason to fall back, not to fail.
    send(
      init.encoder === 'rust'
        ? { type: 'mismatch', message: `tokenizers could not load it: ${messageOf(err)}` }
        : { type: 'error', message: messageOf(err) },
    )
    return null
  }
  if (init.probe) {
    const got = unpackEncoding(await encode(init.probe.texts), null)
    for (let i = 0; i < got.length; i++) {
      const a = got[i].ids
      const b = init.probe.ids[i]
      if (a.length !== b.length || a.some((x, k) => x !== b[k])) {
        send({
          type: 'mismatch',
          message: `text ${i}: ${a.length} ids from tokenizers vs ${b.length} from transformers`,
        })
        return null
      }
    }
  }
  send({ type: 'ready' })
  return encode
}

function runEncoder(init: EncoderData['init']): void {
  const loaded = loadEncoder(init)
  // Render threads connect at once; their requests wait here until the encoder has passed the probe.
  port!.on('message', (msg: ToEncoder) => {
    const channel = msg.port
    channel.on('message', (req: EncodeRequest) => {
      loaded
        .then(async (encode) => {
          if (!encode) return
          const packed = await encode(req.texts)
          channel.postMessage(
            { id: req.id, ok: true, packed } satisfies EncodeReply,
            packedTransferList(packed),
          )
        })
        .catch((err: unknown) =>
          channel.postMessage({ id: req.id, ok: false, message: messageOf(err) } satisfies EncodeReply),
        )
    })
  })
}

/** Encode calls to the encoder thread over this render thread's channel. */
function remoteEncoder(channel: MessagePort): (texts: string[]) => Promise<PackedEncoding> {
  const pending = new Map<number, { resolve: (p: PackedEncoding) => void; reject: (e: Error) => void }>()
  let next = 0
  channel.on('message', (reply: EncodeReply) => {
    const p = pending.get(reply.id)
    pending.delete(reply.id)
    if (reply.ok) p?.resolve(reply.packed)
    else p?.reject(new Error(`encoder: ${reply.message}`))
  })
  return (texts) =>
    new Promise((resolve, reject) => {
      const id = next++
      pending.set(id, { resolve, reject })
      channel.postMessage({ id, texts } satisfies EncodeRequest)
    })
}

function runRenderer(data: RenderData): void {
  const { init } = data
  const send = (msg: FromRenderer, transfer: ArrayBuffer[] = []): void => port!.postMessage(msg, transfer)
  const encodePacked = remoteEncoder(data.encoder)
  const cfg: Omit<PipelineConfig, 'trainOn' | 'maxLength'> = {
    render: createRenderer(init.chatTemplate, init.renderContext),
    encode: async (texts) => unpackEncoding(await encodePacked(texts), init.byteLength),
    terminators: init.terminators,
    nfc: init.nfc,
  }
  port!.on('message', (msg: ToRenderer) => {
    const work = async () => {
      const conversations = msg.json.map((j) => ({ messages: JSON.parse(j) as Conversation['messages'] }))
      return processBatch(msg.rows, conversations, { ...cfg, trainOn: msg.trainOn, maxLength: msg.maxLength })
    }
    work().then(
      (batch) => send({ type: 'done', id: msg.id, batch }, batchTransferList(batch)),
      (err: unknown) => send({ type: 'error', id: msg.id, message: messageOf(err) }),
    )
  })
  send({ type: 'ready' })
}

const data = workerData as WorkerData
try {
  if (data.role === 'encoder') runEncoder(data.init)
  else runRenderer(data)
} catch (err) {
  port.postMessage({ type: 'error', id: null, message: messageOf(err) })
}
