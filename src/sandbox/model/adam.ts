/**
 * AdamW as torch.optim.AdamW applies it after TuFT's HF backend writes every AdamParams field into the param
 * groups: optional global-norm clipping (clip_grad_norm_, 0 = off), decoupled weight decay, bias-corrected
 * moments. Gradients are zeroed afterwards, like optimizer.zero_grad().
 */
import type { Adapter, Arr } from './tiny-lm'
import { alloc } from './tiny-lm'

export type AdamParams = {
  learning_rate: number
  beta1: number
  beta2: number
  eps: number
  weight_decay: number
  grad_clip_norm: number
}

export type OptimMetrics = { gradNorm: number; updateNorm: number; step: number }

export class AdamState {
  step = 0
  readonly m = new Map<string, Arr>()
  readonly v = new Map<string, Arr>()

  constructor(adapter: Adapter) {
    for (const [name, p] of adapter.params) {
      this.m.set(name, alloc(adapter.base.dims.precision, p.length))
      this.v.set(name, alloc(adapter.base.dims.precision, p.length))
    }
  }

  reset(): void {
    this.step = 0
    for (const a of this.m.values()) a.fill(0)
    for (const a of this.v.values()) a.fill(0)
  }

  apply(adapter: Adapter, hp: AdamParams): OptimMetrics {
    // Rows that never had a gradient are exactly zero with zero moments and stay so — except with eps = 0, where
    // torch computes 0/0 = NaN for them; then every row is updated.
    const ranges = new Map<string, Array<[number, number]>>()
    for (const [name, p] of adapter.params) ranges.set(name, hp.eps > 0 ? adapter.liveRanges(name) : [[0, p.length]])
    let sq = 0
    for (const [name, g] of adapter.grads) {
      for (const [lo, hi] of ranges.get(name) as Array<[number, number]>) for (let i = lo; i < hi; i++) sq += g[i] * g[i]
    }
    const gradNorm = Math.sqrt(sq)
    // torch clip_grad_norm_: scale by max_norm / (total_norm + 1e-6) when that is below 1.
    const clip = hp.grad_clip_norm > 0 ? Math.min(1, hp.grad_clip_norm / (gradNorm + 1e-6)) : 1
    this.step++
    const { beta1, beta2, eps } = hp
    const bc1 = 1 - Math.pow(beta1, this.step)
    const bc2 = 1 - Math.pow(beta2, this.step)
    const stepSize = hp.learning_rate / bc1
    const sqrtBc2 = Math.sqrt(bc2)
    const decay = 1 - hp.learning_rate * hp.weight_decay
    let upd = 0
    for (const [name, p] of adapter.params) {
      const g = adapter.grads.get(name) as Arr
      const m = this.m.get(name) as Arr
      const v = this.v.get(name) as Arr
      for (const [lo, hi] of ranges.get(name) as Array<[number, number]>) {
        for (let i = lo; i < hi; i++) {
          const gi = g[i] * clip
          g[i] = 0 // optimizer.zero_grad()
          const mi = beta1 * m[i] + (1 - beta1) * gi
          const vi = beta2 * v[i] + (1 - beta2) * gi * gi
          m[i] = mi
          v[i] = vi
          const before = p[i]
          p[i] = before * decay - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps)
          const du = p[i] - before
          upd += du * du
        }
      }
    }
    return { gradNorm, updateNorm: Math.sqrt(upd), step: this.step }
  }
}
