import { loadTokenizer } from '../tokenize'
import type { ChatMessage } from '../../../shared/chat'
import { SAMPLE_MAX_TOKENS_DEFAULT, SAMPLE_TEMPERATURE_DEFAULT } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import type { SampleComparison, SampleView } from '../../../shared/runs'
import { connectFor, type RunDeps } from './runner'
import { getRunDetail } from './store'

export type SampleOptions = {
  messages: ChatMessage[]
  maxTokens?: number
  temperature?: number
  seed?: number
  apiKey?: string
}

/**
 * Samples the same prompt from the run's fine-tuned sampler weights and from its base model: the
 * conversation is rendered with the model's chat template and `addGenerationPrompt: true`, encoded,
 * sampled until the end-of-turn token, and decoded with the same tokenizer.
 */
export async function sampleCompare(deps: RunDeps, runId: string, o: SampleOptions): Promise<SampleComparison> {
  const run = getRunDetail(deps.db, runId)
  const tokenizer = await loadTokenizer(deps.db, { modelId: run.tokenizerId ?? run.baseModel })
  const prompt = tokenizer.renderChat(o.messages, { addGenerationPrompt: true })
  const ids = tokenizer.encode(prompt)
  const eos = tokenizer.encode(tokenizer.eosToken)
  const params = {
    max_tokens: o.maxTokens ?? SAMPLE_MAX_TOKENS_DEFAULT,
    temperature: o.temperature ?? SAMPLE_TEMPERATURE_DEFAULT,
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    stop: eos.length === 1 ? eos : [tokenizer.eosToken],
  }
  const config = o.apiKey && run.config.server.kind === 'remote' ? { ...run.config.server, apiKey: o.apiKey } : run.config.server
  const client = await connectFor(deps, config)
  try {
    const view = async (src: { modelPath: string } | { baseModel: string }): Promise<SampleView> => {
      const sampler = await client.createSamplingClient(src)
      const res = await sampler.sample({ prompt: ids, sampling_params: params, num_samples: 1 })
      const seq = res.sequences[0]
      if (!seq) throw new StudioError('server-error', 'The server returned no sequence.')
      const tokens = seq.tokens.filter((t, i) => !(i === seq.tokens.length - 1 && eos.includes(t)))
      return { text: tokenizer.decode(tokens), tokens: seq.tokens.length, stopReason: String(seq.stop_reason) }
    }
    const base = await view({ baseModel: run.baseModel })
    const tuned = run.samplerPath ? await view({ modelPath: run.samplerPath }) : null
    return { prompt, base, tuned, modelPath: run.samplerPath }
  } finally {
    client.close()
  }
}

