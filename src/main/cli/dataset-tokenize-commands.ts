/**
 * `dataset stats` and `dataset datums`: tokenize a cached split with a model's tokenizer and chat
 * template (exact assistant masks) and print its length statistics or write its datums as JSONL.
 */
import fs from 'node:fs'
import { MAX_LENGTH_DEFAULT } from '../../shared/defaults'
import { isTrainOn, TRAIN_ON_VALUES, type TokenStats, type TrainOn } from '../../shared/datum'
import { cliI18n, CliError } from '../../platform/cli-i18n'
import type { I18n } from '../../shared/i18n'
import { loadTokenizer, tokenizeSplit, type StudioTokenizer, type TokenizedSplit } from '../core/tokenize'
import { parseSkipReason, type SkipReason } from '../core/tokenize/skip-reasons'
import { parseCommandArgs, UsageError, usageOf, type CliCommand, type CommandContext, type CommandText } from './dataset-cli'

const common = {
  tokenizer: { type: 'string' },
  'max-length': { type: 'string' },
  'train-on': { type: 'string' },
  split: { type: 'string' },
  endpoint: { type: 'string' },
} as const

type CommonValues = { tokenizer?: string; 'max-length'?: string; 'train-on'?: string; split?: string; endpoint?: string }

function parseCommon(values: CommonValues, positionals: string[], ctx: CommandContext, text: CommandText): { name: string; maxLength: number; trainOn: TrainOn } {
  const t = ctx.i18n.t.cli.tokenize
  if (positionals.length !== 1) throw new UsageError(t.expectedName(usageOf(ctx, text)))
  if (!values.tokenizer?.trim()) throw new UsageError(t.tokenizerRequired)
  const rawMax = values['max-length'] ?? String(MAX_LENGTH_DEFAULT)
  const maxLength = Number(rawMax)
  if (!/^\d+$/.test(rawMax.trim()) || !Number.isSafeInteger(maxLength) || maxLength < 2) throw new UsageError(t.maxLength(rawMax))
  const trainOn = values['train-on'] ?? 'all-assistant'
  if (!isTrainOn(trainOn)) throw new UsageError(t.trainOn(TRAIN_ON_VALUES, trainOn))
  return { name: positionals[0], maxLength, trainOn }
}

/** Loads the tokenizer and tokenizes the split, with progress on a terminal. */
async function tokenize(
  ctx: CommandContext,
  values: CommonValues,
  o: { name: string; maxLength: number; trainOn: TrainOn },
): Promise<{ tok: StudioTokenizer; result: TokenizedSplit }> {
  const db = ctx.db()
  const { fmt } = ctx.i18n
  const t = ctx.i18n.t.cli.tokenize.progress
  const show = (line: string): void => {
    if (ctx.isTty) process.stderr.write(`\r\x1b[2K${line}`)
  }
  const tok = await loadTokenizer(
    db,
    { modelId: values.tokenizer!.trim(), endpoint: values.endpoint },
    {
      signal: ctx.signal,
      onProgress: (p) => show(p.phase === 'downloading' ? t.downloading(p.file ?? 'tokenizer.json', fmt.bytes(p.current), fmt.bytes(p.total)) : t.loading),
    },
  )
  const result = await tokenizeSplit(db, {
    dataset: o.name,
    split: values.split,
    tokenizer: tok,
    maxLength: o.maxLength,
    trainOn: o.trainOn,
    signal: ctx.signal,
    onProgress: (p) => show(p.phase === 'tokenizing' ? t.tokenizing(p.current, p.total) : t.saving),
  })
  if (ctx.isTty) process.stderr.write('\r\x1b[2K')
  return { tok, result }
}

