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
 *
 * Cost per position ≈ 3·d·(C + K) + 3·K·r + O((d + f)·r) multiply-adds: the unembed LoRA is folded into the class
 * head once per sequence, weight-gradient outer products are buffered per block of positions and added as small
 * matrix products, and the server splits each batch over two worker threads (compute-pool.ts).
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

/** Zeroed tensors on shared memory, so compute workers read weights and write gradients without copies. */
export const alloc = (p: Precision, n: number): Arr =>
  p === 'f64' ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float32Array(new SharedArrayBuffer(n * 4))

const ZIPF_EXPONENT = 1.0
const ZIPF_OFFSET = 10

/** The frozen tensors of a base model (on shared memory: a compute worker adopts them instead of rebuilding). */
export type BaseTensors = { emb: Arr; wctx: Arr; w1: Arr; w2: Arr; wc: Arr; bc: Arr; bt: Arr }

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
    shared?: BaseTensors,
  ) {
    const { vocabSize: V, hidden: d, ffn: f, classSize: K, precision } = dims
    this.numClasses = Math.ceil(V / K)
    const C = this.numClasses
    if (shared) {
      ;({ emb: this.emb, wctx: this.wctx, w1: this.w1, w2: this.w2, wc: this.wc, bc: this.bc, bt: this.bt } = shared)
      return
    }
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

  tensors(): BaseTensors {
    const { emb, wctx, w1, w2, wc, bc, bt } = this
    return { emb, wctx, w1, w2, wc, bc, bt }
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

/** An adapter's tensors by name, and its live Bt classes (see Adapter.liveClasses). */
export type AdapterTensors = { params: Array<[string, Arr]>; grads: Array<[string, Arr]>; liveClasses: Uint8Array | null }

export class Adapter {
  readonly params: Map<string, Arr>
  readonly grads: Map<string, Arr>
  readonly shapes: Array<[string, number, number]>
  /**
   * Per class, 1 where the unembed.Bt rows of that class may hold non-zero values (params, grads or Adam moments).
   * Bt starts at zero and only a target's class gets gradient, so the rest stays exactly zero under AdamW and the
   * optimiser can skip it. Only ever set: by the backward pass and when a checkpoint is loaded.
   */
  readonly liveClasses: Uint8Array | null

  /** With `shared`, a view of another adapter's tensors (in a compute worker) instead of fresh ones. */
  constructor(
    readonly base: BaseModel,
    readonly spec: AdapterSpec,
    seed: number,
    shared?: AdapterTensors,
  ) {
    this.shapes = adapterShapes(base.dims, base.numClasses, spec)
    if (shared) {
      this.params = new Map(shared.params)
      this.grads = new Map(shared.grads)
      this.liveClasses = shared.liveClasses
      return
    }
    this.params = new Map()
    this.grads = new Map()
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
    this.liveClasses = spec.trainUnembed ? new Uint8Array(new SharedArrayBuffer(base.numClasses)) : null
  }

  tensors(): AdapterTensors {
    return { params: [...this.params], grads: [...this.grads], liveClasses: this.liveClasses }
  }

  get scale(): number {
    return (this.spec.alpha / this.spec.rank) * this.base.dims.loraGain
  }

  parameterCount(): number {
    let n = 0
    for (const p of this.params.values()) n += p.length
    return n
  }

  /** [lo, hi) ranges of a tensor outside which it is exactly zero, with its gradient and moments. */
  liveRanges(name: string): Array<[number, number]> {
    const n = (this.params.get(name) as Arr).length
    const live = this.liveClasses
    if (name !== 'unembed.Bt' || !live) return [[0, n]]
    const w = this.base.dims.classSize * this.spec.rank
    const out: Array<[number, number]> = []
    for (let c = 0; c < live.length; ) {
      if (!live[c]) {
        c++
        continue
      }
      let e = c
      while (e < live.length && live[e]) e++
      out.push([c * w, Math.min(n, e * w)])
      c = e
    }
    return out
  }

  /** Marks the classes where a Bt-shaped tensor (loaded weights or moments) holds anything non-zero. */
  markLive(bt: Arr): void {
    const live = this.liveClasses
    if (!live) return
    const w = this.base.dims.classSize * this.spec.rank
    for (let c = 0; c < live.length; c++) {
      if (live[c]) continue
      const hi = Math.min(bt.length, (c + 1) * w)
      for (let i = c * w; i < hi; i++) {
        if (bt[i] !== 0) {
          live[c] = 1
          break
        }
      }
    }
  }

  zeroGrad(): void {
    for (const [name, g] of this.grads) for (const [lo, hi] of this.liveRanges(name)) g.fill(0, lo, hi)
  }
}

export type DatumResult = { logprobs: Float32Array; loss: number }

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
  /** Class logits and exp(logit − max); token logits of one class and their exps. */
  lc: Float64Array
  ec: Float64Array
  lt: Float64Array
  et: Float64Array
  /** dloss/dlogit of the class head and of the target class's tokens. */
  dc: Float64Array
  dt: Float64Array
  dh: Float64Array
  du: Float64Array
  dg: Float64Array
  dz: Float64Array
  dh0: Float64Array
  tr: Float64Array
  tmp: Float64Array
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
    this.ec = z(C)
    this.lt = z(K)
    this.et = z(K)
    this.dc = z(C)
    this.dt = z(K)
    this.dh = z(d)
    this.du = z(r)
    this.dg = z(f)
    this.dz = z(f)
    this.dh0 = z(d)
    this.tr = z(r)
    this.tmp = z(Math.max(d, f))
  }
}

