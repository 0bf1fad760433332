import { describe, expect, it } from 'vitest'
import { estimateRun, oomSuggestion, PRESETS, rankLrAdvice } from './advice'

describe('rankLrAdvice', () => {
  it('warns that 1e-5 is slow and 1e-3 may be unstable, and stays quiet at 1e-4', () => {
    expect(rankLrAdvice(32, 1e-5, 64).map((a) => a.id)).toEqual(['lr-slow'])
    expect(rankLrAdvice(32, 1e-3, 64).map((a) => a.id)).toEqual(['lr-unstable'])
    expect(rankLrAdvice(32, 1e-4, 64)).toEqual([])
  })

  it('flags a rank above the server maximum as an error, with both numbers, and then says nothing else about the rank', () => {
    expect(rankLrAdvice(128, 1e-4, 64)).toEqual([{ id: 'rank-above-max', severity: 'error', values: { rank: 128, max: 64 } }])
    expect(rankLrAdvice(64, 1e-4, 64)).toEqual([{ id: 'rank-harder-task', severity: 'info', values: { rank: 64, moderate: 32 } }])
  })

  it('says nothing about the maximum when the server does not report one', () => {
    expect(rankLrAdvice(128, 1e-4, undefined).map((a) => a.id)).toEqual(['rank-harder-task'])
  })

  it('warns strongly outside [1e-6, 1e-2], and says nothing about an LR that is not a number', () => {
    expect(rankLrAdvice(32, 0.1, 64)).toEqual([{ id: 'lr-far-high', severity: 'strong', values: { lr: 0.1 } }])
    expect(rankLrAdvice(32, 1e-7, 64).map((a) => [a.id, a.severity])).toEqual([['lr-far-low', 'strong']])
    expect(rankLrAdvice(32, 1e-2, 64).map((a) => a.id)).toEqual(['lr-unstable'])
    expect(rankLrAdvice(32, 1e-6, 64).map((a) => a.id)).toEqual(['lr-slow'])
    expect(rankLrAdvice(32, null, 64)).toEqual([])
  })

  it('presets follow the guide: default 1e-4, faster 1e-3, conservative lower', () => {
    const byId = Object.fromEntries(PRESETS.map((p) => [p.id, p]))
    expect(byId['strong-default'].learningRate).toBe(1e-4)
    expect(byId.faster.learningRate).toBe(1e-3)
    expect(byId.conservative.learningRate).toBeLessThan(1e-4)
    for (const p of PRESETS) expect([8, 32]).toContain(p.rank)
  })
})

describe('estimateRun', () => {
  it('computes tokens per step, steps per epoch and time from a measured throughput', () => {
    const e = estimateRun({ batchSize: 8, steps: 100, trainRows: 500, meanTokens: 250, tokensPerS: 1000 })
    // Epochs exactly: 100 batches of 8 over 500 examples is 1.6 passes (not 100 / 63 whole steps per epoch).
    expect(e).toEqual({ tokensPerStep: 2000, stepsPerEpoch: 63, epochs: 1.6, seconds: 200 })
  })
  it('leaves the time unknown until a throughput was measured', () => {
    expect(estimateRun({ batchSize: 8, steps: 100, trainRows: null, meanTokens: null, tokensPerS: null })).toEqual({
      tokensPerStep: null,
      stepsPerEpoch: null,
      epochs: null,
      seconds: null,
    })
  })
})

describe('oomSuggestion', () => {
  it('halves max length (or drops to p95), batch size, and moves rank to 8', () => {
    expect(oomSuggestion({ maxLength: 2048, batchSize: 8, rank: 32 }, 730)).toEqual({ maxLength: 768, batchSize: 4, rank: 8 })
    expect(oomSuggestion({ maxLength: 512, batchSize: 1, rank: 8 }, null)).toEqual({ maxLength: 256, batchSize: 1, rank: 4 })
  })
})
