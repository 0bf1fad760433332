/**
 * The sandbox's tiny causal language model over the full Qwen3 vocabulary.
 *
 * Design (everything chosen so a forward_backward position costs microseconds on a laptop CPU):
 *  - input: e_t = E[x_t]·√d (frozen embedding); context: causal running mean m_t of e_0..e_t;
 *  - "attn" block: h0 = e_t + W_ctx·m_t (+ LoRA on W_ctx);
 *  - "mlp" block: h = h0 + W2·tanh(W1·h0) (+ LoRA on W1 and W2);
 *  - output: a two-level (class-factored) softmax p(y) = p(class(y) | h) · p(y | class(y), h) with ~√V classes
 *    of consecutive token ids. Both factors are exact softmaxes, so p is normalised over the whole vocabulary
 *    while a position touches only C + K ≈ 2√V output rows. The token head is tied to E; "unembed" LoRA adds
 *    B·(A·h) to both heads. Frozen biases carry a Zipf-like prior over ids (low BPE ids are frequent pieces).
 * Trainable parameters are only the LoRA factors (A random, B zero, scale alpha/rank = 2 as in TuFT).
 */
import { createRng } from './rng'

export type Arr = Float32Array | Float64Array
export type Precision = 'f32' | 'f64'

export type LmDims = {
  vocabSize: number
  hidden: number
  ffn: number
  /** Tokens per output class; classes are consecutive id ranges. */
  classSize: number
  precision: Precision
  /**
   * Multiplies the LoRA scale alpha/rank. A 32-wide model moves its logits far less per Adam step than a
   * 2560-wide one, so without this the guide's learning rates (1e-5 … 1e-3) would all look flat here.
   */
  loraGain: number
}

export type AdapterSpec = {
  rank: number
  trainAttn: boolean
  trainMlp: boolean
  trainUnembed: boolean
  /** TuFT: lora_alpha = rank × 2. */
  alpha: number
}

export const alloc = (p: Precision, n: number): Arr => (p === 'f64' ? new Float64Array(n) : new Float32Array(n))

const ZIPF_EXPONENT = 1.0
const ZIPF_OFFSET = 10

export class BaseModel {
  readonly numClasses: number
  /** V×d: input embedding (scaled by √d on lookup) and tied token head. */
  readonly emb: Arr
  readonly wctx: Arr // d×d
  readonly w1: Arr // f×d
  readonly w2: Arr // d×f
  readonly wc: Arr // C×d
  readonly bc: Arr // C
  readonly bt: Arr // V

  constructor(
    readonly dims: LmDims,
    readonly seed: number,
  ) {
    const { vocabSize: V, hidden: d, ffn: f, classSize: K, precision } = dims
    this.numClasses = Math.ceil(V / K)
    const C = this.numClasses
    const gauss = (name: string, n: number, std: number): Arr => {
      const rng = createRng(seed, `base.${name}`)
      const a = alloc(precision, n)
      for (let i = 0; i < n; i++) a[i] = rng.normal() * std
      return a
    }
    this.emb = gauss('emb', V * d, 1 / Math.sqrt(d))
    this.wctx = gauss('wctx', d * d, 1 / Math.sqrt(d))
    this.w1 = gauss('w1', f * d, 1 / Math.sqrt(d))
    this.w2 = gauss('w2', d * f, 1 / Math.sqrt(f))
    this.wc = gauss('wc', C * d, 1 / Math.sqrt(d))
    // Zipf prior log p0(y) ∝ -s·log(y + o), split exactly into a class part and a within-class part.
    this.bc = alloc(precision, C)
    this.bt = alloc(precision, V)
    for (let c = 0; c < C; c++) {
      const lo = c * K
      const hi = Math.min(V, lo + K)
      let mx = -Infinity
      for (let y = lo; y < hi; y++) mx = Math.max(mx, -ZIPF_EXPONENT * Math.log(y + ZIPF_OFFSET))
      let s = 0
      for (let y = lo; y < hi; y++) s += Math.exp(-ZIPF_EXPONENT * Math.log(y + ZIPF_OFFSET) - mx)
      const lse = mx + Math.log(s)
      this.bc[c] = lse
      for (let y = lo; y < hi; y++) this.bt[y] = -ZIPF_EXPONENT * Math.log(y + ZIPF_OFFSET) - lse
    }
  }
}