// The kernels below take weights as `Arr` and activations as Float64Array and nothing else, so V8 sees one
// element type per argument (a mix would make every load polymorphic and the hot loops several times slower).

/** Σ_j W[wo+j]·x[j]; four accumulators break the add dependency chain. */
function dot(W: Arr, wo: number, x: Float64Array, n: number): number {
  let a0 = 0
  let a1 = 0
  let a2 = 0
  let a3 = 0
  let j = 0
  for (; j + 3 < n; j += 4) {
    a0 += W[wo + j] * x[j]
    a1 += W[wo + j + 1] * x[j + 1]
    a2 += W[wo + j + 2] * x[j + 2]
    a3 += W[wo + j + 3] * x[j + 3]
  }
  for (; j < n; j++) a0 += W[wo + j] * x[j]
  return a0 + a1 + (a2 + a3)
}

/** y[j] += a·W[wo+j]. */
function axpy(a: number, W: Arr, wo: number, y: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) y[j] += a * W[wo + j]
}

/** y += Wᵀx for the `rows`×n block of W starting at wo; four rows per pass so y is read and written once per four. */
function addTransposed(x: Float64Array, W: Arr, wo: number, rows: number, n: number, y: Float64Array): void {
  let i = 0
  for (; i + 3 < rows; i += 4) {
    const x0 = x[i]
    const x1 = x[i + 1]
    const x2 = x[i + 2]
    const x3 = x[i + 3]
    const o0 = wo + i * n
    const o1 = o0 + n
    const o2 = o1 + n
    const o3 = o2 + n
    for (let j = 0; j < n; j++) y[j] += x0 * W[o0 + j] + x1 * W[o1 + j] + x2 * W[o2 + j] + x3 * W[o3 + j]
  }
  for (; i < rows; i++) axpy(x[i], W, wo + i * n, y, n)
}

/** out[i] = W[wo + i·n ..]·x for `rows` rows; four rows per pass share each load of x. */
function matVec(W: Arr, wo: number, rows: number, n: number, x: Float64Array, out: Float64Array): void {
  let i = 0
  for (; i + 3 < rows; i += 4) {
    const o0 = wo + i * n
    const o1 = o0 + n
    const o2 = o1 + n
    const o3 = o2 + n
    let a0 = 0
    let a1 = 0
    let a2 = 0
    let a3 = 0
    for (let j = 0; j < n; j++) {
      const xj = x[j]
      a0 += W[o0 + j] * xj
      a1 += W[o1 + j] * xj
      a2 += W[o2 + j] * xj
      a3 += W[o3 + j] * xj
    }
    out[i] = a0
    out[i + 1] = a1
    out[i + 2] = a2
    out[i + 3] = a3
  }
  for (; i < rows; i++) out[i] = dot(W, wo + i * n, x, n)
}

