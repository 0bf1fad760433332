import { createHash } from 'node:crypto'
import os from 'node:os'
import { Worker } from 'node:worker_threads'
import type { TrainOn } from '../../../shared/datum'
import { TOKENIZE_BATCH_SIZE, TOKENIZE_WORKER_IDLE_MS } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import type { ConversationLike, PackedBatch } from './pipeline'
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol'
import { spawnModuleWorker } from '../../../platform'

/** The built worker's file name (an extra entry of the electron-vite main build). */
const BUILT_WORKER_FILE = 'tokenize-worker.js'

/** Thrown when the Rust encoder's ids differ from transformers' on the probe texts. */
export class EncoderMismatch extends Error {}

/** From sources the worker runs worker.ts under tsx; from the electron-vite build, `tokenize-worker.js`. */
const spawnTokenizeWorker = (init: WorkerInit): Worker => spawnModuleWorker(import.meta.url, './worker.ts', BUILT_WORKER_FILE, init)

const defaultWorkerCount = (): number => Math.max(1, Math.min(4, os.availableParallelism()))

type Idle = { worker: Worker; timer: NodeJS.Timeout }
const idleWorkers = new Map<string, Idle[]>()
/** Workers that exited (crashed or terminated) must never be handed out again. */
const exited = new WeakSet<Worker>()

const initKey = (init: WorkerInit): string =>
  createHash('sha256')
    .update(JSON.stringify({ ...init, byteLength: init.byteLength ? init.byteLength.length : null, probe: init.probe?.texts.length ?? 0 }))
    .digest('hex')

function takeIdle(key: string): Worker | undefined {
  const list = idleWorkers.get(key) ?? []
  for (let slot = list.pop(); slot; slot = list.pop()) {
    clearTimeout(slot.timer)
    if (exited.has(slot.worker)) continue
    slot.worker.ref()
    return slot.worker
  }
  return undefined
}

function putIdle(key: string, worker: Worker): void {
  worker.unref()
  const list = idleWorkers.get(key) ?? []
  const timer = setTimeout(() => {
    const at = list.findIndex((s) => s.worker === worker)
    if (at >= 0) list.splice(at, 1)
    void worker.terminate()
  }, TOKENIZE_WORKER_IDLE_MS)
  timer.unref()
  list.push({ worker, timer })
  idleWorkers.set(key, list)
}

/** Terminates every idle worker (tests, shutdown). */
export async function closeIdleWorkers(): Promise<void> {
  const all = [...idleWorkers.values()].flat()
  idleWorkers.clear()
  for (const s of all) clearTimeout(s.timer)
  await Promise.all(all.map((s) => s.worker.terminate()))
}

export type PoolOptions = {
  trainOn: TrainOn
  maxLength: number
  workers?: number
  batchSize?: number
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
  /** Each batch as it arrives (any order), so the caller can work while the workers still run. */
  onBatch?: (index: number, batch: PackedBatch) => void
}

/**
 * Tokenizes conversations across worker threads (both cores), each worker keeping two batches in
 * flight so its rendering overlaps the native encoder. Aborting the signal terminates the workers.
 * Batches come back in input order. Workers are kept for a while afterwards and reused by the next
 * call with the same tokenizer.
 */
export function runPool(
  init: WorkerInit,
  rows: readonly number[],
  conversations: readonly ConversationLike[],
  opts: PoolOptions,
): Promise<PackedBatch[]> {
  const batchSize = opts.batchSize ?? TOKENIZE_BATCH_SIZE
  const total = conversations.length
  const batchCount = Math.ceil(total / batchSize)
  const workerCount = Math.max(1, Math.min(opts.workers ?? defaultWorkerCount(), batchCount))
  const results: PackedBatch[] = new Array(batchCount)
  if (batchCount === 0) return Promise.resolve(results)
  if (opts.signal?.aborted) return Promise.reject(new StudioError('cancelled', 'Tokenization was cancelled'))
  const key = initKey(init)

  return new Promise<PackedBatch[]>((resolve, reject) => {
    const workers: Worker[] = []
    const listeners = new Map<Worker, { message: (m: FromWorker) => void; error: (e: Error) => void; exit: (c: number) => void }>()
    let next = 0
    let finished = 0
    let doneRows = 0
    let settled = false
    const stop = (err?: unknown): void => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      for (const w of workers) {
        const l = listeners.get(w)
        if (l) {
          w.off('message', l.message)
          w.off('error', l.error)
          w.off('exit', l.exit)
        }
        if (err) void w.terminate()
        else putIdle(key, w)
      }
      if (err) reject(err)
      else resolve(results)
    }
    const onAbort = (): void => stop(new StudioError('cancelled', 'Tokenization was cancelled'))
    opts.signal?.addEventListener('abort', onAbort, { once: true })

    const feed = (w: Worker): void => {
      if (next >= batchCount) return
      const id = next++
      const from = id * batchSize
      const msg: ToWorker = {
        type: 'batch',
        id,
        trainOn: opts.trainOn,
        maxLength: opts.maxLength,
        rows: rows.slice(from, from + batchSize),
        conversations: conversations.slice(from, from + batchSize).map((c) => ({ messages: c.messages })),
      }
      w.postMessage(msg)
    }

    const attach = (w: Worker, ready: boolean): void => {
      workers.push(w)
      const message = (msg: FromWorker): void => {
        if (settled) return
        if (msg.type === 'ready') {
          feed(w)
          feed(w)
        } else if (msg.type === 'done') {
          results[msg.id] = msg.batch
          opts.onBatch?.(msg.id, msg.batch)
          finished++
          doneRows += msg.batch.rows.length
          opts.onProgress?.(doneRows, total)
          if (finished === batchCount) stop()
          else feed(w)
        } else if (msg.type === 'mismatch') stop(new EncoderMismatch(msg.message))
        else stop(new StudioError('internal', `Tokenizer worker failed: ${msg.message}`))
      }
      const error = (err: Error): void => stop(new StudioError('internal', `Tokenizer worker crashed: ${err.message}`))
      const exit = (code: number): void => {
        if (!settled) stop(new StudioError('internal', `Tokenizer worker exited early (code ${code})`))
      }
      listeners.set(w, { message, error, exit })
      w.on('message', message)
      w.on('error', error)
      w.on('exit', exit)
      if (ready) {
        feed(w)
        feed(w)
      }
    }

    for (let k = 0; k < workerCount; k++) {
      const reused = takeIdle(key)
      if (reused) attach(reused, true)
      else {
      const w = spawnTokenizeWorker(init)
      w.once('exit', () => exited.add(w))
      attach(w, false)
    }
    }
  })
}
