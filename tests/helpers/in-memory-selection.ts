/**
 * How a run chose its data while it held every datum in memory: a seeded held-out slice filtered out of
 * the datum array (or a seeded subset of a test split), and batches as seeded per-epoch permutations of
 * what is left. Kept verbatim as the reference the store-backed selection must reproduce step for step,
 * so a seed keeps giving the same curves.
 */
import type { Datum } from '../../src/shared/datum'
import { heldOutCount, seededRandom } from '../../src/main/core/runs/data'

const mix = (seed: number, salt: number): number =>
  (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + salt * 0xc2b2ae35) >>> 0

function permutation(n: number, seed: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i)
  const rnd = seededRandom(seed)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

export function inMemorySelection(
  train: Datum[],
  test: Datum[] | null,
  evalSetSize: number,
  seed: number,
): { train: Datum[]; eval: Datum[] } {
  if (test)
    return {
      train,
      eval: permutation(test.length, mix(seed, 1))
        .slice(0, evalSetSize)
        .map((i) => test[i]),
    }
  if (evalSetSize === 0) return { train, eval: [] }
  const k = heldOutCount(train.length)
  const order = permutation(train.length, mix(seed, 2))
  const held = new Set(order.slice(0, k))
  return {
    train: train.filter((_, i) => !held.has(i)),
    eval: order.slice(0, Math.min(k, evalSetSize)).map((i) => train[i]),
  }
}

/** The batch at `cursor`: consecutive positions of the concatenated seeded epochs. */
export function inMemoryBatch(train: Datum[], seed: number, cursor: number, size: number): Datum[] {
  const perms = new Map<number, number[]>()
  return Array.from({ length: size }, (_, k) => {
    const p = cursor + k
    const epoch = Math.floor(p / train.length)
    if (!perms.has(epoch)) perms.set(epoch, permutation(train.length, mix(seed, 1000 + epoch)))
    return train[perms.get(epoch)![p % train.length]]
  })
}