/**
 * Rank-one updates G += scale·Σ_t x_t ⊗ y_t over a block of positions, buffered so each entry of G is read and
 * written once per block instead of once per position.
 */
class OuterSum {
  /** x_t transposed, [i·OUTER_SLOTS + t], and y_t, [t·cols + j]. */
  private readonly xT: Float64Array
  private readonly y: Float64Array

  constructor(
    readonly g: Arr,
    readonly rows: number,
    readonly cols: number,
    readonly scale: number,
  ) {
    this.xT = new Float64Array(rows * OUTER_SLOTS)
    this.y = new Float64Array(OUTER_SLOTS * cols)
  }

  put(t: number, x: Float64Array, y: Float64Array): void {
    const { xT, rows } = this
    for (let i = 0; i < rows; i++) xT[i * OUTER_SLOTS + t] = x[i]
    const { cols } = this
    for (let j = 0; j < cols; j++) this.y[t * cols + j] = y[j]
  }

  flush(ns: number): void {
    const { g, xT, y, rows, cols, scale } = this
    for (let i = 0; i < rows; i++) {
      const xo = i * OUTER_SLOTS
      const go = i * cols
      let j = 0
      for (; j + 3 < cols; j += 4) {
        let a0 = 0
        let a1 = 0
        let a2 = 0
        let a3 = 0
        for (let t = 0; t < ns; t++) {
          const x = xT[xo + t]
          const yo = t * cols + j
          a0 += x * y[yo]
          a1 += x * y[yo + 1]
          a2 += x * y[yo + 2]
          a3 += x * y[yo + 3]
        }
        g[go + j] += scale * a0
        g[go + j + 1] += scale * a1
        g[go + j + 2] += scale * a2
        g[go + j + 3] += scale * a3
      }
      for (; j < cols; j++) {
        let a = 0
        for (let t = 0; t < ns; t++) a += xT[xo + t] * y[t * cols + j]
        g[go + j] += scale * a
      }
    }
  }
}

/**
 * Runs the model over one sequence with the same state machine for training, scoring and sampling:
 * `step(token)` advances the running context and leaves h (and u) for the next-token distribution.
 * The adapter's parameters must not change while a Decoder is in use (it folds some of them in up front).
 */
export class Decoder {
  readonly s: Scratch
  private t = 0
  private readonly d: number
  private readonly f: number
  private readonly r: number
  private readonly C: number
  private readonly scale: number
  private readonly inScale: number
  /**
   * The class head with the unembed LoRA folded in, wc + al·Bc·A (C×d): class logits and their backward
   * then cost C×d per position whatever the rank, instead of C×(d + r) forward and C×(d + 2r) backward.
   */
  private readonly wcEff: Arr
  private zc = 1
  private zt = 1
  private lo = 0
  private n = 0
  private readonly aA: Arr | undefined
  private readonly aB: Arr | undefined
  private readonly A1: Arr | undefined
  private readonly B1: Arr | undefined
  private readonly A2: Arr | undefined
  private readonly B2: Arr | undefined
  private readonly uA: Arr | undefined
  private readonly Bc: Arr | undefined
  private readonly Bt: Arr | undefined

