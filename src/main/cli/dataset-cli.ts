/**
 * `npm run cli -- dataset <command> …`: the dataset pipeline from a terminal, over the same core code
 * the app uses. Data lives in TUFT_STUDIO_HOME (else the OS app-data folder); the hub endpoint comes from
 * --endpoint, else HF_ENDPOINT; HF_TOKEN is sent for gated data. Errors print one line (what happened +
 * the catalogue's fix) and exit non-zero.
 */
import fs from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { hintFor } from '../../shared/catalogue'
import { asStudioError, StudioError } from '../../shared/result'
import { escapeControlChars } from '../../shared/text'
import { importDataset, listDatasets, type DatasetSource, type ImportProgress, type ImportReport } from '../core/datasets'
import { openDb, type Db } from '../core/store'
import { datumsCommand, statsCommand } from './dataset-tokenize-commands'
import { SERVER_COMMANDS } from './server-cli'

export type CliContext = {
  /** Opens the studio database lazily (so `--help` never creates one). */
  db: () => Db
  out: (line: string) => void
  err: (line: string) => void
  signal: AbortSignal
  isTty: boolean
}

export type CliCommand = {
  usage: string
  summary: string
  run: (args: string[], ctx: CliContext) => Promise<void>
}

export class UsageError extends Error {}

/** parseArgs with our usage errors; every command uses it so flags behave the same everywhere. */
type ArgsOptions = NonNullable<ParseArgsConfig['options']>
// Named so the exported signature can be emitted (node's ParsedResults type is not exported).
type ParsedCommandArgs<T extends ArgsOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>

export function parseCommandArgs<T extends ArgsOptions>(
  args: string[],
  options: T,
  usage: string,
): ParsedCommandArgs<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nusage: ${usage}`)
  }
}

const DATA_EXT = /\.(jsonl|ndjson|json|parquet)$/i

/** A path (exists on disk, has a data-file extension, or starts like a path) rather than a hub id. */
export const looksLikePath = (arg: string): boolean =>
  fs.existsSync(arg) || DATA_EXT.test(arg) || /^(\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/])/.test(arg)

const isFolder = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`

/** Progress on stderr: rewritten in place on a terminal, a line per second otherwise (logs, CI). */
function progressPrinter(ctx: CliContext): { onProgress: (p: ImportProgress) => void; done: () => void } {
  let last = 0
  let shown = false
  const line = (p: ImportProgress): string => {
    const pct = p.total > 0 ? ` ${Math.floor((100 * p.current) / p.total)}%` : ''
    if (p.phase === 'downloading') return `downloading ${p.file ?? ''}${pct} (${mb(p.current)} of ${mb(p.total)})`
    if (p.phase === 'parsing') return `reading ${p.split ?? ''} ${p.file ?? ''}: ${p.current} rows${p.total ? ` of ${p.total}` : ''}`
    if (p.phase === 'saving') return `saving ${p.total} conversations`
    return 'listing files'
  }
  return {
    onProgress: (p) => {
      const now = Date.now()
      const final = p.current === p.total && p.total > 0
      if (now - last < (ctx.isTty ? 100 : 1000) && !final) return
      last = now
      if (ctx.isTty) {
        process.stderr.write(`\r\x1b[2K${escapeControlChars(line(p))}`)
        shown = true
      } else ctx.err(line(p))
    },
    done: () => {
      if (shown) process.stderr.write('\r\x1b[2K')
    },
  }
}

export function formatReport(r: ImportReport): string[] {
  const from =
    r.source.kind === 'hub'
      ? `hub ${r.source.repo} via ${r.source.endpoint}${r.revision ? ` @ ${r.revision.slice(0, 12)}` : ''}`
      : `file ${r.source.path}`
  const lines = [`${r.fromCache ? 'Using cached' : 'Imported'} dataset "${r.name}" (${r.format} format) from ${from}${r.fromCache ? ' (offline copy)' : ''}`]
  for (const s of r.splits) lines.push(`  split ${s.split}: ${s.rows} conversations, ${s.rejected} rejected`)
  const rejected = r.rejections.reduce((a, g) => a + g.count, 0)
  if (rejected === 0) lines.push('No rows rejected.')
  else {
    lines.push(`Rejected rows: ${rejected}`)
    for (const g of r.rejections) {
      lines.push(`  ${g.reason}: ${g.count}`)
      for (const e of g.examples)
        lines.push(`    e.g. ${e.split} row ${e.row}${e.detail ? ` (${e.detail})` : ''}: ${e.excerpt}`)
    }
  }
  const warned = r.warnings.reduce((a, g) => a + g.count, 0)
  if (warned > 0) {
    lines.push(`Imported with warnings: ${warned}`)
    for (const g of r.warnings) {
      lines.push(`  ${g.reason}: ${g.count}`)
      for (const e of g.examples) lines.push(`    e.g. ${e.split} row ${e.row} (${e.detail ?? ''}): ${e.excerpt}`)
    }
  }
  return lines
}

const importUsage =
  'dataset import <hf-id|path> [--split S] [--name NAME] [--format messages|sharegpt|alpaca] [--mapping JSON] [--revision REV] [--endpoint URL] [--json]'