/** Names and shapes of the LoRA tensors an adapter spec creates. */
export function adapterShapes(dims: LmDims, numClasses: number, spec: AdapterSpec): Array<[string, number, number]> {
  const { hidden: d, ffn: f, vocabSize: V } = dims
  const r = spec.rank
  const out: Array<[string, number, number]> = []
  if (spec.trainAttn) out.push(['attn.A', r, d], ['attn.B', d, r])
  if (spec.trainMlp) out.push(['mlp.A1', r, d], ['mlp.B1', f, r], ['mlp.A2', r, f], ['mlp.B2', d, r])
  if (spec.trainUnembed) out.push(['unembed.A', r, d], ['unembed.Bc', numClasses, r], ['unembed.Bt', V, r])
  return out
}

export class Adapter {
  readonly params = new Map<string, Arr>()
  readonly grads = new Map<string, Arr>()
  readonly shapes: Array<[string, number, number]>

  constructor(
    readonly base: BaseModel,
    readonly spec: AdapterSpec,
    seed: number,
  ) {
    this.shapes = adapterShapes(base.dims, base.numClasses, spec)
    for (const [name, rows, cols] of this.shapes) {
      const p = alloc(base.dims.precision, rows * cols)
      // LoRA init: A ~ N(0, 1/fan_in), B = 0, so a fresh adapter is exactly the base model.
      if (name.includes('.A')) {
        const rng = createRng(seed, `lora.${name}`)
        const std = 1 / Math.sqrt(cols)
        for (let i = 0; i < p.length; i++) p[i] = rng.normal() * std
      }
      this.params.set(name, p)
      this.grads.set(name, alloc(base.dims.precision, rows * cols))
    }
  }

  get scale(): number {
    return (this.spec.alpha / this.spec.rank) * this.base.dims.loraGain
  }

  parameterCount(): number {
    let n = 0
    for (const p of this.params.values()) n += p.length
    return n
  }

  zeroGrad(): void {
    for (const g of this.grads.values()) g.fill(0)
  }
}

export type DatumResult = { logprobs: Float32Array; loss: number }

const logSumExp = (a: Arr | number[], n: number): number => {
  let mx = -Infinity
  for (let i = 0; i < n; i++) if (a[i] > mx) mx = a[i]
  let s = 0
  for (let i = 0; i < n; i++) s += Math.exp(a[i] - mx)
  return mx + Math.log(s)
}

/** Per-position scratch: hidden state and the intermediates the backward pass needs. */
class Scratch {
  e: Float64Array
  sum: Float64Array
  m: Float64Array
  va: Float64Array
  h0: Float64Array
  v1: Float64Array
  g: Float64Array
  v2: Float64Array
  h: Float64Array
  u: Float64Array
  lc: Float64Array
  lt: Float64Array
  dh: Float64Array
  du: Float64Array
  dg: Float64Array
  dz: Float64Array
  dh0: Float64Array
  tr: Float64Array
  constructor(d: number, f: number, r: number, C: number, K: number) {
    const z = (n: number): Float64Array => new Float64Array(n)
    this.e = z(d)
    this.sum = z(d)
    this.m = z(d)
    this.va = z(r)
    this.h0 = z(d)
    this.v1 = z(r)
    this.g = z(f)
    this.v2 = z(r)
    this.h = z(d)
    this.u = z(r)
    this.lc = z(C)
    this.lt = z(K)
    this.dh = z(d)
    this.du = z(r)
    this.dg = z(f)
    this.dz = z(f)
    this.dh0 = z(d)
    this.tr = z(r)
  }
}

/**
 * Runs the model over one sequence with the same state machine for training, scoring and sampling:
 * `step(token)` advances the running context and leaves h (and u) for the next-token distribution.
 */
export class Decoder {
  readonly s: Scratch
  private t = 0
  private readonly d: number
  private readonly f: number
  private readonly r: number
  private readonly scale: number
  private readonly inScale: number

  constructor(
    readonly base: BaseModel,
    readonly adapter: Adapter | null,
  ) {
    const { hidden, ffn, classSize } = base.dims
    this.d = hidden
    this.f = ffn
    this.r = adapter ? adapter.spec.rank : 1
    this.scale = adapter ? adapter.scale : 0
    this.inScale = Math.sqrt(hidden)
    this.s = new Scratch(hidden, ffn, this.r, base.numClasses, classSize)
  }

