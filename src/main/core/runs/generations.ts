/**
 * Generations of several runs side by side on the same held-out prompts, with the same seed — the guide's
 * "downstream generation quality" check, next to the curves in Compare.
 */
import { GENERATION_PROMPTS_DEFAULT, GENERATION_SEED_DEFAULT } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import type { CheckpointTarget, GenerationComparison, RunDetailDto, SampleView } from '../../../shared/runs'
import { loadTokenizer } from '../tokenize'
import type { TuftClient } from '../tuft'
import { heldOutPrompts } from './reproduce'
import { connectFor, type RunDeps } from './runner'
import { chatSampler } from './sample'
import { getRunDetail } from './store'

export type GenerationOptions = { target: CheckpointTarget; prompts?: number; maxTokens?: number; temperature?: number; seed?: number }

const checkpointOf = (run: RunDetailDto, target: CheckpointTarget) => (target === 'best' ? (run.bestCheckpoint ?? run.finalCheckpoint) : run.finalCheckpoint)

export async function compareGenerations(deps: RunDeps, runIds: string[], o: GenerationOptions): Promise<GenerationComparison> {
  const runs = runIds.map((id) => getRunDetail(deps.db, id))
  const first = runs[0]
  if (!first) throw new StudioError('invalid-input', 'Choose at least one run.', { says: 'choose-a-run' })
  const prompts = await heldOutPrompts(deps.db, first, o.prompts ?? GENERATION_PROMPTS_DEFAULT)
  if (!prompts.length) throw new StudioError('invalid-input', `Run "${first.name}" has no held-out conversation with an assistant reply to prompt with.`, {
      says: 'no-held-out-prompt',
      name: first.name,
    })
  const seed = o.seed ?? GENERATION_SEED_DEFAULT
  const clients = new Map<string, Promise<TuftClient>>()
  const clientOf = (run: RunDetailDto): Promise<TuftClient> => {
    const key = run.config.server.kind === 'sandbox' ? 'sandbox' : (run.serverUrl ?? '')
    let c = clients.get(key)
    if (!c) clients.set(key, (c = connectFor(deps, run.config.server.kind === 'sandbox' ? run.config.server : { kind: 'remote', ...(run.serverUrl ? { url: run.serverUrl } : {}) })))
    return c
  }
  const samplersOf = async (run: RunDetailDto) => {
    const tokenizer = await loadTokenizer(deps.db, { modelId: run.tokenizerId ?? run.baseModel })
    const client = await clientOf(run)
    return prompts.map((p) => chatSampler(tokenizer, client, { messages: p.messages, maxTokens: o.maxTokens, temperature: o.temperature, seed }).view)
  }
  try {
    const baseViews = await samplersOf(first)
    const base: SampleView[] = []
    for (const view of baseViews) base.push(await view({ baseModel: first.baseModel }))
    const columns: GenerationComparison['columns'] = []
    for (const run of runs) {
      const ck = checkpointOf(run, o.target)
      const views = ck ? await samplersOf(run) : []
      const samples: (SampleView | null)[] = []
      for (let i = 0; i < prompts.length; i++) samples.push(ck ? await views[i]({ modelPath: ck.path }) : null)
      columns.push({
        runId: run.id,
        runName: run.name,
        rank: run.rank,
        learningRate: run.learningRate,
        checkpoint: ck ? { path: ck.path, step: ck.step, best: ck.path === run.bestCheckpoint?.path } : null,
        samples,
      })
    }
    return { prompts, columns, base, seed }
  } finally {
    for (const c of clients.values()) void c.then((x) => x.close(), () => undefined)
  }
}
