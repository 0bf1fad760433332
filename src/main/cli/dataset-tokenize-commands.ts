/**
 * `dataset stats` and `dataset datums`: tokenize a cached split with a model's tokenizer and chat
 * template (exact assistant masks) and print its length statistics or write its datums as JSONL.
 */
import fs from 'node:fs'
import { MAX_LENGTH_DEFAULT } from '../../shared/defaults'
import { isTrainOn, TRAIN_ON_VALUES, type TokenStats, type TrainOn } from '../../shared/datum'
import { StudioError } from '../../shared/result'
import { loadTokenizer, tokenizeSplit, type StudioTokenizer, type TokenizedSplit } from '../core/tokenize'
import { parseCommandArgs, UsageError, type CliCommand, type CliContext } from './dataset-cli'

const statsUsage = 'dataset stats <name> --tokenizer <model-or-dir> [--max-length N] [--split S] [--train-on all-assistant|last-assistant|all] [--endpoint URL] [--json]'
const datumsUsage =
  'dataset datums <name> --tokenizer <model-or-dir> [--train-on all-assistant|last-assistant|all] [--max-length N] [--split S] [--endpoint URL] --out file.jsonl'

const common = {
  tokenizer: { type: 'string' },
  'max-length': { type: 'string' },
  'train-on': { type: 'string' },
  split: { type: 'string' },
  endpoint: { type: 'string' },
} as const

type CommonValues = { tokenizer?: string; 'max-length'?: string; 'train-on'?: string; split?: string; endpoint?: string }

function parseCommon(values: CommonValues, positionals: string[], usage: string): { name: string; maxLength: number; trainOn: TrainOn } {
  if (positionals.length !== 1) throw new UsageError(`expected one dataset name (usage: ${usage})`)
  if (!values.tokenizer?.trim()) throw new UsageError(`--tokenizer <model-or-dir> is required (a hub model id such as Qwen/Qwen3-4B-Instruct-2507, or a folder with tokenizer.json + tokenizer_config.json)`)
  const rawMax = values['max-length'] ?? String(MAX_LENGTH_DEFAULT)
  const maxLength = Number(rawMax)
  if (!/^\d+$/.test(rawMax.trim()) || !Number.isSafeInteger(maxLength) || maxLength < 2)
    throw new UsageError(`--max-length must be an integer of at least 2 (got "${rawMax}")`)
  const trainOn = values['train-on'] ?? 'all-assistant'
  if (!isTrainOn(trainOn)) throw new UsageError(`--train-on must be one of ${TRAIN_ON_VALUES.join(', ')} (got "${trainOn}")`)
  return { name: positionals[0], maxLength, trainOn }
}

