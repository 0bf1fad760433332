import { createHash } from 'node:crypto'
import os from 'node:os'
import { MessageChannel, type TransferListItem, type Worker } from 'node:worker_threads'
import type { TrainOn } from '../../../shared/datum'
import {
  TOKENIZE_BATCH_SIZE,
  TOKENIZE_CHUNK_CHARS,
  TOKENIZE_CORES_PER_WORKER,
  TOKENIZE_ENCODER_HEAP_MB,
  TOKENIZE_ENCODER_MEMORY_MB,
  TOKENIZE_MAX_WORKER_CRASHES,
  TOKENIZE_MAX_WORKERS,
  TOKENIZE_MEMORY_SHARE,
  TOKENIZE_WORKER_HEAP_MB,
  TOKENIZE_WORKER_IDLE_MS,
  TOKENIZE_WORKER_MEMORY_MB,
} from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import { spawnModuleWorker } from '../../../platform'
import { concatBatches, skippedBatch, type PackedBatch } from './pipeline'
import type {
  FromEncoder,
  FromRenderer,
  ToEncoder,
  ToRenderer,
  WorkerData,
  WorkerInit,
} from './worker-protocol'

/** The built worker's file name (an extra entry of the electron-vite main build). */
const BUILT_WORKER_FILE = 'tokenize-worker.js'

/** Thrown when the Rust encoder's ids differ from transformers' on the probe texts. */
export class EncoderMismatch extends Error {}

/** Conversations to tokenize, read a bounded chunk at a time in dataset order. */
export type RowSource = {
  total: number
  /** `json`: each conversation's messages array as JSON (the dataset store's own form, passed on unparsed). */
  /** Rows from position `from`: at most `maxRows`, stopping after `maxChars` characters (at least one row). */
  read(from: number, maxRows: number, maxChars: number): { rows: number[]; json: string[] }
}

export type Resources = { cores: number; availableMb: number }

/** Cores and the memory this process may still use (the cgroup / job limit when there is one, else free RAM). */
export function machineResources(): Resources {
  const cores = os.availableParallelism()
  const proc = process as NodeJS.Process & { availableMemory?: () => number }
  let available = os.freemem()
  if (typeof proc.availableMemory === 'function') available = proc.availableMemory()
  else {
    const limit = process.constrainedMemory()
    if (limit > 0 && limit < os.totalmem()) available = Math.min(available, limit - process.memoryUsage.rss())
  }
  return { cores, availableMb: Math.max(0, available) / 2 ** 20 }
}

/**
 * Render threads to start: one per TOKENIZE_CORES_PER_WORKER cores (the Rust encoder's own thread pool
 * uses every core), at most TOKENIZE_MAX_WORKERS, and only as many as fit, with the one shared encoder,
 * in TOKENIZE_MEMORY_SHARE of the memory available now. Always at least one.
 */
export function chooseWorkerCount(r: Resources): number {
  const byCores = Math.floor(r.cores / TOKENIZE_CORES_PER_WORKER)
  const byMemory = Math.floor(
    (r.availableMb * TOKENIZE_MEMORY_SHARE - TOKENIZE_ENCODER_MEMORY_MB) / TOKENIZE_WORKER_MEMORY_MB,
  )
  return Math.max(1, Math.min(TOKENIZE_MAX_WORKERS, byCores, byMemory))
}

/** One encoder thread and the render threads connected to it. */
type Group = { key: string; init: WorkerInit; heapMb: number; encoder: Worker; renderers: Worker[] }

const spawnWorker = (data: WorkerData, heapMb: number, transferList: TransferListItem[] = []): Worker => {
  const w = spawnModuleWorker(import.meta.url, './worker.ts', BUILT_WORKER_FILE, data, {
    transferList,
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  })
  w.once('exit', () => exited.add(w))
  return w
}

function spawnRenderer(g: Pick<Group, 'init' | 'heapMb' | 'encoder'>): Worker {
  const { port1, port2 } = new MessageChannel()
  g.encoder.postMessage({ type: 'connect', port: port1 } satisfies ToEncoder, [port1])
  const { encoder: _kind, tokenizerDir: _dir, probe: _probe, ...init } = g.init
  return spawnWorker({ role: 'render', init, encoder: port2 }, g.heapMb, [port2])
}

const groupWorkers = (g: Group): Worker[] => [g.encoder, ...g.renderers]

