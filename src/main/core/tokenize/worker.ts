/**
 * Tokenizer worker: renders, encodes, masks and cuts batches of conversations off the main thread.
 * Loaded by pool.ts (through tsx when running from .ts sources, as `tokenize-worker.js` when built).
 */
import { parentPort, workerData } from 'node:worker_threads'
import path from 'node:path'
import { jsBatchEncoder, processBatch, rustBatchEncoder, type BatchEncoder, type PipelineConfig } from './pipeline'
import { createRenderer } from './render'
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol'

const init = workerData as WorkerInit
const port = parentPort
if (!port) throw new Error('tokenize worker started outside a worker thread')
const send = (msg: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer)

async function makeEncoder(): Promise<BatchEncoder> {
  const file = path.join(init.tokenizerDir, 'tokenizer.json')
  if (init.encoder === 'rust') {
    const { Tokenizer } = await import('tokenizers')
    return rustBatchEncoder(Tokenizer.fromFile(file), init.byteLength)
  }
  const { AutoTokenizer } = await import('@huggingface/transformers')
  const tok = await AutoTokenizer.from_pretrained(init.tokenizerDir, { local_files_only: true })
  return jsBatchEncoder((text) => tok.encode(text, { add_special_tokens: false }), init.byteLength)
}

async function main(): Promise<void> {
  let encode: BatchEncoder
  try {
    encode = await makeEncoder()
  } catch (err) {
    // A tokenizer.json the Rust library cannot read is a reason to fall back, not to fail.
    if (init.encoder !== 'rust') throw err
    send({ type: 'mismatch', message: `tokenizers could not load it: ${err instanceof Error ? err.message : String(err)}` })
    return
  }
  if (init.probe) {
    const got = await encode(init.probe.texts)
    for (let i = 0; i < got.length; i++) {
      const a = Array.from(got[i].ids)
      const b = init.probe.ids[i]
      if (a.length !== b.length || a.some((x, k) => x !== b[k])) {
        send({ type: 'mismatch', message: `text ${i}: ${a.length} ids from tokenizers vs ${b.length} from transformers` })
        return
      }
    }
  }
  const cfg: Omit<PipelineConfig, 'trainOn' | 'maxLength'> = {
    render: createRenderer(init.chatTemplate, init.renderContext),
    encode,
    terminators: init.terminators,
    nfc: init.nfc,
  }
  port!.on('message', (msg: ToWorker) => {
    processBatch(msg.rows, msg.conversations, { ...cfg, trainOn: msg.trainOn, maxLength: msg.maxLength }).then(
      (batch) =>
        send({ type: 'done', id: msg.id, batch }, [
          batch.rows.buffer,
          batch.fullLengths.buffer,
          batch.keptLengths.buffer,
          batch.weighted.buffer,
          batch.tokens.buffer,
          batch.weights.buffer,
        ] as ArrayBuffer[]),
      (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    )
  })
  send({ type: 'ready' })
}

main().catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }))