const importCommand: CliCommand = {
  usage: importUsage,
  summary: 'import a hub dataset (all splits, or --split) or a .jsonl/.json/.parquet file into the local store',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        split: { type: 'string' },
        name: { type: 'string' },
        format: { type: 'string' },
        mapping: { type: 'string' },
        revision: { type: 'string' },
        endpoint: { type: 'string' },
        json: { type: 'boolean' },
      },
      importUsage,
    )
    if (positionals.length !== 1) throw new UsageError(`expected one dataset id or path\nusage: ${importUsage}`)
    const format = values.format ?? 'auto'
    if (!['auto', 'messages', 'sharegpt', 'alpaca'].includes(format))
      throw new UsageError(`--format must be messages, sharegpt or alpaca (got "${format}")\nusage: ${importUsage}`)
    let mapping: Record<string, unknown> | undefined
    if (values.mapping) {
      try {
        mapping = JSON.parse(values.mapping) as Record<string, unknown>
      } catch (err) {
        throw new StudioError('invalid-input', `--mapping must be JSON, e.g. '{"messagesField":"dialog","roles":{"bot":"assistant"}}': ${(err as Error).message}`)
      }
    }
    const target = positionals[0]
    const source: DatasetSource = looksLikePath(target)
      ? { kind: isFolder(target) ? 'folder' : 'file', path: target, ...(values.split ? { split: values.split } : {}) }
      : { kind: 'hub', repo: target, ...(values.split ? { split: values.split } : {}), ...(values.revision ? { revision: values.revision } : {}) }
    const progress = progressPrinter(ctx)
    try {
      const report = await importDataset(ctx.db(), source, {
        name: values.name,
        format: format as 'auto',
        mapping: mapping as Record<string, string> | undefined,
        endpoint: values.endpoint,
        signal: ctx.signal,
        onProgress: progress.onProgress,
      })
      progress.done()
      if (values.json) ctx.out(JSON.stringify(report, null, 2))
      else formatReport(report).forEach((l) => ctx.out(l))
    } catch (err) {
      progress.done()
      throw err
    }
  },
}

const listUsage = 'dataset list [--json]'

const listCommand: CliCommand = {
  usage: listUsage,
  summary: 'list the datasets in the local store with their splits and provenance',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, listUsage)
    const all = listDatasets(ctx.db())
    if (values.json) return ctx.out(JSON.stringify(all, null, 2))
    if (all.length === 0) return ctx.out('No datasets yet. Import one: npm run cli -- dataset import HuggingFaceH4/no_robots')
    for (const d of all) {
      const src =
        d.source.kind === 'hub'
          ? `hub ${d.source.repo} via ${d.source.endpoint}${d.revision ? ` @ ${d.revision.slice(0, 12)}` : ''}`
          : `file ${d.source.path}`
      const splits = d.splits.map((s) => `${s.split} ${s.rows}${s.rejected ? ` (+${s.rejected} rejected)` : ''}`).join(', ')
      ctx.out(`${d.name}\t${d.format}\t${splits}\t${src}\timported ${d.importedAt}`)
    }
  },
}

/**
 * The `dataset` subcommands. Each entry is one subcommand; the tokenizer area registers `stats` and
 * `datums` here (issue #2 §4) by adding `stats: statsCommand, datums: datumsCommand` with commands
 * built on parseCommandArgs, so usage, errors and exit codes stay uniform.
 */
export const DATASET_COMMANDS: Record<string, CliCommand> = {
  import: importCommand,
  list: listCommand,
  stats: statsCommand,
  datums: datumsCommand,
}

/** Command groups: `npm run cli -- dataset …` (the default) and `npm run cli -- server …`. */
const GROUPS: Record<string, Record<string, CliCommand>> = { dataset: DATASET_COMMANDS, server: SERVER_COMMANDS }

function usage(): string {
  const lines = ['usage: npm run cli -- <dataset|server> <command> [options]', '']
  for (const commands of Object.values(GROUPS)) for (const c of Object.values(commands)) lines.push(`  ${c.usage}\n      ${c.summary}`)
  return lines.join('\n')
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error, 130 interrupted. Every line
 * goes out with control characters escaped: names, excerpts and messages come from data files and
 * servers, and a terminal would act on an escape sequence in them.
 */
export async function main(argv: string[], raw: CliContext): Promise<number> {
  const ctx: CliContext = { ...raw, out: (l) => raw.out(escapeControlChars(l)), err: (l) => raw.err(escapeControlChars(l)) }
  const group = argv[0] === 'server' ? 'server' : 'dataset'
  const args = argv[0] === group ? argv.slice(1) : argv
  const [name, ...rest] = args
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.out(usage())
    return name ? 0 : 2
  }
  const cmd = GROUPS[group][name]
  if (!cmd) {
    ctx.err(`error: unknown command "${name}"\n${usage()}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.out(`usage: npm run cli -- ${cmd.usage}\n  ${cmd.summary}`)
    return 0
  }
  try {
    await cmd.run(rest, ctx)
    return 0
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.err(`error: ${err.message}`)
      return 2
    }
    const e = asStudioError(err)
    ctx.err(`error [${e.code}]: ${e.message.replace(/\s*\n\s*/g, ' ')} — ${hintFor(e.code).fix}`)
    // A server that failed to start: the log lines that explain it, and where the whole log is.
    const tail = e.details?.logTail
    if (Array.isArray(tail) && tail.length) ctx.err(['last lines of the server log:', ...tail.map((l) => `  ${String(l)}`), `full log: ${String(e.details?.logPath)}`].join('\n'))
    return e.code === 'cancelled' ? 130 : 1
  }
}

const isEntry = process.argv[1] && /dataset-cli\.(ts|js|mjs)$/.test(process.argv[1])
if (isEntry) {
  const ac = new AbortController()
  process.once('SIGINT', () => ac.abort())
  let db: Db | undefined
  const ctx: CliContext = {
    db: () => (db ??= openDb()),
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    signal: ac.signal,
    isTty: Boolean(process.stderr.isTTY),
  }
  main(process.argv.slice(2), ctx).then(
    (code) => {
      db?.close()
      process.exitCode = code
    },
    (err: unknown) => {
      process.stderr.write(`error [internal]: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exitCode = 1
    },
  )
}