  private p(name: string): Arr | undefined {
    return this.adapter?.params.get(name)
  }

  /** Consumes token x_t; afterwards s.h (and s.u when unembed is trained) describe p(· | x_0..x_t). */
  step(x: number): void {
    const { d, f, r, scale: al, s, base } = this
    const { emb, wctx, w1, w2 } = base
    this.t++
    const off = x * d
    for (let i = 0; i < d; i++) {
      const e = emb[off + i] * this.inScale
      s.e[i] = e
      s.sum[i] += e
      s.m[i] = s.sum[i] / this.t
    }
    // attn block
    for (let i = 0; i < d; i++) {
      let a = 0
      const ro = i * d
      for (let j = 0; j < d; j++) a += wctx[ro + j] * s.m[j]
      s.h0[i] = s.e[i] + a
    }
    const aA = this.p('attn.A')
    const aB = this.p('attn.B')
    if (aA && aB) {
      matVec(aA, s.m, s.va, r, d)
      for (let i = 0; i < d; i++) {
        let a = 0
        const ro = i * r
        for (let k = 0; k < r; k++) a += aB[ro + k] * s.va[k]
        s.h0[i] += al * a
      }
    }
    // mlp block
    const A1 = this.p('mlp.A1')
    const B1 = this.p('mlp.B1')
    const A2 = this.p('mlp.A2')
    const B2 = this.p('mlp.B2')
    if (A1) matVec(A1, s.h0, s.v1, r, d)
    for (let i = 0; i < f; i++) {
      let z = 0
      const ro = i * d
      for (let j = 0; j < d; j++) z += w1[ro + j] * s.h0[j]
      if (B1) {
        const rb = i * r
        let zz = 0
        for (let k = 0; k < r; k++) zz += B1[rb + k] * s.v1[k]
        z += al * zz
      }
      s.g[i] = Math.tanh(z)
    }
    if (A2) matVec(A2, s.g, s.v2, r, f)
    for (let i = 0; i < d; i++) {
      let hv = s.h0[i]
      const ro = i * f
      for (let j = 0; j < f; j++) hv += w2[ro + j] * s.g[j]
      if (B2) {
        const rb = i * r
        let zz = 0
        for (let k = 0; k < r; k++) zz += B2[rb + k] * s.v2[k]
        hv += al * zz
      }
      s.h[i] = hv
    }
    const uA = this.p('unembed.A')
    if (uA) matVec(uA, s.h, s.u, r, d)
  }

  /** Fills s.lc with the (temperature-scaled) class logits and returns their log-normaliser. */
  classLogits(invT: number): number {
    const { d, r, scale: al, s, base } = this
    const C = base.numClasses
    const { wc, bc } = base
    const Bc = this.p('unembed.Bc')
    for (let c = 0; c < C; c++) {
      let l = bc[c]
      const ro = c * d
      for (let j = 0; j < d; j++) l += wc[ro + j] * s.h[j]
      if (Bc) {
        const rb = c * r
        let zz = 0
        for (let k = 0; k < r; k++) zz += Bc[rb + k] * s.u[k]
        l += al * zz
      }
      s.lc[c] = l * invT
    }
    return logSumExp(s.lc, C)
  }

  /** Fills s.lt[0..n) with the token logits of class c and returns [lo, n, logNormaliser]. */
  tokenLogits(c: number, invT: number): [number, number, number] {
    const { d, r, scale: al, s, base } = this
    const { emb, bt } = base
    const { vocabSize: V, classSize: K } = base.dims
    const lo = c * K
    const n = Math.min(V, lo + K) - lo
    const Bt = this.p('unembed.Bt')
    for (let j = 0; j < n; j++) {
      const y = lo + j
      let l = bt[y]
      const ro = y * d
      for (let q = 0; q < d; q++) l += emb[ro + q] * s.h[q]
      if (Bt) {
        const rb = y * r
        let zz = 0
        for (let k = 0; k < r; k++) zz += Bt[rb + k] * s.u[k]
        l += al * zz
      }
      s.lt[j] = l * invT
    }
    return [lo, n, logSumExp(s.lt, n)]
  }

