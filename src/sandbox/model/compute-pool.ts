/**
 * Runs forward / forward_backward batches on two worker threads, so the sandbox trains on both cores of a laptop
 * and the event loop (HTTP, long polls, the app's IPC when in-process) stays free meanwhile.
 * Deterministic whatever the machine: the batch is cut into two contiguous parts by token count (a function of
 * the batch alone), each worker adds its gradients into its own shared buffers, and those are added to the
 * adapter's gradients in a fixed order (worker 0, then worker 1). Weights are shared, never copied.
 */
import { Worker } from 'node:worker_threads'
import { Adapter, alloc, type AdapterSpec, type AdapterTensors, type BaseModel, type BaseTensors, type LmDims } from './tiny-lm'
import { spawnModuleWorker } from '../../platform'

/** Fixed, not the machine's core count: the split (and so every float) must not depend on the machine. */
export const COMPUTE_WORKERS = 2
/** The built worker's file name (an extra entry of the electron-vite main build). */
export const BUILT_WORKER_FILE = 'sandbox-worker.js'

export type ComputeInit = { dims: LmDims; seed: number; tensors: BaseTensors }
export type ComputeDatum = { input: Int32Array; targets: Int32Array; weights: Float64Array }
export type ComputeJob = {
  id: number
  adapter: { spec: AdapterSpec; tensors: AdapterTensors } | null
  datums: ComputeDatum[]
  backward: boolean
  temperature?: number
}
export type ComputeReply = { id: number; ok: true; logprobs: Float32Array[]; loss: number } | { id: number; ok: false; message: string }
export type ComputeResult = { logprobs: Float32Array[]; loss: number }

/** From sources the worker runs compute-worker.ts under tsx; from the build, `sandbox-worker.js`. */
const spawnComputeWorker = (init: ComputeInit): Worker => spawnModuleWorker(import.meta.url, './compute-worker.ts', BUILT_WORKER_FILE, init)

type Pending = { resolve: (r: ComputeResult) => void; reject: (e: Error) => void }
type Slot = { worker: Worker; pending: Map<number, Pending> }

/** Index that cuts the batch into two contiguous parts of about equal token counts. */
export function splitPoint(datums: ComputeDatum[]): number {
  if (datums.length < 2) return datums.length
  const total = datums.reduce((n, d) => n + d.targets.length, 0)
  let acc = 0
  for (let i = 0; i < datums.length - 1; i++) {
    acc += datums[i].targets.length
    if (2 * acc >= total) return i + 1
  }
  return datums.length - 1
}

export class ComputePool {
  private slots: Slot[] | null = null
  private nextId = 1
  /** Per adapter, one gradient view per worker: the adapter's shared weights with the worker's own gradients. */
  private readonly views = new WeakMap<Adapter, Adapter[]>()

  constructor(private readonly base: BaseModel) {}

  private start(): Slot[] {
    const init: ComputeInit = { dims: this.base.dims, seed: this.base.seed, tensors: this.base.tensors() }
    const slots = Array.from({ length: COMPUTE_WORKERS }, (): Slot => {
      const slot: Slot = { worker: spawnComputeWorker(init), pending: new Map() }
      const failAll = (err: Error): void => {
        for (const p of slot.pending.values()) p.reject(err)
        slot.pending.clear()
        if (this.slots === slots) this.slots = null
      }
      slot.worker.on('message', (r: ComputeReply) => {
        const p = slot.pending.get(r.id)
        if (!p) return
        slot.pending.delete(r.id)
        if (slot.pending.size === 0) slot.worker.unref()
        if (r.ok) p.resolve({ logprobs: r.logprobs, loss: r.loss })
        else p.reject(new Error(r.message))
      })
      slot.worker.on('error', failAll)
      slot.worker.on('exit', (code) => failAll(new Error(`sandbox compute worker exited (code ${code})`)))
      slot.worker.unref()
      return slot
    })
    return slots
  }

  private send(slot: Slot, job: Omit<ComputeJob, 'id'>): Promise<ComputeResult> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject })
      slot.worker.ref()
      slot.worker.postMessage({ ...job, id })
    })
  }

  private gradViews(adapter: Adapter): Adapter[] {
    let v = this.views.get(adapter)
    if (!v) {
      const prec = adapter.base.dims.precision
      v = Array.from({ length: COMPUTE_WORKERS }, () => {
        const grads = [...adapter.grads].map(([name, g]): [string, ReturnType<typeof alloc>] => [name, alloc(prec, g.length)])
        const live = adapter.liveClasses ? new Uint8Array(new SharedArrayBuffer(adapter.liveClasses.length)) : null
        return new Adapter(adapter.base, adapter.spec, 0, { params: [...adapter.params], grads, liveClasses: live })
      })
      this.views.set(adapter, v)
    }
    return v
  }

  /**
   * cross_entropy over the batch; with `backward`, adds dL/dθ to the adapter's gradients — all of it or, when a
   * worker fails, none of it.
   */
  async run(adapter: Adapter | null, datums: ComputeDatum[], opts: { backward: boolean; temperature?: number }): Promise<ComputeResult> {
    const slots = (this.slots ??= this.start())
    const cut = splitPoint(datums)
    const parts = [datums.slice(0, cut), datums.slice(cut)]
    const views = adapter && opts.backward ? this.gradViews(adapter) : null
    const settled = await Promise.allSettled(
      parts.map((part, w) =>
        part.length === 0
          ? Promise.resolve({ logprobs: [], loss: 0 })
          : this.send(slots[w], {
              adapter: adapter && { spec: adapter.spec, tensors: (views ? views[w] : adapter).tensors() },
              datums: part,
              backward: opts.backward,
              temperature: opts.temperature,
            }),
      ),
    )
    if (views && adapter) for (const v of views) drainInto(v, adapter, settled.every((s) => s.status === 'fulfilled'))
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason))
    const results = settled.map((s) => (s as PromiseFulfilledResult<ComputeResult>).value)
    return { logprobs: results.flatMap((r) => r.logprobs), loss: results[0].loss + results[1].loss }
  }

  close(): void {
    for (const s of this.slots ?? []) void s.worker.terminate()
    this.slots = null
  }
}

/** Adds (when `add`) a worker's gradients to the adapter's and leaves the worker's buffers zero. */
function drainInto(view: Adapter, adapter: Adapter, add: boolean): void {
  for (const [name, g] of adapter.grads) {
    const gw = view.grads.get(name) as typeof g
    for (const [lo, hi] of view.liveRanges(name)) {
      if (add) for (let i = lo; i < hi; i++) g[i] += gw[i]
      gw.fill(0, lo, hi)
    }
  }
  const live = view.liveClasses
  if (!live || !adapter.liveClasses) return
  for (let c = 0; c < live.length; c++) {
    if (!live[c]) continue
    if (add) adapter.liveClasses[c] = 1
    live[c] = 0
  }
}