  constructor(
    readonly base: BaseModel,
    readonly adapter: Adapter | null,
  ) {
    const { hidden: d, ffn, classSize, precision } = base.dims
    const C = base.numClasses
    this.d = d
    this.f = ffn
    this.C = C
    this.r = adapter ? adapter.spec.rank : 1
    this.scale = adapter ? adapter.scale : 0
    this.inScale = Math.sqrt(d)
    this.s = new Scratch(d, ffn, this.r, C, classSize)
    const p = (name: string): Arr | undefined => adapter?.params.get(name)
    this.aA = p('attn.A')
    this.aB = p('attn.B')
    this.A1 = p('mlp.A1')
    this.B1 = p('mlp.B1')
    this.A2 = p('mlp.A2')
    this.B2 = p('mlp.B2')
    this.uA = p('unembed.A')
    this.Bc = p('unembed.Bc')
    this.Bt = p('unembed.Bt')
    const W = alloc(precision, C * d)
    W.set(base.wc)
    const { Bc, uA, r } = this
    if (Bc && uA) {
      for (let c = 0; c < C; c++) {
        for (let q = 0; q < r; q++) {
          const b = this.scale * Bc[c * r + q]
          if (b === 0) continue
          for (let j = 0; j < d; j++) W[c * d + j] += b * uA[q * d + j]
        }
      }
    }
    this.wcEff = W
  }

  /** Consumes token x_t; afterwards s.h (and s.u when unembed is trained) describe p(· | x_0..x_t). */
  step(x: number): void {
    const { d, f, r, scale: al, s, base } = this
    const { emb, wctx, w1, w2 } = base
    const { aA, aB, A1, B1, A2, B2, uA } = this
    const tmp = s.tmp
    this.t++
    const off = x * d
    for (let i = 0; i < d; i++) {
      const e = emb[off + i] * this.inScale
      s.e[i] = e
      s.sum[i] += e
      s.m[i] = s.sum[i] / this.t
    }
    // attn block
    matVec(wctx, 0, d, d, s.m, s.h0)
    for (let i = 0; i < d; i++) s.h0[i] += s.e[i]
    if (aA && aB) {
      matVec(aA, 0, r, d, s.m, s.va)
      matVec(aB, 0, d, r, s.va, tmp)
      for (let i = 0; i < d; i++) s.h0[i] += al * tmp[i]
    }
    // mlp block
    matVec(w1, 0, f, d, s.h0, s.g)
    if (A1 && B1) {
      matVec(A1, 0, r, d, s.h0, s.v1)
      matVec(B1, 0, f, r, s.v1, tmp)
      for (let i = 0; i < f; i++) s.g[i] += al * tmp[i]
    }
    for (let i = 0; i < f; i++) s.g[i] = Math.tanh(s.g[i])
    matVec(w2, 0, d, f, s.g, s.h)
    for (let i = 0; i < d; i++) s.h[i] += s.h0[i]
    if (A2 && B2) {
      matVec(A2, 0, r, f, s.g, s.v2)
      matVec(B2, 0, d, r, s.v2, tmp)
      for (let i = 0; i < d; i++) s.h[i] += al * tmp[i]
    }
    if (uA) matVec(uA, 0, r, d, s.h, s.u)
  }

  /** Fills s.lc with the (temperature-scaled) class logits, s.ec with their exps, and returns their log-normaliser. */
  classLogits(invT: number): number {
    const { d, C, s, wcEff } = this
    const { bc } = this.base
    const { lc, ec } = s
    matVec(wcEff, 0, C, d, s.h, lc)
    let mx = -Infinity
    for (let c = 0; c < C; c++) {
      const l = (bc[c] + lc[c]) * invT
      lc[c] = l
      if (l > mx) mx = l
    }
    let z = 0
    for (let c = 0; c < C; c++) {
      const e = Math.exp(lc[c] - mx)
      ec[c] = e
      z += e
    }
    this.zc = z
    return mx + Math.log(z)
  }

