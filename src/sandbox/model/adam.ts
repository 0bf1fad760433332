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
    let sq = 0
    for (const g of adapter.grads.values()) for (let i = 0; i < g.length; i++) sq += g[i] * g[i]
    const gradNorm = Math.sqrt(sq)
    // torch clip_grad_norm_: scale by max_norm / (total_norm + 1e-6) when that is below 1.
    const clip = hp.grad_clip_norm > 0 ? Math.min(1, hp.grad_clip_norm / (gradNorm + 1e-6)) : 1
    this.step++
    const bc1 = 1 - Math.pow(hp.beta1, this.step)
    const bc2 = 1 - Math.pow(hp.beta2, this.step)
    const stepSize = hp.learning_rate / bc1
    const sqrtBc2 = Math.sqrt(bc2)
    const decay = 1 - hp.learning_rate * hp.weight_decay
    let upd = 0
    for (const [name, p] of adapter.params) {
      const g = adapter.grads.get(name) as Arr
      const m = this.m.get(name) as Arr
      const v = this.v.get(name) as Arr
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] * clip
        const mi = hp.beta1 * m[i] + (1 - hp.beta1) * gi
        const vi = hp.beta2 * v[i] + (1 - hp.beta2) * gi * gi
        m[i] = mi
        v[i] = vi
        const before = p[i]
        const after = before * decay - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + hp.eps)
        p[i] = after
        const du = p[i] - before
        upd += du * du
      }
    }
    adapter.zeroGrad()
    return { gradNorm, updateNorm: Math.sqrt(upd), step: this.step }
  }
}
