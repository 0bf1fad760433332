import { loadTokenizer, type StudioTokenizer } from '../tokenize'
import type { ChatMessage } from '../../../shared/chat'
import { GENERATION_SEED_DEFAULT, SAMPLE_MAX_TOKENS_DEFAULT, SAMPLE_TEMPERATURE_DEFAULT } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import type { RunCheckpoint, RunDetailDto, SampleComparison, SampleView } from '../../../shared/runs'
import type { TuftClient } from '../tuft'
import { connectFor, type RunDeps } from './runner'
import { getRunDetail } from './store'

export type SampleOptions = {
  messages: ChatMessage[]
  maxTokens?: number
  temperature?: number
  seed?: number
  apiKey?: string
  /** A sampler checkpoint of this run; absent: the best one (else the final one). */
  checkpoint?: string
}

/** A run's sampler checkpoint by path, or its best (else final) one; null when it saved none. */
export function samplerCheckpoint(run: RunDetailDto, path?: string): RunCheckpoint | null {
  if (path) {
    const c = run.checkpoints.find((x) => x.kind === 'sampler' && x.path === path)
    if (!c) throw new StudioError('not-found', `Run "${run.name}" has no sampler checkpoint ${path}.`, { says: 'no-sampler-checkpoint', name: run.name, path })
    return c
  }
  return run.bestCheckpoint ?? run.finalCheckpoint ?? null
}

/** Renders a chat for sampling and samples it from one set of weights, with the same parameters each time. */
export function chatSampler(tokenizer: StudioTokenizer, client: TuftClient, o: { messages: ChatMessage[]; maxTokens?: number; temperature?: number; seed: number }) {
  const prompt = tokenizer.renderChat(o.messages, { addGenerationPrompt: true })
  const ids = tokenizer.encode(prompt)
  const eos = tokenizer.encode(tokenizer.eosToken)
  const params = {
    max_tokens: o.maxTokens ?? SAMPLE_MAX_TOKENS_DEFAULT,
    temperature: o.temperature ?? SAMPLE_TEMPERATURE_DEFAULT,
    seed: o.seed,
    stop: eos.length === 1 ? eos : [tokenizer.eosToken],
  }
  const view = async (src: { modelPath: string } | { baseModel: string }): Promise<SampleView> => {
    const sampler = await client.createSamplingClient(src)
    const res = await sampler.sample({ prompt: ids, sampling_params: params, num_samples: 1 })
    const seq = res.sequences[0]
    if (!seq) throw new StudioError('server-error', 'The server returned no sequence.', { says: 'no-sequence' })
    const tokens = seq.tokens.filter((t, i) => !(i === seq.tokens.length - 1 && eos.includes(t)))
    return { text: tokenizer.decode(tokens), tokens: seq.tokens.length, stopReason: String(seq.stop_reason) }
  }
  return { prompt, view }
}

/**
 * Samples the same prompt, with the same seed, from the run's base model, from one of its sampler checkpoints
 * (the best by default — the guide's "downstream generation quality" check at the stopping step) and from its
 * final weights when those are another checkpoint. The conversation is rendered with the model's chat template
 * and `addGenerationPrompt: true`, sampled until the end-of-turn token and decoded with the same tokenizer.
 */
export async function sampleCompare(deps: RunDeps, runId: string, o: SampleOptions): Promise<SampleComparison> {
  const run = getRunDetail(deps.db, runId)
  const chosen = samplerCheckpoint(run, o.checkpoint)
  const final = run.finalCheckpoint
  const tokenizer = await loadTokenizer(deps.db, { modelId: run.tokenizerId ?? run.baseModel })
  const seed = o.seed ?? GENERATION_SEED_DEFAULT
  const config = o.apiKey && run.config.server.kind === 'remote' ? { ...run.config.server, apiKey: o.apiKey } : run.config.server
  const client = await connectFor(deps, config)
  try {
    const { prompt, view } = chatSampler(tokenizer, client, { ...o, seed })
    const base = await view({ baseModel: run.baseModel })
    const tuned = chosen ? await view({ modelPath: chosen.path }) : null
    const other = final && chosen && final.path !== chosen.path ? final : null
    return {
      prompt,
      base,
      tuned,
      modelPath: chosen?.path ?? null,
      checkpoint: chosen ? { path: chosen.path, step: chosen.step, best: chosen.best === true } : null,
      final: other ? await view({ modelPath: other.path }) : null,
      finalPath: other?.path ?? null,
      seed,
    }
  } finally {
    client.close()
  }
}
