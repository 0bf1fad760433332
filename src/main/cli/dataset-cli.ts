/**
 * `npm run cli -- dataset <command> …`: the dataset pipeline from a terminal, over the same core code
 * the app uses. Data lives in TUFT_STUDIO_HOME (else the OS app-data folder); the hub endpoint comes from
 * --endpoint, else HF_ENDPOINT; HF_TOKEN is sent for gated data. Errors print one line (what happened +
 * the catalogue's fix) and exit non-zero.
 */
import fs from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { I18n, UiStrings } from '../../shared/i18n'
import { asStudioError } from '../../shared/result'
import { escapeControlChars } from '../../shared/text'
import { importDataset, listDatasets, type DatasetSource, type ImportProgress, type ImportReport, type RowExample } from '../core/datasets'
import { openDb, type Db } from '../core/store'
import { cliI18n, CliError, failureLines, parseArgsMessage } from '../../platform/cli-i18n'
import { datumsCommand, statsCommand } from './dataset-tokenize-commands'
import { SERVER_COMMANDS } from './server-cli'

export type CliContext = {
  /** Opens the studio database lazily (so `--help` never creates one). */
  db: () => Db
  out: (line: string) => void
  err: (line: string) => void
  signal: AbortSignal
  isTty: boolean
  /** The reader's language; without it, the one LC_ALL, LC_MESSAGES or LANG name. */
  i18n?: I18n
}

/** What a command runs with: the caller's context, its language settled. */
export type CommandContext = CliContext & { i18n: I18n }

/** A command's usage line and summary, by its key in the catalogue. */
export type CommandText = keyof UiStrings['cli']['dataset']['commands']

export type CliCommand = {
  text: CommandText
  run: (args: string[], ctx: CommandContext) => Promise<void>
}

export class UsageError extends Error {}

export const usageOf = (ctx: Pick<CommandContext, 'i18n'>, text: CommandText): string => ctx.i18n.t.cli.dataset.commands[text].usage

/** A usage error that repeats the command's usage line. */
export const usageError = (ctx: Pick<CommandContext, 'i18n'>, text: CommandText, message: string): UsageError =>
  new UsageError(`${message}\n${ctx.i18n.t.cli.common.usage(usageOf(ctx, text))}`)

/** parseArgs with our usage errors; every command uses it so flags behave the same everywhere. */
type ArgsOptions = NonNullable<ParseArgsConfig['options']>
// Named so the exported signature can be emitted (node's ParsedResults type is not exported).
type ParsedCommandArgs<T extends ArgsOptions> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>