  /** Fills s.lt/s.et with the token logits of class c and their exps, from id `tokenLo` on; returns their log-normaliser. */
  tokenLogits(c: number, invT: number): number {
    const { d, r, scale: al, s, Bt } = this
    const { emb, bt } = this.base
    const { vocabSize: V, classSize: K } = this.base.dims
    const { lt, et } = s
    const lo = c * K
    const n = Math.min(V, lo + K) - lo
    matVec(emb, lo * d, n, d, s.h, lt)
    if (Bt) {
      matVec(Bt, lo * r, n, r, s.u, et)
      for (let j = 0; j < n; j++) lt[j] += al * et[j]
    }
    let mx = -Infinity
    for (let j = 0; j < n; j++) {
      const l = (bt[lo + j] + lt[j]) * invT
      lt[j] = l
      if (l > mx) mx = l
    }
    let z = 0
    for (let j = 0; j < n; j++) {
      const e = Math.exp(lt[j] - mx)
      et[j] = e
      z += e
    }
    this.lo = lo
    this.n = n
    this.zt = z
    return mx + Math.log(z)
  }

  get tokenLo(): number {
    return this.lo
  }

  /** Log-probability of every token (for sampling); exact, costs one V×d pass. */
  fullLogprobs(invT: number, out: Float64Array): void {
    const zc = this.classLogits(invT)
    const lc = this.s.lc
    for (let c = 0; c < this.C; c++) {
      const zt = this.tokenLogits(c, invT)
      const cl = lc[c] - zc
      const { lo, n } = this
      for (let j = 0; j < n; j++) out[lo + j] = cl + this.s.lt[j] - zt
    }
  }

  /**
   * Backward for one position: adds dL/dθ given dL/dlogp = `dlogp` for target class k and index yIdx within it,
   * using the logits and exps left in scratch by classLogits/tokenLogits for this position. Weight gradients
   * are buffered (see OuterSum) and complete after finish().
   */
  backward(dlogp: number, invT: number, k: number, yIdx: number): void {
    const ad = this.adapter
    if (!ad) return
    const { d, f, r, C, scale: al, s, base, wcEff } = this
    const { emb, w1, w2 } = base
    const { aA, aB, A1, B1, A2, B2, uA, Bt } = this
    const { h, dh, du, dc, dt } = s
    const coef = dlogp * invT
    const o = this.outer ?? this.newOuter(ad)
    const slot = o.used++
    // class head (LoRA folded into wcEff; its parameter gradients come from Gc in finish())
    const ec = s.ec
    const izc = 1 / this.zc
    for (let c = 0; c < C; c++) dc[c] = coef * ((c === k ? 1 : 0) - ec[c] * izc)
    dh.fill(0)
    addTransposed(dc, wcEff, 0, C, d, dh)
    o.gClass?.put(slot, dc, h)
    // token head within class k
    const et = s.et
    const izt = 1 / this.zt
    const { lo, n } = this
    for (let j = 0; j < n; j++) dt[j] = coef * ((j === yIdx ? 1 : 0) - et[j] * izt)
    addTransposed(dt, emb, lo * d, n, d, dh)
    if (Bt && uA && o.dlTok) {
      du.fill(0)
      addTransposed(dt, Bt, lo * r, n, r, du)
      for (let q = 0; q < r; q++) du[q] *= al
      const K = base.dims.classSize
      const D = o.dlTok
      for (let j = 0; j < n; j++) D[slot * K + j] = al * dt[j]
      for (let q = 0; q < r; q++) o.u[slot * r + q] = s.u[q]
      o.cls[slot] = k
      o.gUA?.put(slot, du, h)
      addTransposed(du, uA, 0, r, d, dh)
    }
    if (A1 || aA) {
      // h = h0 + W2 g + al·B2 A2 g
      const dg = s.dg
      dg.fill(0)
      addTransposed(dh, w2, 0, d, f, dg)
      if (A2 && B2) {
        const t2 = s.tr
        t2.fill(0)
        addTransposed(dh, B2, 0, d, r, t2)
        for (let q = 0; q < r; q++) t2[q] *= al
        o.gB2?.put(slot, dh, s.v2)
        o.gA2?.put(slot, t2, s.g)
        addTransposed(t2, A2, 0, r, f, dg)
      }
      const dz = s.dz
      for (let i = 0; i < f; i++) dz[i] = dg[i] * (1 - s.g[i] * s.g[i])
      const dh0 = s.dh0
      dh0.set(dh)
      addTransposed(dz, w1, 0, f, d, dh0)
      if (A1 && B1) {
        const t1 = s.tr
        t1.fill(0)
        addTransposed(dz, B1, 0, f, r, t1)
        for (let q = 0; q < r; q++) t1[q] *= al
        o.gB1?.put(slot, dz, s.v1)
        o.gA1?.put(slot, t1, s.h0)
        addTransposed(t1, A1, 0, r, d, dh0)
      }
      if (aA && aB) {
        const ta = s.tr
        ta.fill(0)
        addTransposed(dh0, aB, 0, d, r, ta)
        o.gBa?.put(slot, dh0, s.va)
        o.gAa?.put(slot, ta, s.m)
      }
    }
    if (o.used === OUTER_SLOTS) this.flushOuter()
  }