export function formatStats(s: TokenStats, maxLength: number, i18n: I18n = cliI18n()): string[] {
  const t = i18n.t.cli.tokenize
  const lines = [
    t.conversations(s.conversations),
    t.tokens(s.totalTokens, s.weightedTokens),
    t.length(s.p50, s.p95, s.max),
    // One decimal at any size: the share truncated is what --max-length is tuned by.
    t.truncated(maxLength, `${i18n.fmt.decimal(100 * s.truncatedShare, 1)}%`),
    t.suggested(s.suggestedMaxLength),
    t.histogram,
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

/** A skip reason in the reader's words: a group (what went wrong) and what is particular to the row. */
function skipWords(i18n: I18n, reason: string): { group: string; row: string } {
  // English prints main's own reason, which is this language already.
  if (i18n.t.cli.mainMessagesReadable) return { group: reason.replace(/\s*\(.*\)$/, ''), row: reason }
  const t = i18n.t.cli.tokenize.skip
  const r: SkipReason = parseSkipReason(reason)
  switch (r.kind) {
    case 'too-few-tokens':
      return { group: t.tooFewTokens(r.tokens, r.maxLength), row: t.tooFewTokens(r.tokens, r.maxLength) }
    case 'beyond-max-length':
      return { group: t.beyondMaxLength(r.maxLength), row: t.firstTrainedAt(r.firstTrained, r.length) }
    case 'nothing-weighted':
      return { group: t.nothingWeighted, row: t.nothingWeighted }
    case 'no-target-message':
      return { group: t.noTargetMessage(r.assistantOnly), row: t.noTargetMessage(r.assistantOnly) }
    case 'not-verbatim':
      return { group: t.notVerbatim, row: t.notVerbatimRow(r.message, i18n.t.roles[r.role as keyof typeof i18n.t.roles] ?? r.role) }
    case 'no-offsets':
      return { group: t.noOffsets, row: t.noOffsets }
    case 'template-error':
      return { group: t.templateError, row: i18n.t.cli.common.original(r.error).trim() }
    default:
      return { group: t.other, row: i18n.t.cli.common.original(r.text).trim() }
  }
}

/** Skipped conversations on stderr: a count per reason with example rows, in one streaming pass. */
function reportSkipped(ctx: CommandContext, result: TokenizedSplit): void {
  if (result.skippedCount === 0) return
  const t = ctx.i18n.t.cli.tokenize
  const byReason = new Map<string, { count: number; examples: { row: number; words: string }[] }>()
  for (const s of result.skippedRows()) {
    const words = skipWords(ctx.i18n, s.reason)
    const group = byReason.get(words.group) ?? { count: 0, examples: [] }
    group.count++
    if (group.examples.length < 5) group.examples.push({ row: s.row, words: words.row })
    byReason.set(words.group, group)
  }
  ctx.err(t.skippedHead(result.skippedCount))
  for (const [reason, { count, examples }] of byReason) {
    ctx.err(t.skippedGroup(count, reason))
    for (const s of examples) ctx.err(t.skippedRow(s.row, s.words))
    if (count > 5) ctx.err(t.skippedMore(count - 5))
  }
}

export const statsCommand: CliCommand = {
  text: 'stats',
  async run(args, ctx) {
    const t = ctx.i18n.t.cli.tokenize
    const { values, positionals } = parseCommandArgs(args, { ...common, json: { type: 'boolean' } }, ctx, 'stats')
    const o = parseCommon(values, positionals, ctx, 'stats')
    const { tok, result } = await tokenize(ctx, values, o)
    if (values.json) {
      ctx.out(JSON.stringify({ ...result.stats, skipped: result.skippedCount, tokenizer: tok.id, maxLength: o.maxLength, trainOn: o.trainOn }, null, 2))
      return
    }
    ctx.out(t.header({ name: o.name, model: tok.modelId, origin: t.origin[tok.origin] ?? tok.origin, id: tok.id, trainOn: o.trainOn, cached: result.fromCache }))
    for (const line of formatStats(result.stats, o.maxLength, ctx.i18n)) ctx.out(line)
    ctx.out(t.skipped(result.skippedCount))
    reportSkipped(ctx, result)
  },
}

export const datumsCommand: CliCommand = {
  text: 'datums',
  async run(args, ctx) {
    const t = ctx.i18n.t.cli.tokenize
    const { values, positionals } = parseCommandArgs(args, { ...common, out: { type: 'string' } }, ctx, 'datums')
    const o = parseCommon(values, positionals, ctx, 'datums')
    if (!values.out) throw new UsageError(t.outRequired)
    const { result } = await tokenize(ctx, values, o)
    let fd: number
    try {
      fd = fs.openSync(values.out, 'w')
    } catch (err) {
      throw new CliError('invalid-input', t.cannotWrite(values.out, (err as NodeJS.ErrnoException).code ?? String(err)))
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
    ctx.out(t.wrote(result.datumCount, values.out, result.skippedCount))
  },
}
