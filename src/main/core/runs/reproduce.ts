/**
 * The exact examples a finished run trained and tested on, rebuilt from the local store: the same tokenized cache
 * (split, tokenizer, template, max length, train-on), the same seeded held-out choice and eval subset, in the
 * order the runner used them. The reproduction export writes them out; Compare takes its held-out prompts from them.
 */
import type { Conversation } from '../../../shared/chat'
import type { Datum } from '../../../shared/datum'
import { StudioError } from '../../../shared/result'
import type { RunDetailDto } from '../../../shared/runs'
import { getDataset, loadConversations } from '../datasets'
import type { Db } from '../store'
import { loadTokenizer, tokenizeSplit, type TokenizedSplit } from '../tokenize'
import { splitTrainEval } from './data'

/** A datum and the dataset row (position in its split) it was built from. */
export type RunExample = { datum: Datum; split: string; row: number }

export type RunExamples = {
  /** The training pool, in the order the batch stream indexes it. */
  train: RunExample[]
  /** The eval set, in the order test NLL is computed. */
  eval: RunExample[]
  trainSplit: string
  evalSplit: string | null
}

export async function runExamples(db: Db, run: RunDetailDto): Promise<RunExamples> {
  const cfg = run.config
  if (!run.data) throw new StudioError('invalid-input', `Run "${run.name}" has not prepared its data yet: nothing to export.`, { says: 'no-data-yet', name: run.name })
  if (!getDataset(db, cfg.dataset.name))
    throw new StudioError('dataset-not-cached', `The dataset ${cfg.dataset.name} this run trained on is no longer in the local store; import it again.`, {
      name: cfg.dataset.name,
    })
  const tokenizer = await loadTokenizer(db, { modelId: run.tokenizerId ?? run.baseModel })
  const tok = (split: string): Promise<TokenizedSplit> =>
    tokenizeSplit(db, { dataset: cfg.dataset.name, split, tokenizer, maxLength: cfg.maxLength, trainOn: cfg.trainOn })
  const trainSplit = run.data.trainSplit
  const evalSplit = run.data.evalSource === 'split' ? run.data.evalSplit : null
  const train = await tok(trainSplit)
  const evals = evalSplit ? await tok(evalSplit) : null
  // The runner's own selection (datum indices), each traced back to its row in one pass over the split.
  const chosen = splitTrainEval(train.datumCount, evals?.datumCount ?? null, cfg.evalSetSize, cfg.seed, run.data.heldOutFraction ?? cfg.heldOutFraction)
  const examplesOf = (t: TokenizedSplit, split: string, indices: ArrayLike<number>): RunExample[] => {
    const position = new Map<number, number>()
    for (let p = 0; p < indices.length; p++) position.set(indices[p], p)
    const out = new Array<RunExample>(indices.length)
    for (const { index, row, datum } of t.iterate()) {
      const p = position.get(index)
      if (p !== undefined) out[p] = { datum, split, row }
    }
    return out
  }
  return {
    train: examplesOf(train, trainSplit, chosen.train),
    eval: examplesOf(evals ?? train, evalSplit ?? trainSplit, chosen.eval),
    trainSplit,
    evalSplit,
  }
}

/** The conversations of a split by row, loaded once per split. */
export function conversationsOf(db: Db, dataset: string): (split: string, row: number) => Conversation {
  const cache = new Map<string, Conversation[]>()
  return (split, row) => {
    let rows = cache.get(split)
    if (!rows) cache.set(split, (rows = loadConversations(db, dataset, split)))
    const c = rows[row]
    if (!c) throw new StudioError('internal', `Row ${row} of ${dataset}/${split} is missing from the local store.`)
    return c
  }
}

/**
 * Up to `n` held-out prompts of a run: each eval conversation cut before its last assistant reply (which is kept as
 * the reference answer), in eval order.
 */
export async function heldOutPrompts(db: Db, run: RunDetailDto, n: number): Promise<{ row: number; messages: Conversation['messages']; reference: string | null }[]> {
  const ex = await runExamples(db, run)
  const conv = conversationsOf(db, run.config.dataset.name)
  const out: { row: number; messages: Conversation['messages']; reference: string | null }[] = []
  for (const e of ex.eval) {
    if (out.length >= n) break
    const messages = conv(e.split, e.row).messages
    const lastReply = messages.map((m) => m.role).lastIndexOf('assistant')
    if (lastReply <= 0) continue
    out.push({ row: e.row, messages: messages.slice(0, lastReply), reference: messages[lastReply].content })
  }
  return out
}