  private outer: OuterBuffers | null = null

  private newOuter(ad: Adapter): OuterBuffers {
    const { d, f, r, C, base, scale: al } = this
    const K = base.dims.classSize
    const G = (name: string): Arr | undefined => ad.grads.get(name)
    const sum = (name: string, rows: number, cols: number, scale: number): OuterSum | null => {
      const g = G(name)
      return g ? new OuterSum(g, rows, cols, scale) : null
    }
    const unembed = !!(this.Bc && this.Bt && this.uA)
    this.outer = {
      used: 0,
      gClass: unembed ? new OuterSum(alloc(base.dims.precision, C * d), C, d, 1) : null,
      gUA: sum('unembed.A', r, d, 1),
      gB2: sum('mlp.B2', d, r, al),
      gA2: sum('mlp.A2', r, f, 1),
      gB1: sum('mlp.B1', f, r, al),
      gA1: sum('mlp.A1', r, d, 1),
      gBa: sum('attn.B', d, r, al),
      gAa: sum('attn.A', r, d, al),
      dlTok: unembed ? new Float64Array(OUTER_SLOTS * K) : null,
      u: new Float64Array(OUTER_SLOTS * r),
      cls: new Int32Array(OUTER_SLOTS),
      order: new Int32Array(OUTER_SLOTS),
    }
    return this.outer
  }

  /**
   * Adds the buffered outer products of up to OUTER_SLOTS positions; dBt[y] += Σ_t al·dlogit_{t,y}·u_t runs
   * over positions grouped by target class, so a frequent class's rows are updated once per block.
   */
  private flushOuter(): void {
    const o = this.outer
    if (!o || o.used === 0) return
    const ns = o.used
    for (const acc of [o.gClass, o.gUA, o.gB2, o.gA2, o.gB1, o.gA1, o.gBa, o.gAa]) acc?.flush(ns)
    const gBt = this.adapter?.grads.get('unembed.Bt')
    if (gBt && o.dlTok) {
      const { r, base } = this
      const { vocabSize: V, classSize: K } = base.dims
      const D = o.dlTok
      const U = o.u
      const live = this.adapter?.liveClasses
      // slots ordered by class (insertion sort keeps equal classes in slot order: a fixed summation order)
      const ord = o.order
      for (let t = 0; t < ns; t++) {
        let i = t
        while (i > 0 && o.cls[ord[i - 1]] > o.cls[t]) {
          ord[i] = ord[i - 1]
          i--
        }
        ord[i] = t
      }
      for (let g0 = 0; g0 < ns; ) {
        const k = o.cls[ord[g0]]
        let g1 = g0 + 1
        while (g1 < ns && o.cls[ord[g1]] === k) g1++
        const lo = k * K
        const n = Math.min(V, lo + K) - lo
        if (live) live[k] = 1
        for (let j = 0; j < n; j++) {
          const go = (lo + j) * r
          let q = 0
          for (; q + 3 < r; q += 4) {
            let a0 = 0
            let a1 = 0
            let a2 = 0
            let a3 = 0
            for (let g = g0; g < g1; g++) {
              const t = ord[g]
              const a = D[t * K + j]
              const uo = t * r + q
              a0 += a * U[uo]
              a1 += a * U[uo + 1]
              a2 += a * U[uo + 2]
              a3 += a * U[uo + 3]
            }
            gBt[go + q] += a0
            gBt[go + q + 1] += a1
            gBt[go + q + 2] += a2
            gBt[go + q + 3] += a3
          }
          for (; q < r; q++) {
            let a = 0
            for (let g = g0; g < g1; g++) a += D[ord[g] * K + j] * U[ord[g] * r + q]
            gBt[go + q] += a
          }
        }
        g0 = g1
      }
    }
    o.used = 0
  }

