import type { Datum } from '../../../shared/datum'
import { heldOutCount } from '../../../shared/judge'

import { seededRandom } from '../../../shared/seeded-random'

export { seededRandom }

/** Seeds derived per purpose so the held-out choice, the eval subset and each epoch's order are independent. */
const mix = (seed: number, salt: number): number => (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + salt * 0xc2b2ae35) >>> 0

export function seededPermutation(n: number, seed: number): Int32Array {
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) out[i] = i
  const rnd = seededRandom(seed)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    const t = out[i]
    out[i] = out[j]
    out[j] = t
  }
  return out
}

export { heldOutCount }

/** Which datums train and which evaluate, as datum indices: the datums themselves stay in the store. */
export type TrainEvalSplit = {
  /** The training examples: datum indices in the training split, ascending. */
  train: Int32Array
  /** Fixed eval subset (at most evalSetSize): datum indices in the eval split or, held out, the training split, in a seeded order. */
  eval: number[]
  evalSource: 'split' | 'held-out' | 'none'
  heldOut: number
}

/**
 * Chooses the eval set from datum counts alone. With a test split it is a seeded subset of that split;
 * otherwise a seeded held-out slice of the training datums (`heldOutFraction`, default HELDOUT_FRACTION, at most HELDOUT_MAX) that
 * is removed from the training pool, so it never appears in a training batch.
 */
export function splitTrainEval(
  trainCount: number,
  evalSplitCount: number | null,
  evalSetSize: number,
  seed: number,
  heldOutFraction?: number,
): TrainEvalSplit {
  if (evalSplitCount !== null) {
    const order = seededPermutation(evalSplitCount, mix(seed, 1))
    return { train: identity(trainCount), eval: Array.from(order.subarray(0, evalSetSize)), evalSource: evalSetSize > 0 ? 'split' : 'none', heldOut: 0 }
  }
  if (evalSetSize === 0) return { train: identity(trainCount), eval: [], evalSource: 'none', heldOut: 0 }
  const k = heldOutCount(trainCount, heldOutFraction)
  const order = seededPermutation(trainCount, mix(seed, 2))
  const held = new Uint8Array(trainCount)
  for (let i = 0; i < k; i++) held[order[i]] = 1
  const train = new Int32Array(trainCount - k)
  for (let i = 0, t = 0; i < trainCount; i++) if (!held[i]) train[t++] = i
  return { train, eval: Array.from(order.subarray(0, Math.min(k, evalSetSize))), evalSource: k > 0 ? 'held-out' : 'none', heldOut: k }
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) out[i] = i
  return out
}

/** Examples read by position when needed (a batch, an eval chunk), never all held at once. */
export type DatumSource = {
  count: number
  read(positions: readonly number[]): Datum[]
}

/** The examples whose datum indices are `ids`, read through `datumsAt` (the tokenized cache). */
export const datumSource = (ids: ArrayLike<number>, datumsAt: (indices: readonly number[]) => Datum[]): DatumSource => ({
  count: ids.length,
  read: (positions) => datumsAt(positions.map((p) => ids[p])),
})

/**
 * The training stream: epoch e visits every example once in a seeded order of its own, and batches are
 * consecutive slices of the concatenated epochs, so the last batch of an epoch wraps into the next.
 * A batch is a pure function of (seed, cursor, size): a resumed run draws exactly the batches it would
 * have drawn had it not stopped.
 */
export class BatchStream {
  private readonly perms = new Map<number, Int32Array>()

  constructor(
    private readonly n: number,
    private readonly seed: number,
  ) {
    if (n <= 0) throw new Error('BatchStream needs at least one example')
  }

  indicesAt(cursor: number, size: number): number[] {
    const out: number[] = []
    for (let p = cursor; p < cursor + size; p++) {
      const epoch = Math.floor(p / this.n)
      out.push(this.perm(epoch)[p % this.n])
    }
    return out
  }

  private perm(epoch: number): Int32Array {
    let p = this.perms.get(epoch)
    if (!p) {
      if (this.perms.size > 2) this.perms.delete(Math.min(...this.perms.keys()))
      p = seededPermutation(this.n, mix(this.seed, 1000 + epoch))
      this.perms.set(epoch, p)
    }
    return p
  }
}

/** Masked NLL exactly as the guide computes it: Σ −logprob·w / max(Σ w, 1) over the batch. */
export function maskedNll(
  outputs: readonly { logprobs: ArrayLike<number> }[],
  datums: readonly Datum[],
): { nll: number; weighted: number; total: number; lossSum: number } {
  let loss = 0
  let w = 0
  let total = 0
  for (let i = 0; i < datums.length; i++) {
    const lp = outputs[i]?.logprobs
    const ws = datums[i].weights
    if (!lp) throw new Error(`missing logprobs for datum ${i}`)
    total += ws.length
    for (let t = 0; t < ws.length; t++) {
      if (ws[t] === 0) continue
      loss += -lp[t] * ws[t]
      w += ws[t]
    }
  }
  return { nll: loss / Math.max(w, 1), weighted: w, total, lossSum: loss }
}