  /** Log-probability of every token (for sampling); exact, costs one V×d pass. */
  fullLogprobs(invT: number, out: Float64Array): void {
    const zc = this.classLogits(invT)
    const lc = Float64Array.from(this.s.lc)
    for (let c = 0; c < this.base.numClasses; c++) {
      const [lo, n, zt] = this.tokenLogits(c, invT)
      const cl = lc[c] - zc
      for (let j = 0; j < n; j++) out[lo + j] = cl + this.s.lt[j] - zt
    }
  }

  /**
   * Backward for one position whose loss is coef·(-logp)… precisely: adds dL/dθ given dL/dlogp = `dlogp`,
   * using the class/token logits left in scratch by classLogits/tokenLogits for this position.
   */
  backward(dlogp: number, invT: number, k: number, zc: number, lo: number, n: number, zt: number, yIdx: number): void {
    const ad = this.adapter
    if (!ad) return
    const { d, f, r, scale: al, s, base } = this
    const { wc, emb, w1, w2 } = base
    const C = base.numClasses
    const G = ad.grads
    const dh = s.dh
    dh.fill(0)
    const Bc = this.p('unembed.Bc')
    const Bt = this.p('unembed.Bt')
    const gBc = G.get('unembed.Bc')
    const gBt = G.get('unembed.Bt')
    const du = s.du
    du.fill(0)
    // class head: dlc[c] = dlogp·(1[c=k] − p_c)·invT
    for (let c = 0; c < C; c++) {
      const dl = dlogp * ((c === k ? 1 : 0) - Math.exp(s.lc[c] - zc)) * invT
      if (dl === 0) continue
      const ro = c * d
      for (let j = 0; j < d; j++) dh[j] += dl * wc[ro + j]
      if (Bc && gBc) {
        const rb = c * r
        for (let q = 0; q < r; q++) {
          du[q] += al * dl * Bc[rb + q]
          gBc[rb + q] += al * dl * s.u[q]
        }
      }
    }
    // token head within class k
    for (let j = 0; j < n; j++) {
      const dl = dlogp * ((j === yIdx ? 1 : 0) - Math.exp(s.lt[j] - zt)) * invT
      if (dl === 0) continue
      const y = lo + j
      const ro = y * d
      for (let q = 0; q < d; q++) dh[q] += dl * emb[ro + q]
      if (Bt && gBt) {
        const rb = y * r
        for (let q = 0; q < r; q++) {
          du[q] += al * dl * Bt[rb + q]
          gBt[rb + q] += al * dl * s.u[q]
        }
      }
    }
    const uA = this.p('unembed.A')
    const gUA = G.get('unembed.A')
    if (uA && gUA) {
      for (let q = 0; q < r; q++) {
        const dq = du[q]
        if (dq === 0) continue
        const ro = q * d
        for (let j = 0; j < d; j++) {
          gUA[ro + j] += dq * s.h[j]
          dh[j] += dq * uA[ro + j]
        }
      }
    }
    const A1 = this.p('mlp.A1')
    const B1 = this.p('mlp.B1')
    const A2 = this.p('mlp.A2')
    const B2 = this.p('mlp.B2')
    const aA = this.p('attn.A')
    const aB = this.p('attn.B')
    if (!A1 && !aA) return
    // h = h0 + W2 g + al·B2 A2 g
    const dg = s.dg
    for (let i = 0; i < f; i++) {
      let a = 0
      for (let j = 0; j < d; j++) a += w2[j * f + i] * dh[j]
      dg[i] = a
    }
    if (A2 && B2) {
      const gA2 = G.get('mlp.A2') as Arr
      const gB2 = G.get('mlp.B2') as Arr
      const t2 = s.tr
      for (let q = 0; q < r; q++) {
        let a = 0
        for (let j = 0; j < d; j++) a += B2[j * r + q] * dh[j]
        t2[q] = a
      }
      for (let j = 0; j < d; j++) {
        const dj = al * dh[j]
        const rb = j * r
        for (let q = 0; q < r; q++) gB2[rb + q] += dj * s.v2[q]
      }
      for (let q = 0; q < r; q++) {
        const tq = al * t2[q]
        const ro = q * f
        for (let i = 0; i < f; i++) {
          gA2[ro + i] += tq * s.g[i]
          dg[i] += tq * A2[ro + i]
        }
      }
    }
    const dz = s.dz
    for (let i = 0; i < f; i++) dz[i] = dg[i] * (1 - s.g[i] * s.g[i])
    const dh0 = s.dh0
    for (let j = 0; j < d; j++) dh0[j] = dh[j]
    for (let i = 0; i < f; i++) {
      const zi = dz[i]
      const ro = i * d
      for (let j = 0; j < d; j++) dh0[j] += zi * w1[ro + j]
    }
    if (A1 && B1) {
      const gA1 = G.get('mlp.A1') as Arr
      const gB1 = G.get('mlp.B1') as Arr
      const t1 = s.tr
      for (let q = 0; q < r; q++) {
        let a = 0
        for (let i = 0; i < f; i++) a += B1[i * r + q] * dz[i]
        t1[q] = a
      }
      for (let i = 0; i < f; i++) {
        const di = al * dz[i]
        const rb = i * r
        for (let q = 0; q < r; q++) gB1[rb + q] += di * s.v1[q]
      }
      for (let q = 0; q < r; q++) {
        const tq = al * t1[q]
        const ro = q * d
        for (let j = 0; j < d; j++) {
          gA1[ro + j] += tq * s.h0[j]
          dh0[j] += tq * A1[ro + j]
        }
      }
    }
    if (aA && aB) {
      const gAa = G.get('attn.A') as Arr
      const gBa = G.get('attn.B') as Arr
      for (let i = 0; i < d; i++) {
        const di = al * dh0[i]
        const rb = i * r
        for (let q = 0; q < r; q++) gBa[rb + q] += di * s.va[q]
      }
      for (let q = 0; q < r; q++) {
        let a = 0
        for (let i = 0; i < d; i++) a += aB[i * r + q] * dh0[i]
        const tq = al * a
        const ro = q * d
        for (let j = 0; j < d; j++) gAa[ro + j] += tq * s.m[j]
      }
    }
  }
}

