import { describe, expect, it } from 'vitest'
import type { Datum } from '../../../shared/datum'
import { BatchStream, heldOutCount, maskedNll, seededPermutation, splitTrainEval } from './data'

const datum = (id: number): Datum => ({ model_input: [id], target_tokens: [id + 1], weights: [1] })

describe('batches and eval split', () => {
  it('draws seeded batches that visit every example once per epoch and wrap into the next epoch', () => {
    const s = new BatchStream(10, 7)
    const first = s.indicesAt(0, 10)
    expect([...first].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    const second = s.indicesAt(10, 10)
    expect(second).not.toEqual(first) // each epoch has its own order
    // A batch across the epoch boundary = tail of epoch 0 + head of epoch 1.
    expect(s.indicesAt(8, 4)).toEqual([...first.slice(8), ...second.slice(0, 2)])
    // Pure function of (seed, cursor, size): a fresh stream (a resumed run) draws the same batch.
    expect(new BatchStream(10, 7).indicesAt(13, 3)).toEqual(second.slice(3, 6))
    expect(new BatchStream(10, 8).indicesAt(0, 10)).not.toEqual(first)
  })

  it('holds out a seeded 5% slice (at most 500) that never appears in training', () => {
    expect(heldOutCount(100)).toBe(5)
    expect(heldOutCount(20_000)).toBe(500)
    expect(heldOutCount(10)).toBe(1)
    const all = Array.from({ length: 200 }, (_, i) => datum(i))
    const s = splitTrainEval(all, null, 4, 3)
    expect(s.evalSource).toBe('held-out')
    expect(s.heldOut).toBe(10)
    expect(s.train).toHaveLength(190)
    expect(s.eval).toHaveLength(4)
    const trainIds = new Set(s.train.map((d) => d.model_input[0]))
    for (const e of s.eval) expect(trainIds.has(e.model_input[0])).toBe(false)
    expect(splitTrainEval(all, null, 4, 3).eval).toEqual(s.eval)
    // A larger held-out fraction holds out more, all of it kept out of training.
    const larger = splitTrainEval(all, null, 100, 3, 0.25)
    expect([larger.heldOut, larger.eval.length, larger.train.length]).toEqual([50, 50, 150])
    const kept = new Set(larger.train.map((d) => d.model_input[0]))
    for (const e of larger.eval) expect(kept.has(e.model_input[0])).toBe(false)
  })

  it('uses the test split when there is one, as a fixed seeded subset, and keeps all training data', () => {
    const train = Array.from({ length: 50 }, (_, i) => datum(i))
    const test = Array.from({ length: 30 }, (_, i) => datum(1000 + i))
    const s = splitTrainEval(train, test, 8, 1)
    expect(s.evalSource).toBe('split')
    expect(s.train).toHaveLength(50)
    expect(s.eval).toHaveLength(8)
    expect(s.eval.every((d) => d.model_input[0] >= 1000)).toBe(true)
    expect(seededPermutation(5, 1)).toEqual(seededPermutation(5, 1))
  })
})

describe('maskedNll', () => {
  it('is Σ −logprob·w / Σ w over the whole batch, as the guide computes it', () => {
    const datums: Datum[] = [
      { model_input: [1, 2, 3], target_tokens: [2, 3, 4], weights: [0, 1, 1] },
      { model_input: [5, 6], target_tokens: [6, 7], weights: [1, 0] },
    ]
    const outs = [{ logprobs: [-9, -1, -2] }, { logprobs: [-3, -100] }]
    const r = maskedNll(outs, datums)
    expect(r.nll).toBeCloseTo((1 + 2 + 3) / 3)
    expect(r.weighted).toBe(3)
    expect(r.total).toBe(5)
    expect(r.lossSum).toBeCloseTo(6)
    expect(maskedNll([{ logprobs: [-1] }], [{ model_input: [1], target_tokens: [2], weights: [0] }]).nll).toBe(0)
  })
})