  /**
   * Ends a sequence's backward pass: flushes the buffered outer products and turns the class-head gradient
   * Gc = Σ_t dlogits_t ⊗ h_t into the LoRA gradients dBc = al·Gc·Aᵀ and dA += al·Bcᵀ·Gc.
   */
  finish(): void {
    this.flushOuter()
    const G = this.outer?.gClass?.g
    const { Bc, uA, adapter } = this
    if (!G || !Bc || !uA || !adapter) return
    const { d, r, C, scale: al } = this
    const gBc = adapter.grads.get('unembed.Bc') as Arr
    const gUA = adapter.grads.get('unembed.A') as Arr
    for (let c = 0; c < C; c++) {
      const go = c * d
      for (let q = 0; q < r; q++) {
        let a = 0
        for (let j = 0; j < d; j++) a += G[go + j] * uA[q * d + j]
        gBc[c * r + q] += al * a
        const b = al * Bc[c * r + q]
        if (b === 0) continue
        for (let j = 0; j < d; j++) gUA[q * d + j] += b * G[go + j]
      }
    }
    G.fill(0)
  }
}

/** Positions whose outer products are buffered before being added to the gradients as small matrix products. */
const OUTER_SLOTS = 64

type OuterBuffers = {
  used: number
  /** Gc = Σ_t dlogits_t ⊗ h_t of the class head (C×d), folded into the Bc and A gradients by finish(). */
  gClass: OuterSum | null
  gUA: OuterSum | null
  gB2: OuterSum | null
  gA2: OuterSum | null
  gB1: OuterSum | null
  gA1: OuterSum | null
  gBa: OuterSum | null
  gAa: OuterSum | null
  /** al·dlogits of the target class's tokens, [slot·K + j], with u and the class of each slot. */
  dlTok: Float64Array | null
  u: Float64Array
  cls: Int32Array
  order: Int32Array
}

/**
 * cross_entropy exactly as TuFT defines it: logprobs[t] = log p(y_t | x_0..x_t) (one per target, not negated,
 * weights not applied) and loss = −Σ_t w_t·logprobs[t]. With `backward`, dL/dθ is added to the adapter's
 * gradients (they accumulate until the optimiser step). Blocks its thread: the server runs it on compute workers.
 */
export function crossEntropy(
  base: BaseModel,
  adapter: Adapter | null,
  input: ArrayLike<number>,
  targets: ArrayLike<number>,
  weights: ArrayLike<number>,
  opts: { backward: boolean; temperature?: number },
): DatumResult {
  const dec = new Decoder(base, adapter)
  const invT = opts.temperature ? 1 / opts.temperature : 1
  const K = base.dims.classSize
  const L = targets.length
  const logprobs = new Float32Array(L)
  let loss = 0
  for (let t = 0; t < L; t++) {
    // `| 0` keeps ids as small integers: index arithmetic on doubles (e.g. ids decoded from int64) is far slower.
    dec.step(input[t] | 0)
    const y = targets[t] | 0
    const k = (y / K) | 0
    const zc = dec.classLogits(invT)
    const zt = dec.tokenLogits(k, invT)
    const yIdx = y - dec.tokenLo
    const lp = dec.s.lc[k] - zc + dec.s.lt[yIdx] - zt
    logprobs[t] = lp
    const w = weights[t]
    loss -= w * lp
    if (opts.backward && w !== 0) dec.backward(-w, invT, k, yIdx)
  }
  if (opts.backward) dec.finish()
  return { logprobs, loss }
}
