import { afterAll, describe, expect, it } from 'vitest'
import { ComputePool, splitPoint, type ComputeDatum } from './compute-pool'
import { createRng } from './rng'
import { Adapter, BaseModel, crossEntropy, type LmDims } from './tiny-lm'

const SMALL: LmDims = { vocabSize: 50, hidden: 6, ffn: 8, classSize: 7, precision: 'f64', loraGain: 1.5 }
const SPEC = { rank: 3, trainAttn: true, trainMlp: true, trainUnembed: true, alpha: 6 }

const base = new BaseModel(SMALL, 2)
const pools: ComputePool[] = []
afterAll(() => pools.forEach((p) => p.close()))

function batch(n: number): ComputeDatum[] {
  const rng = createRng(4, 'batch')
  return Array.from({ length: n }, (_, i) => {
    const L = 3 + i * 2
    const tok = (): number => Math.floor(rng.next() * SMALL.vocabSize)
    return {
      input: Int32Array.from({ length: L }, tok),
      targets: Int32Array.from({ length: L }, tok),
      weights: Float64Array.from({ length: L }, () => (rng.next() < 0.2 ? 0 : rng.next() * 2)),
    }
  })
}

function trained(): Adapter {
  const ad = new Adapter(base, SPEC, 11)
  const rng = createRng(5, 'perturb')
  for (const p of ad.params.values()) for (let i = 0; i < p.length; i++) p[i] += rng.normal() * 0.3
  return ad
}

const grads = (ad: Adapter): number[] => [...ad.grads.values()].flatMap((g) => Array.from(g))

describe('compute pool', () => {
  it('cuts a batch into two contiguous parts by token count', () => {
    const d = (n: number): ComputeDatum => ({ input: new Int32Array(n), targets: new Int32Array(n), weights: new Float64Array(n) })
    expect(splitPoint([])).toBe(0)
    expect(splitPoint([d(5)])).toBe(1)
    expect(splitPoint([d(5), d(5)])).toBe(1)
    expect(splitPoint([d(1), d(1), d(10)])).toBe(2)
    expect(splitPoint([d(10), d(1), d(1), d(1)])).toBe(1)
  })

  it('gives the in-thread cross_entropy results and gradients, on worker threads', async () => {
    const data = batch(5)
    const ref = trained()
    let refLoss = 0
    const refLp = data.map((d) => {
      const r = crossEntropy(base, ref, d.input, d.targets, d.weights, { backward: true, temperature: 0.8 })
      refLoss += r.loss
      return Array.from(r.logprobs)
    })
    const pool = new ComputePool(base)
    pools.push(pool)
    const ad = trained()
    const out = await pool.run(ad, data, { backward: true, temperature: 0.8 })
    expect(out.loss).toBeCloseTo(refLoss, 10)
    out.logprobs.forEach((lp, i) => Array.from(lp).forEach((v, t) => expect(v).toBeCloseTo(refLp[i][t], 6)))
    const [g, gRef] = [grads(ad), grads(ref)]
    expect(g.some((v) => v !== 0)).toBe(true)
    g.forEach((v, i) => expect(v).toBeCloseTo(gRef[i], 10))
    expect(Array.from(ad.liveClasses!)).toEqual(Array.from(ref.liveClasses!))
    // forward only leaves the gradients alone
    await pool.run(ad, data, { backward: false })
    expect(grads(ad)).toEqual(g)
  }, 60_000)

  it('is deterministic: the same batch gives bit-identical gradients, accumulated across calls', async () => {
    const data = batch(6)
    const runs: number[][] = []
    for (let k = 0; k < 2; k++) {
      const pool = new ComputePool(base)
      pools.push(pool)
      const ad = trained()
      await pool.run(ad, data, { backward: true })
      await pool.run(ad, data.slice(1), { backward: true })
      runs.push(grads(ad))
    }
    expect(runs[0]).toEqual(runs[1])
  }, 60_000)

  it('adds no gradient at all when a part of the batch fails', async () => {
    const pool = new ComputePool(base)
    pools.push(pool)
    const ad = trained()
    const data = batch(4).reverse() // 9, 7 | 5, 3 tokens
    // the second worker's part: datum 2 adds gradients to its buffers, then datum 3 throws
    data[3] = { ...data[3], weights: undefined as unknown as Float64Array }
    expect(splitPoint(data)).toBe(2)
    await expect(pool.run(ad, data, { backward: true })).rejects.toThrow()
    expect(grads(ad).every((v) => v === 0)).toBe(true)
    // and the pool keeps working
    await pool.run(ad, batch(4), { backward: true })
    expect(grads(ad).some((v) => v !== 0)).toBe(true)
  }, 60_000)
})