function matVec(W: Arr, x: Float64Array, out: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    let a = 0
    const ro = i * cols
    for (let j = 0; j < cols; j++) a += W[ro + j] * x[j]
    out[i] = a
  }
}

/** Positions computed between two yields of the step generator (~10–40 ms of work on a laptop core). */
export const POSITIONS_PER_SLICE = 128

/**
 * cross_entropy exactly as TuFT defines it: logprobs[t] = log p(y_t | x_0..x_t) (one per target, not negated,
 * weights not applied) and loss = −Σ_t w_t·logprobs[t]. With `backward`, dL/dθ is added to the adapter's
 * gradients (they accumulate until the optimiser step). Yields every POSITIONS_PER_SLICE positions so a
 * server can let other work run in between.
 */
export function* crossEntropySteps(
  base: BaseModel,
  adapter: Adapter | null,
  input: ArrayLike<number>,
  targets: ArrayLike<number>,
  weights: ArrayLike<number>,
  opts: { backward: boolean; temperature?: number },
): Generator<void, DatumResult, void> {
  const dec = new Decoder(base, adapter)
  const invT = opts.temperature ? 1 / opts.temperature : 1
  const K = base.dims.classSize
  const L = targets.length
  const logprobs = new Float32Array(L)
  let loss = 0
  for (let t = 0; t < L; t++) {
    if (t > 0 && t % POSITIONS_PER_SLICE === 0) yield
    // `| 0` keeps ids as small integers: index arithmetic on doubles (e.g. ids decoded from int64) is far slower.
    dec.step(input[t] | 0)
    const y = targets[t] | 0
    const k = (y / K) | 0
    const zc = dec.classLogits(invT)
    const [lo, n, zt] = dec.tokenLogits(k, invT)
    const lp = dec.s.lc[k] - zc + dec.s.lt[y - lo] - zt
    logprobs[t] = lp
    const w = weights[t]
    loss -= w * lp
    if (opts.backward && w !== 0) dec.backward(-w, invT, k, zc, lo, n, zt, y - lo)
  }
  return { logprobs, loss }
}

export function crossEntropy(...args: Parameters<typeof crossEntropySteps>): DatumResult {
  const g = crossEntropySteps(...args)
  for (;;) {
    const r = g.next()
    if (r.done) return r.value
  }
}