export function parseCommandArgs<T extends ArgsOptions>(
  args: string[],
  options: T,
  ctx: Pick<CommandContext, 'i18n'>,
  text: CommandText,
): ParsedCommandArgs<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (err) {
    throw usageError(ctx, text, parseArgsMessage(err, ctx.i18n))
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

/** Progress on stderr: rewritten in place on a terminal, a line per second otherwise (logs, CI). */
function progressPrinter(ctx: CommandContext): { onProgress: (p: ImportProgress) => void; done: () => void } {
  const { fmt } = ctx.i18n
  const t = ctx.i18n.t.cli.dataset.progress
  let last = 0
  let shown = false
  const line = (p: ImportProgress): string => {
    if (p.phase === 'downloading')
      return t.downloading(p.file ?? '', p.total > 0 ? fmt.percent(Math.floor((100 * p.current) / p.total) / 100) : null, fmt.bytes(p.current), fmt.bytes(p.total))
    if (p.phase === 'parsing') return t.reading(p.split ?? '', p.file ?? '', p.current, p.total)
    if (p.phase === 'saving') return t.saving(p.total)
    return t.listing
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

/** Where a dataset came from, in words: the hub (endpoint, revision) or a file. */
function provenance(i18n: I18n, d: Pick<ImportReport, 'source' | 'revision'>): string {
  const t = i18n.t.cli.dataset.report
  return d.source.kind === 'hub' ? t.fromHub(d.source.repo, d.source.endpoint, d.revision ? d.revision.slice(0, 12) : null) : t.fromFile(d.source.path)
}

export function formatReport(r: ImportReport, i18n: I18n = cliI18n()): string[] {
  const t = i18n.t.cli.dataset.report
  const { reasons, warningNames } = i18n.t.dataset
  // Main's details are English; a language that is not shows the reason in words and the excerpt.
  const detail = (d: string | undefined): string | null => (d && i18n.t.cli.mainMessagesReadable ? d : null)
  const excerpt = (e: RowExample): string => (e.rows ? i18n.t.dataset.rowRange(e.rows.first, e.rows.last) : e.excerpt)
  const lines = [t.imported({ name: r.name, format: r.format, from: provenance(i18n, r), cached: r.fromCache })]
  for (const s of r.splits) lines.push(t.split(s.split, s.rows, s.rejected))
  const rejected = r.rejections.reduce((a, g) => a + g.count, 0)
  if (rejected === 0) lines.push(t.noRejections)
  else {
    lines.push(t.rejected(rejected))
    for (const g of r.rejections) {
      lines.push(t.group(g.reason, reasons[g.reason] ?? g.reason, g.count))
      for (const e of g.examples) lines.push(t.example(e.split, e.row, detail(e.detail), excerpt(e)))
    }
  }
  const warned = r.warnings.reduce((a, g) => a + g.count, 0)
  if (warned > 0) {
    lines.push(t.warned(warned))
    for (const g of r.warnings) {
      lines.push(t.group(g.reason, warningNames[g.reason] ?? g.reason, g.count))
      for (const e of g.examples) lines.push(t.example(e.split, e.row, detail(e.detail) ?? '', excerpt(e)))
    }
  }
  return lines
}

const FORMATS = ['auto', 'messages', 'sharegpt', 'alpaca']

const importCommand: CliCommand = {
  text: 'import',
  async run(args, ctx) {
    const t = ctx.i18n.t.cli.dataset
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
      ctx,
      'import',
    )
    if (positionals.length !== 1) throw usageError(ctx, 'import', t.expectedOne)
    const format = values.format ?? 'auto'
    if (!FORMATS.includes(format)) throw usageError(ctx, 'import', t.formatChoice(format))
    let mapping: Record<string, unknown> | undefined
    if (values.mapping) {
      try {
        mapping = JSON.parse(values.mapping) as Record<string, unknown>
      } catch (err) {
        throw new CliError('invalid-input', t.mappingNotJson((err as Error).message))
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
      else formatReport(report, ctx.i18n).forEach((l) => ctx.out(l))
    } catch (err) {
      progress.done()
      throw err
    }
  },
}

const listCommand: CliCommand = {
  text: 'list',
  async run(args, ctx) {
    const { t, fmt } = ctx.i18n
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, ctx, 'list')
    const all = listDatasets(ctx.db())
    if (values.json) return ctx.out(JSON.stringify(all, null, 2))
    if (all.length === 0) return ctx.out(t.cli.dataset.list.empty)
    for (const d of all) {
      const splits = fmt.list(d.splits.map((s) => t.cli.dataset.list.split(s.split, s.rows, s.rejected)))
      ctx.out(`${d.name}\t${d.format}\t${splits}\t${provenance(ctx.i18n, d)}\t${t.cli.dataset.list.imported(fmt.dateTime(d.importedAt))}`)
    }
  },
}

/**
 * The `dataset` subcommands. Each entry is one subcommand, with its usage line and summary in the catalogue
 * (t.cli.dataset.commands); commands parse with parseCommandArgs, so usage, errors and exit codes stay uniform.
 */
export const DATASET_COMMANDS: Record<string, CliCommand> = {
  import: importCommand,
  list: listCommand,
  stats: statsCommand,
  datums: datumsCommand,
}

/** Command groups: `npm run cli -- dataset …` (the default) and `npm run cli -- server …`. */
const GROUPS: Record<string, Record<string, CliCommand>> = { dataset: DATASET_COMMANDS, server: SERVER_COMMANDS }

function usage(i18n: I18n): string {
  const t = i18n.t.cli
  const lines = [t.common.usage(t.dataset.usage), '']
  for (const commands of Object.values(GROUPS))
    for (const c of Object.values(commands)) lines.push(`  ${t.dataset.commands[c.text].usage}\n      ${t.dataset.commands[c.text].summary}`)
  return lines.join('\n')
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error, 130 interrupted. Every line
 * goes out with control characters escaped: names, excerpts and messages come from data files and
 * servers, and a terminal would act on an escape sequence in them. Without `i18n` it speaks the language
 * of the environment.
 */
export async function main(argv: string[], raw: CliContext): Promise<number> {
  const ctx: CommandContext = {
    ...raw,
    i18n: raw.i18n ?? cliI18n(),
    out: (l) => raw.out(escapeControlChars(l)),
    err: (l) => raw.err(escapeControlChars(l)),
  }
  const t = ctx.i18n.t.cli
  const group = argv[0] === 'server' ? 'server' : 'dataset'
  const args = argv[0] === group ? argv.slice(1) : argv
  const [name, ...rest] = args
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.out(usage(ctx.i18n))
    return name ? 0 : 2
  }
  const cmd = Object.hasOwn(GROUPS[group], name) ? GROUPS[group][name] : undefined
  if (!cmd) {
    ctx.err(`${t.common.error(t.dataset.unknownCommand(name))}\n${usage(ctx.i18n)}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.out(t.dataset.commandUsage(t.dataset.commands[cmd.text].usage, t.dataset.commands[cmd.text].summary))
    return 0
  }
  try {
    await cmd.run(rest, ctx)
    return 0
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.err(t.common.error(err.message))
      return 2
    }
    const e = asStudioError(err)
    failureLines(e, ctx.i18n).forEach((l) => ctx.err(l))
    // A server that failed to start: the log lines that explain it, and where the whole log is.
    const tail = e.details?.logTail
    if (Array.isArray(tail) && tail.length)
      ctx.err([t.common.serverLogTail, ...tail.map((l) => `  ${String(l)}`), t.common.fullLog(String(e.details?.logPath))].join('\n'))
    return e.code === 'cancelled' ? 130 : 1
  }
}

const isEntry = process.argv[1] && /dataset-cli\.(ts|js|mjs)$/.test(process.argv[1])
if (isEntry) {
  const ac = new AbortController()
  process.once('SIGINT', () => ac.abort())
  let db: Db | undefined
  const i18n = cliI18n()
  const ctx: CommandContext = {
    db: () => (db ??= openDb()),
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    signal: ac.signal,
    isTty: Boolean(process.stderr.isTTY),
    i18n,
  }
  main(process.argv.slice(2), ctx).then(
    (code) => {
      db?.close()
      process.exitCode = code
    },
    (err: unknown) => {
      process.stderr.write(`${i18n.t.cli.common.internal(err instanceof Error ? err.message : String(err))}\n`)
      process.exitCode = 1
    },
  )
}