/** Loads the tokenizer and tokenizes the split, with progress on a terminal. */
async function tokenize(
  ctx: CliContext,
  values: CommonValues,
  o: { name: string; maxLength: number; trainOn: TrainOn },
): Promise<{ tok: StudioTokenizer; result: TokenizedSplit }> {
  const db = ctx.db()
  const show = (line: string): void => {
    if (ctx.isTty) process.stderr.write(`\r\x1b[2K${line}`)
  }
  const tok = await loadTokenizer(
    db,
    { modelId: values.tokenizer!.trim(), endpoint: values.endpoint },
    {
      signal: ctx.signal,
      onProgress: (p) => show(p.phase === 'downloading' ? `downloading ${p.file ?? 'tokenizer'} ${p.current}/${p.total} bytes` : 'loading tokenizer'),
    },
  )
  const result = await tokenizeSplit(db, {
    dataset: o.name,
    split: values.split,
    tokenizer: tok,
    maxLength: o.maxLength,
    trainOn: o.trainOn,
    signal: ctx.signal,
    onProgress: (p) => show(p.phase === 'tokenizing' ? `tokenizing ${p.current}/${p.total} conversations` : 'saving'),
  })
  if (ctx.isTty) process.stderr.write('\r\x1b[2K')
  return { tok, result }
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`
const int = (x: number): string => x.toLocaleString('en-US')

export function formatStats(s: TokenStats, maxLength: number): string[] {
  const lines = [
    `conversations: ${int(s.conversations)}`,
    `tokens: ${int(s.totalTokens)} total, ${int(s.weightedTokens)} weighted (trained on, after the cut)`,
    `length: p50 ${int(s.p50)}, p95 ${int(s.p95)}, max ${int(s.max)}`,
    `truncated at max length ${int(maxLength)}: ${pct(s.truncatedShare)} of conversations`,
    `suggested max length (p95): ${int(s.suggestedMaxLength)}`,
    'length histogram:',
  ]
  const top = Math.max(1, ...s.histogram.counts)
  const width = String(s.histogram.edges.at(-1) ?? 0).length
  s.histogram.counts.forEach((count, i) => {
    const from = String(s.histogram.edges[i]).padStart(width)
    const to = String(s.histogram.edges[i + 1] - 1).padStart(width)
    lines.push(`  ${from}-${to} | ${'#'.repeat(Math.round((40 * count) / top)).padEnd(40)} ${count}`)
  })
  return lines
}

/** Skipped conversations on stderr: a count per reason (details in parentheses aside) with example rows, in one streaming pass. */
function reportSkipped(ctx: CliContext, result: TokenizedSplit): void {
  if (result.skippedCount === 0) return
  const byReason = new Map<string, { count: number; examples: { row: number; reason: string }[] }>()
  for (const s of result.skippedRows()) {
    const key = s.reason.replace(/\s*\(.*\)$/, '')
    const group = byReason.get(key) ?? { count: 0, examples: [] }
    group.count++
    if (group.examples.length < 5) group.examples.push(s)
    byReason.set(key, group)
  }
  ctx.err(`skipped ${result.skippedCount} conversation${result.skippedCount === 1 ? '' : 's'} (no datum):`)
  for (const [reason, { count, examples }] of byReason) {
    ctx.err(`  ${count} × ${reason}`)
    for (const s of examples) ctx.err(`    row ${s.row}: ${s.reason}`)
    if (count > 5) ctx.err(`    … and ${count - 5} more`)
  }
}

export const statsCommand: CliCommand = {
  usage: statsUsage,
  summary: 'token statistics of a cached split: length histogram, share truncated, suggested max length, token counts',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { ...common, json: { type: 'boolean' } }, statsUsage)
    const o = parseCommon(values, positionals, statsUsage)
    const { tok, result } = await tokenize(ctx, values, o)
    if (values.json) {
      ctx.out(JSON.stringify({ ...result.stats, skipped: result.skippedCount, tokenizer: tok.id, maxLength: o.maxLength, trainOn: o.trainOn }, null, 2))
      return
    }
    ctx.out(`dataset "${o.name}" tokenized with ${tok.modelId} (${tok.origin}, ${tok.id}), train on ${o.trainOn}${result.fromCache ? ' (cached)' : ''}`)
    for (const line of formatStats(result.stats, o.maxLength)) ctx.out(line)
    ctx.out(`skipped: ${result.skippedCount}`)
    reportSkipped(ctx, result)
  },
}

export const datumsCommand: CliCommand = {
  usage: datumsUsage,
  summary: 'write one JSON datum per line ({"model_input","target_tokens","weights"}) in dataset order; skipped rows go to stderr',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { ...common, out: { type: 'string' } }, datumsUsage)
    const o = parseCommon(values, positionals, datumsUsage)
    if (!values.out) throw new UsageError(`--out file.jsonl is required (where the datums are written, one JSON object per line)`)
    const { result } = await tokenize(ctx, values, o)
    let fd: number
    try {
      fd = fs.openSync(values.out, 'w')
    } catch (err) {
      throw new StudioError('invalid-input', `Cannot write ${values.out}: ${(err as Error).message}`)
    }
    try {
      // Streamed from the cache a page at a time: the file can be far larger than memory.
      const PAGE = 500
      let lines: string[] = []
      for (const { datum: d } of result.iterate()) {
        lines.push(JSON.stringify({ model_input: d.model_input, target_tokens: d.target_tokens, weights: d.weights }))
        if (lines.length === PAGE) {
          fs.writeSync(fd, lines.join('\n') + '\n')
          lines = []
        }
      }
      if (lines.length) fs.writeSync(fd, lines.join('\n') + '\n')
    } finally {
      fs.closeSync(fd)
    }
    reportSkipped(ctx, result)
    ctx.out(`wrote ${result.datumCount} datums to ${values.out}${result.skippedCount ? ` (${result.skippedCount} skipped)` : ''}`)
  },
}
