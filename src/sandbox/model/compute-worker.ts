/**
 * A compute worker of the sandbox trainer (see compute-pool.ts): runs cross_entropy, and its backward pass, for
 * its share of a batch on the shared-memory weights, adding gradients to its own shared buffers.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { ComputeInit, ComputeJob, ComputeReply } from './compute-pool'
import { Adapter, BaseModel, crossEntropy } from './tiny-lm'

const init = workerData as ComputeInit
const base = new BaseModel(init.dims, init.seed, init.tensors)
const port = parentPort
if (!port) throw new Error('compute-worker must run in a worker thread')

port.on('message', (job: ComputeJob) => {
  let reply: ComputeReply
  try {
    const adapter = job.adapter ? new Adapter(base, job.adapter.spec, 0, job.adapter.tensors) : null
    const logprobs: Float32Array[] = []
    let loss = 0
    for (const d of job.datums) {
      const r = crossEntropy(base, adapter, d.input, d.targets, d.weights, { backward: job.backward, temperature: job.temperature })
      logprobs.push(r.logprobs)
      loss += r.loss
    }
    reply = { id: job.id, ok: true, logprobs, loss }
  } catch (err) {
    reply = { id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) }
  }
  port.postMessage(reply)
})
