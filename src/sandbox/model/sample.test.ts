import { describe, expect, it } from 'vitest'
import { createRng } from './rng'
import { pickToken, type SampleParams } from './sample'

const lp = Float64Array.from([0.5, 0.3, 0.15, 0.05].map(Math.log))
const params = (p: Partial<SampleParams>): SampleParams => ({ maxTokens: 1, temperature: 1, topK: -1, topP: 1, seed: 0, stopTokens: [], ...p })

function histogram(p: SampleParams, n = 4000): number[] {
  const rng = createRng(1, 'hist')
  const h = [0, 0, 0, 0]
  for (let i = 0; i < n; i++) h[pickToken(lp, p, rng.next())]++
  return h.map((c) => c / n)
}

describe('pickToken', () => {
  it('samples the model distribution at temperature 1', () => {
    const h = histogram(params({}))
    ;[0.5, 0.3, 0.15, 0.05].forEach((p, i) => expect(h[i]).toBeCloseTo(p, 1))
  })
  it('temperature 0 is greedy; low temperature sharpens, high flattens', () => {
    expect(histogram(params({ temperature: 0 }))).toEqual([1, 0, 0, 0])
    expect(histogram(params({ temperature: 0.3 }))[0]).toBeGreaterThan(0.8)
    expect(histogram(params({ temperature: 3 }))[3]).toBeGreaterThan(0.12)
  })
  it('top_k keeps the k most likely tokens, renormalised', () => {
    const h = histogram(params({ topK: 2 }))
    expect(h[2] + h[3]).toBe(0)
    expect(h[0]).toBeCloseTo(0.5 / 0.8, 1)
  })
  it('top_p keeps the smallest prefix reaching p', () => {
    const h = histogram(params({ topP: 0.7 }))
    expect(h[2] + h[3]).toBe(0)
    expect(h[1]).toBeGreaterThan(0.3)
    expect(histogram(params({ topP: 0.1 }))).toEqual([1, 0, 0, 0])
  })
  it('on a full-size vocabulary, the prefiltered top-p/top-k pick equals a full sort', () => {
    const V = 151_669
    const rng = createRng(3, 'vocab')
    const big = new Float64Array(V)
    for (let i = 0; i < V; i++) big[i] = -Math.log(i + 10) * 1.1 + rng.normal() * 2
    const reference = (p: SampleParams, u: number): number => {
      const w = Array.from(big, (x) => Math.exp(x / p.temperature))
      const z = w.reduce((a, b) => a + b, 0)
      const order = w.map((_, i) => i).sort((a, b) => w[b] - w[a])
      const keep = p.topK > 0 ? p.topK : V
      let cum = 0
      let n = 0
      while (n < keep) {
        cum += w[order[n]] / z
        n++
        if (cum >= p.topP) break
      }
      let t = u * order.slice(0, n).reduce((a, i) => a + w[i], 0)
      for (let j = 0; j < n; j++) if ((t -= w[order[j]]) <= 0) return order[j]
      return order[n - 1]
    }
    for (const pp of [params({ topP: 0.9, temperature: 0.8 }), params({ topK: 50 }), params({ topP: 0.5, topK: 20, temperature: 1.3 })]) {
      for (const u of [0.01, 0.37, 0.93]) expect(pickToken(big, pp, u)).toBe(reference(pp, u))
    }
  })
})
