/**
 * Autoregressive sampling from the tiny LM with vLLM-like semantics as TuFT exposes them: temperature
 * (0 = greedy), top_k (-1 = off), top_p, max_tokens, stop token ids (EOS included by default) and an optional
 * stop-string check; each sampled token comes with its log-probability under the model (before temperature).
 */
import { createRng } from './rng'
import { Decoder, type Adapter, type BaseModel } from './tiny-lm'

export type SampleParams = {
  maxTokens: number
  temperature: number
  topK: number
  topP: number
  seed: number
  stopTokens: number[]
  /** Returns true when the text of the generated tokens contains a stop string. */
  hitsStopString?: (tokens: number[]) => Promise<boolean>
}

export type Sampled = { tokens: number[]; logprobs: number[]; stopReason: 'stop' | 'length' }

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r))

/** Picks a token from raw log-probabilities after temperature, top-k and top-p. */
export function pickToken(lp: Float64Array, p: SampleParams, u: number): number {
  const V = lp.length
  if (p.temperature <= 0) {
    let best = 0
    for (let i = 1; i < V; i++) if (lp[i] > lp[best]) best = i
    return best
  }
  const invT = 1 / p.temperature
  let mx = -Infinity
  for (let i = 0; i < V; i++) if (lp[i] > mx) mx = lp[i]
  const w = new Float64Array(V)
  let z = 0
  for (let i = 0; i < V; i++) z += w[i] = Math.exp((lp[i] - mx) * invT)
  if ((p.topK > 0 && p.topK < V) || p.topP < 1) {
    // Sorting all ids per token is slow; sort only the ids above a cut-off when they already hold enough mass
    // and enough ids: every excluded id is less likely than every included one, so the result is exact.
    const cut = 1e-5 // relative to the most likely id, whose weight is exp(0) = 1
    let candidates: number[] = []
    let mass = 0
    for (let i = 0; i < V; i++) {
      if (w[i] >= cut) {
        candidates.push(i)
        mass += w[i]
      }
    }
    if (mass / z < p.topP || (p.topK > 0 && candidates.length < p.topK)) candidates = Array.from({ length: V }, (_, i) => i)
    const order = candidates.sort((a, b) => w[b] - w[a])
    const keep = p.topK > 0 ? Math.min(p.topK, V) : V
    let cum = 0
    let n = 0
    while (n < keep && n < order.length) {
      cum += w[order[n]] / z
      n++
      if (cum >= p.topP) break
    }
    let zz = 0
    for (let j = 0; j < n; j++) zz += w[order[j]]
    let t = u * zz
    for (let j = 0; j < n; j++) {
      t -= w[order[j]]
      if (t <= 0) return order[j]
    }
    return order[n - 1]
  }
  let t = u * z
  for (let i = 0; i < V; i++) {
    t -= w[i]
    if (t <= 0) return i
  }
  return V - 1
}

export async function generate(base: BaseModel, adapter: Adapter | null, prompt: number[], p: SampleParams): Promise<Sampled> {
  const dec = new Decoder(base, adapter)
  for (const t of prompt) dec.step(t)
  const rng = createRng(p.seed, 'sample')
  const lp = new Float64Array(base.dims.vocabSize)
  const tokens: number[] = []
  const logprobs: number[] = []
  const stops = new Set(p.stopTokens)
  for (let i = 0; i < p.maxTokens; i++) {
    dec.fullLogprobs(1, lp)
    const tok = pickToken(lp, p, rng.next())
    tokens.push(tok)
    logprobs.push(lp[tok])
    if (stops.has(tok)) return { tokens, logprobs, stopReason: 'stop' }
    if (p.hitsStopString && (await p.hitsStopString(tokens))) return { tokens, logprobs, stopReason: 'stop' }
    dec.step(tok)
    await yieldToLoop()
  }
  return { tokens, logprobs, stopReason: 'length' }
}

/** Log-probability of each prompt token given the ones before it (null at position 0), plus optional top-k. */
export async function scorePrompt(
  base: BaseModel,
  adapter: Adapter | null,
  prompt: number[],
  topk: number,
): Promise<{ logprobs: Array<number | null>; topk: Array<Array<[number, number]> | null> | null }> {
  const dec = new Decoder(base, adapter)
  const out: Array<number | null> = [null]
  const top: Array<Array<[number, number]> | null> | null = topk > 0 ? [null] : null
  const lp = new Float64Array(base.dims.vocabSize)
  for (let t = 0; t + 1 < prompt.length; t++) {
    dec.step(prompt[t])
    dec.fullLogprobs(1, lp)
    out.push(lp[prompt[t + 1]])
    if (top) {
      const idx = Array.from({ length: lp.length }, (_, i) => i)
        .sort((a, b) => lp[b] - lp[a])
        .slice(0, topk)
      top.push(idx.map((i) => [i, lp[i]]))
    }
    await yieldToLoop()
  }
  return { logprobs: prompt.length ? out : [], topk: top && prompt.length ? top : top ? [] : null }
}