const idleGroups = new Map<string, { group: Group; timer: NodeJS.Timeout }>()
/** Workers that exited (crashed or terminated) must never be handed out again. */
const exited = new WeakSet<Worker>()

const groupKey = (init: WorkerInit, workers: number, heapMb: number): string =>
  createHash('sha256')
    .update(
      JSON.stringify({
        ...init,
        byteLength: init.byteLength?.length ?? null,
        probe: init.probe?.texts.length ?? 0,
        workers,
        heapMb,
      }),
    )
    .digest('hex')

function takeIdle(key: string): Group | undefined {
  const slot = idleGroups.get(key)
  if (!slot) return undefined
  idleGroups.delete(key)
  clearTimeout(slot.timer)
  const workers = groupWorkers(slot.group)
  if (workers.some((w) => exited.has(w))) {
    for (const w of workers) void w.terminate()
    return undefined
  }
  for (const w of workers) w.ref()
  return slot.group
}

function putIdle(g: Group): void {
  const workers = groupWorkers(g)
  for (const w of workers) w.unref()
  const previous = idleGroups.get(g.key)
  if (previous) {
    clearTimeout(previous.timer)
    for (const w of groupWorkers(previous.group)) void w.terminate()
  }
  const timer = setTimeout(() => {
    idleGroups.delete(g.key)
    for (const w of workers) void w.terminate()
  }, TOKENIZE_WORKER_IDLE_MS)
  timer.unref()
  idleGroups.set(g.key, { group: g, timer })
}

/** Terminates every idle worker (tests, shutdown). */
export async function closeIdleWorkers(): Promise<void> {
  const all = [...idleGroups.values()]
  idleGroups.clear()
  for (const s of all) clearTimeout(s.timer)
  await Promise.all(all.flatMap((s) => groupWorkers(s.group).map((w) => w.terminate())))
}

export type PoolOptions = {
  trainOn: TrainOn
  maxLength: number
  /** Render threads (default: chooseWorkerCount for this machine). */
  workers?: number
  /** Conversations per chunk (default TOKENIZE_BATCH_SIZE); a chunk also stops at `chunkChars`. */
  batchSize?: number
  chunkChars?: number
  /** V8 heap cap of each render thread (default TOKENIZE_WORKER_HEAP_MB). */
  workerHeapMb?: number
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
  /** Each chunk's batch, strictly in source order, as soon as it and every chunk before it are done. */
  onBatch: (batch: PackedBatch) => void
}

/** A chunk of consecutive source rows; after a failure it is redone one row per job. */
type Chunk = {
  index: number
  rows: number[]
  json: string[]
  result?: PackedBatch
  parts?: (PackedBatch | undefined)[]
  partsLeft?: number
}
/**
 * A whole chunk (`row` null) or one row of it (its position in the chunk). `retry`: the row's thread died
 * once already; it runs again on a thread that has run nothing else, so only a second death blames it.
 */
type Job = { id: number; chunk: Chunk; row: number | null; retry?: boolean }
/** `fresh`: nothing was posted to this thread yet, so its heap holds no other conversation's garbage. */
type Slot = { worker: Worker; ready: boolean; dead: boolean; fresh: boolean; jobs: Map<number, Job> }

const crashReason = (err: Error | null, chars: number): string =>
  (err as NodeJS.ErrnoException | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY'
    ? `the tokenizer thread ran out of memory on this conversation (${chars.toLocaleString('en-US')} characters of JSON)`
    : `the tokenizer thread crashed on this conversation${err ? `: ${err.message}` : ''}`

/**
 * Tokenizes a row source across threads: one encoder thread holds the tokenizer for all, render threads
 * (two chunks in flight each, so rendering overlaps encoding) turn chunks into packed batches, and
 * `onBatch` receives them in source order. Only chunks in flight (and a few finished early) are ever in
 * memory. A render thread that crashes or runs out of memory is replaced; the chunks it held are redone
 * one row at a time, so the row that kills a thread is skipped with its reason and the rest continue, up
 * to TOKENIZE_MAX_WORKER_CRASHES. Anything else that breaks (the encoder, a thread that cannot start)
 * fails the whole call with a coded error. Aborting the signal terminates the workers. The threads are
 * kept for a while afterwards and reused by the next call with the same tokenizer.
 */
export function runPool(init: WorkerInit, source: RowSource, opts: PoolOptions): Promise<void> {
  if (source.total === 0) return Promise.resolve()
  if (opts.signal?.aborted) return Promise.reject(new StudioError('cancelled', 'Tokenization was cancelled'))
  const batchSize = opts.batchSize ?? TOKENIZE_BATCH_SIZE
  const chunkChars = opts.chunkChars ?? TOKENIZE_CHUNK_CHARS
  const heapMb = opts.workerHeapMb ?? TOKENIZE_WORKER_HEAP_MB
  const count = Math.max(
    1,
    Math.min(opts.workers ?? chooseWorkerCount(machineResources()), Math.ceil(source.total / batchSize)),
  )
  const key = groupKey(init, count, heapMb)
  const reused = takeIdle(key)
  const group: Group = reused ?? {
    key,
    init,
    heapMb,
    encoder: spawnWorker({ role: 'encoder', init }, TOKENIZE_ENCODER_HEAP_MB),
    renderers: [],
  }
  if (!reused) for (let k = 0; k < count; k++) group.renderers.push(spawnRenderer(group))

  return new Promise<void>((resolve, reject) => {
    let encoderReady = !!reused
    let nextRow = 0
    let nextChunk = 0
    let nextJob = 0
    let delivered = 0
    let doneRows = 0
    let crashes = 0
    let settled = false
    const chunks = new Map<number, Chunk>()
    const rowJobs: { chunk: Chunk; row: number; retry?: boolean }[] = []
    const slots: Slot[] = []
    const detachers: (() => void)[] = []
    // Chunks finished ahead of one still being redone row by row wait, but only this many.
    const maxAhead = 2 * count + 2

    const listen = <A extends unknown[]>(w: Worker, event: string, fn: (...a: A) => void): void => {
      const h = fn as (...a: unknown[]) => void
      w.on(event, h)
      detachers.push(() => w.off(event, h))
    }
    const stop = (err?: unknown): void => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      for (const d of detachers) d()
      group.renderers = slots.map((s) => s.worker)
      // A replacement thread still starting is not worth keeping: the next call starts a fresh group.
      if (err || slots.some((s) => !s.ready)) for (const w of groupWorkers(group)) void w.terminate()
      else putIdle(group)
      if (err) reject(err)
      else resolve()
    }
    const onAbort = (): void => stop(new StudioError('cancelled', 'Tokenization was cancelled'))
    opts.signal?.addEventListener('abort', onAbort, { once: true })

    const deliver = (): void => {
      for (let c = chunks.get(delivered); c?.result; c = chunks.get(delivered)) {
        chunks.delete(delivered++)
        try {
          opts.onBatch(c.result)
        } catch (err) {
          stop(err)
          return
        }
      }
      if (nextRow >= source.total && chunks.size === 0) stop()
    }
    const finishPart = (job: Job, batch: PackedBatch): void => {
      const c = job.chunk
      doneRows += batch.rows.length
      opts.onProgress?.(doneRows, source.total)
      if (job.row === null) c.result = batch
      else {
        c.parts![job.row] = batch
        if (--c.partsLeft! === 0) c.result = concatBatches(c.parts as PackedBatch[])
      }
      if (c.result) c.json = []
    }
    /** Redo a chunk one row per job: a failure then pins down its row. */
    const splitChunk = (c: Chunk): void => {
      c.parts = new Array(c.rows.length)
      c.partsLeft = c.rows.length
      for (let i = 0; i < c.rows.length; i++) rowJobs.push({ chunk: c, row: i })
    }
    const post = (s: Slot, job: Job): void => {
      s.jobs.set(job.id, job)
      const c = job.chunk
      const msg: ToRenderer = {
        type: 'batch',
        id: job.id,
        trainOn: opts.trainOn,
        maxLength: opts.maxLength,
        rows: job.row === null ? c.rows : [c.rows[job.row]],
        json: job.row === null ? c.json : [c.json[job.row]],
      }
      s.fresh = false
      s.worker.postMessage(msg)
    }
    const feed = (s: Slot): void => {
      if (settled || !encoderReady || !s.ready || s.dead) return
      // A single-row job runs alone on its thread, so a crash is always that row's.
      if ([...s.jobs.values()].some((j) => j.row !== null)) return
      if (rowJobs.length) {
        if (s.jobs.size === 0 && (s.fresh || !rowJobs[0].retry)) {
          const { chunk, row, retry } = rowJobs.shift()!
          post(s, { id: nextJob++, chunk, row, retry })
        }
        return
      }
      while (s.jobs.size < 2 && nextRow < source.total && nextChunk - delivered < maxAhead) {
        let read: { rows: number[]; json: string[] }
        try {
          read = source.read(nextRow, batchSize, chunkChars)
        } catch (err) {
          stop(err)
          return
        }
        if (read.rows.length === 0) {
          stop(
            new StudioError(
              'internal',
              `The dataset ended at row ${nextRow} of ${source.total} while it was being tokenized`,
            ),
          )
          return
        }
        nextRow += read.rows.length
        const chunk: Chunk = { index: nextChunk++, rows: read.rows, json: read.json }
        chunks.set(chunk.index, chunk)
        post(s, { id: nextJob++, chunk, row: null })
      }
    }
    const feedAll = (): void => {
      for (const s of slots) feed(s)
    }

    /** `ready`: a reused thread said so long ago. */
    const attach = (worker: Worker, ready: boolean): Slot => {
      const s: Slot = { worker, ready, dead: false, fresh: !ready, jobs: new Map() }
      slots.push(s)
      const died = (err: Error | null): void => {
        if (settled || s.dead) return
        s.dead = true
        if (!s.ready) {
          stop(
            new StudioError(
              'tokenizer-worker-crashed',
              `A tokenizer thread could not start: ${err?.message ?? 'it exited'}`,
              { crash: 'start', ...(err?.message ? { cause: err.message } : {}) },
            ),
          )
          return
        }
        if (++crashes > TOKENIZE_MAX_WORKER_CRASHES) {
          stop(
            new StudioError(
              'tokenizer-worker-crashed',
              `Tokenizer threads crashed ${crashes} times (last: ${err?.message ?? 'exited'}); tokenization was stopped`,
              { crashes, crash: 'repeated', ...(err?.message ? { cause: err.message } : {}) },
            ),
          )
          return
        }
        // Whole chunks may be innocent (the thread held two): redo them row by row. A single-row job ran
        // alone, but an earlier row's garbage may have filled the heap: it gets one more try on a fresh
        // thread, and a second death there is its own.
        for (const job of s.jobs.values())
          if (job.row === null) splitChunk(job.chunk)
          else if (!job.retry) rowJobs.unshift({ chunk: job.chunk, row: job.row, retry: true })
          else
            finishPart(
              job,
              skippedBatch([job.chunk.rows[job.row]], crashReason(err, job.chunk.json[job.row].length)),
            )
        s.jobs.clear()
        slots.splice(slots.indexOf(s), 1)
        void worker.terminate()
        attach(spawnRenderer(group), false)
        deliver()
        feedAll()
      }
      listen(worker, 'message', (msg: FromRenderer) => {
        if (settled) return
        if (msg.type === 'ready') {
          s.ready = true
          feed(s)
          return
        }
        const job = msg.id === null ? undefined : s.jobs.get(msg.id)
        if (msg.type === 'error' && !job) {
          stop(new StudioError('internal', `Tokenizer thread failed: ${msg.message}`))
          return
        }
        if (!job) return
        s.jobs.delete(job.id)
        if (msg.type === 'done') finishPart(job, msg.batch)
        else if (job.row === null && job.chunk.rows.length > 1) splitChunk(job.chunk)
        else finishPart(job, skippedBatch([job.chunk.rows[job.row ?? 0]], `tokenizer error: ${msg.message}`))
        deliver()
        feedAll()
      })
      listen(worker, 'error', (err: Error) => died(err))
      listen(worker, 'exit', () => died(null))
      return s
    }

    listen(group.encoder, 'message', (msg: FromEncoder) => {
      if (settled) return
      if (msg.type === 'ready') {
        encoderReady = true
        feedAll()
      } else if (msg.type === 'mismatch') stop(new EncoderMismatch(msg.message))
      else stop(new StudioError('internal', `Tokenizer encoder failed: ${msg.message}`))
    })
    const encoderDied = (err: Error | null): void =>
      stop(
        new StudioError(
          'tokenizer-worker-crashed',
          `The tokenizer's encoder thread stopped: ${err?.message ?? 'it exited'}`,
          { crash: 'encoder', ...(err?.message ? { cause: err.message } : {}) },
        ),
      )
    listen(group.encoder, 'error', (err: Error) => encoderDied(err))
    listen(group.encoder, 'exit', () => encoderDied(null))

    for (const w of group.renderers) attach(w, !!reused)
    feedAll()
  })
}
