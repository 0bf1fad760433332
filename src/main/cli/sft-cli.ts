/**
 * `npm run sft -- [options]`: the run engine without the app. Trains one run (or a rank × LR sweep) on a
 * TuFT server or the built-in sandbox, with a live progress line on stderr, writes everything to the same
 * SQLite store as the app (TUFT_STUDIO_HOME) and prints a summary, in the language LC_ALL, LC_MESSAGES or LANG
 * name. The options are in the catalogue's `cli.sft.help`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { openDb, sandboxDataDir, type Db } from '../core/store'
import { createTuftClient, discoverServer } from '../core/tuft'
import { getDataset, importDataset } from '../core/datasets'
import {
  BUNDLED_DATASET_NAME,
  DEFAULT_HUB_DATASET,
  bundledDatasetPath,
  exportRun,
  getCheckpoints,
  getRun,
  getRunMetrics,
  recoverInterruptedRuns,
  resumeRun,
  startRun,
  startSweep,
  type RunDeps,
  type RunHandle,
} from '../core/runs'
import { startSandbox } from '../../sandbox'
import { registerSecret, scrubSecrets } from '../../shared/redact'
import { asStudioError } from '../../shared/result'
import { labelOf, MISSING, type I18n } from '../../shared/i18n'
import type { RunConfigInput, RunDetailDto, RunEvent, RunSummaryDto, ServerConfig, SweepSummaryDto } from '../../shared/runs'
import { cliApiKey } from './api-key'
import { cliI18n, CliError, displayWidth, failureText, mainFailureText, padCells, type FailureText } from '../../platform/cli-i18n'

type Args = Record<string, string | boolean>

const VALUE_FLAGS = new Set([
  'config', 'server', 'api-key', 'api-key-file', 'dataset', 'split', 'model', 'tokenizer', 'rank', 'lr', 'batch-size', 'max-length',
  'steps', 'epochs', 'eval-every', 'eval-set-size', 'checkpoint-every', 'seed', 'train-on', 'name', 'concurrency',
  'resume', 'summary-json', 'early-stop', 'export-script', 'keep-checkpoints', 'held-out-fraction',
])
const BOOL_FLAGS = new Set(['sandbox', 'help'])

/** An option the CLI cannot use; the fix points at --help. */
const usageError = (message: string): CliError => new CliError('invalid-input', message)

function parseArgs(argv: string[], i18n: I18n): Args {
  const t = i18n.t.cli.sft
  const out: Args = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) throw usageError(t.unexpectedArgument(a))
    const [flag, inline] = a.slice(2).split(/=(.*)/s, 2)
    if (flag === 'sweep') {
      // `--sweep ranks=8,32 lrs=1e-4,1e-3` (two tokens) or `--sweep "ranks=8,32 lrs=1e-4"` (one).
      const parts: string[] = inline !== undefined ? [inline] : []
      while (i + 1 < argv.length && /^(ranks|lrs)=/.test(argv[i + 1])) parts.push(argv[++i])
      out.sweep = parts.join(' ')
      continue
    }
    if (BOOL_FLAGS.has(flag)) {
      out[flag] = true
      continue
    }
    if (!VALUE_FLAGS.has(flag)) throw usageError(t.unknownOption(flag))
    const v = inline ?? argv[++i]
    if (v === undefined) throw usageError(t.needsValue(flag))
    out[flag] = v
  }
  return out
}

const num = (i18n: I18n, args: Args, flag: string): number | undefined => {
  const v = args[flag]
  if (v === undefined) return undefined
  const n = Number(v)
  if (typeof v !== 'string' || !Number.isFinite(n)) throw usageError(i18n.t.cli.sft.notANumber(flag, String(v)))
  return n
}

function parseSweep(spec: string, i18n: I18n): { ranks: number[]; lrs: number[] } {
  const m = /ranks=([\d,\s]+)/.exec(spec)
  const l = /lrs=([\d.eE+\-,\s]+)/.exec(spec)
  const list = (s: string | undefined) => (s ?? '').split(/[,\s]+/).filter(Boolean).map(Number)
  const ranks = list(m?.[1])
  const lrs = list(l?.[1])
  if (!ranks.length || !lrs.length || [...ranks, ...lrs].some((x) => !Number.isFinite(x) || x <= 0))
    throw usageError(i18n.t.cli.sft.sweepSpec(spec))
  return { ranks, lrs }
}

const SNAKE_ALIASES: Record<string, string> = {
  base_model: 'baseModel', lora_rank: 'rank', train_mlp: 'trainMlp', train_attn: 'trainAttn', train_unembed: 'trainUnembed',
  learning_rate: 'learningRate', lr: 'learningRate', batch_size: 'batchSize', max_length: 'maxLength', eval_every: 'evalEvery',
  eval_set_size: 'evalSetSize', train_on: 'trainOn', checkpoint_every: 'checkpointEvery', weight_decay: 'weightDecay',
  grad_clip_norm: 'gradClipNorm', eval_split: 'evalSplit', api_key: 'apiKey',
}
const camelize = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(camelize)
  if (!v || typeof v !== 'object') return v
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [SNAKE_ALIASES[k] ?? k, camelize(x)]))
}

/** A config file: RunConfig JSON; snake_case keys (learning_rate, lora_rank, …) and a string dataset are accepted. */
function readConfigFile(file: string, i18n: I18n): Record<string, unknown> {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new CliError('invalid-input', i18n.t.cli.sft.configUnreadable(file, (err as NodeJS.ErrnoException).code ?? String(err)))
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new CliError('invalid-input', i18n.t.cli.sft.configNotJson(file))
  }
  const c = camelize(raw) as Record<string, unknown>
  if (typeof c.dataset === 'string') c.dataset = { name: c.dataset }
  if (typeof c.server === 'string') c.server = { kind: 'remote', url: c.server }
  return c
}

// ── Output ────────────────────────────────────────────────────────────────────────────────────────────

const isTty = process.stderr.isTTY === true
/** Every line this CLI prints goes through here or `print`: no key reaches the terminal or a log file. */
const say = (line: string): void => {
  if (isTty) process.stderr.write('\r\x1b[2K')
  process.stderr.write(scrubSecrets(line) + '\n')
}
const print = (text: string): void => void process.stdout.write(scrubSecrets(text))
/** An NLL as the summary prints it (four decimals), or MISSING. */
const nll = (i18n: I18n, x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? MISSING : i18n.fmt.decimal(x, 4))

/** An error, main's English message under the catalogue's title where that is not the reader's language, and the fix. */
function failureLines(i18n: I18n, f: FailureText, indent = ''): string[] {
  const t = i18n.t.cli
  return [`${indent}${t.sft.failure(f.code, f.message)}`, ...(f.original ? [`${indent}${t.common.original(f.original).trimStart()}`] : []), `${indent}${t.sft.fix(f.fix)}`]
}

function progressPrinter(i18n: I18n, label: string) {
  const { t, fmt } = i18n
  const st = { step: 0, total: 0, train: null as number | null, test: null as number | null, eta: null as number | null, tps: null as number | null }
  const line = (): string => {
    const width = 24
    const filled = st.total ? Math.round((st.step / st.total) * width) : 0
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled)
    const progress = t.cli.sft.progress({
      step: st.step,
      total: st.total,
      train: nll(i18n, st.train),
      test: nll(i18n, st.test),
      throughput: st.tps === null ? null : fmt.int(st.tps),
      eta: st.eta === null ? null : fmt.duration(Math.ceil(st.eta)),
    })
    return `${label}[${bar}] ${progress}`
  }
  return (e: RunEvent): void => {
    switch (e.type) {
      case 'phase':
        // Training shows as the progress bar; an error as the error event, with its fix.
        if (e.phase !== 'training' && e.phase !== 'error')
          say(`${label}${t.cli.sft.phase(t.cli.sft.phases[e.phase], e.message && t.cli.mainMessagesReadable ? e.message : null)}`)
        return
      case 'progress':
        st.step = e.current
        st.total = e.total
        st.eta = e.etaS
        st.tps = e.tokensPerS
        if (isTty) process.stderr.write('\r\x1b[2K' + scrubSecrets(line()))
        else say(line())
        return
      case 'metric':
        st.train = e.trainNll
        return
      case 'eval':
        st.test = e.testNll
        say(`${label}${t.cli.sft.eval(e.step, nll(i18n, e.testNll), e.conversations)}`)
        return
      case 'checkpoint':
        say(`${label}${t.cli.sft.checkpointSaved(labelOf(t.cli.sft.checkpointKind, e.kind) ?? e.kind, e.step, e.path)}`)
        return
      case 'error':
        failureLines(i18n, mainFailureText(e.code, e.message, i18n)).forEach((l, i) => say(`${label}${i ? '  ' : ''}${l}`))
        return
      default:
        return
    }
  }
}

// ── Server and dataset resolution ─────────────────────────────────────────────────────────────────────

type Cleanup = () => Promise<void> | void

async function resolveServer(
  i18n: I18n,
  args: Args,
  fromFile: ServerConfig | undefined,
  db: Db,
  cleanups: Cleanup[],
): Promise<{ server: ServerConfig; deps: RunDeps }> {
  const t = i18n.t.cli.sft
  const deps: RunDeps = { db }
  const useSandbox = async (why: string): Promise<ServerConfig> => {
    const sb = await startSandbox({ dataDir: sandboxDataDir() })
    cleanups.push(() => sb.close())
    say(t.sandboxStarted(why, sb.url, sandboxDataDir()))
    deps.sandbox = async () => ({ url: sb.url, apiKey: sb.apiKey })
    return { kind: 'sandbox' }
  }
  if (args.sandbox) return { server: await useSandbox(t.whyFlag), deps }
  if (typeof args.server === 'string') return { server: { kind: 'remote', url: args.server }, deps }
  if (fromFile?.kind === 'remote' && fromFile.url) return { server: fromFile, deps }
  if (fromFile?.kind === 'sandbox') return { server: await useSandbox(t.whyConfig), deps }
  const found = discoverServer()
  const source = labelOf(i18n.t.connect.sourceLabel, found.source) ?? found.source
  try {
    const client = createTuftClient({ url: found.url, retry: { maxAttempts: 1 }, requestTimeoutMs: 3_000 })
    try {
      await client.health()
    } finally {
      client.close()
    }
    say(t.usingServer(found.url, source))
    return { server: { kind: 'remote', url: found.url }, deps }
  } catch {
    return { server: await useSandbox(t.whyNoServer(found.url, source)), deps }
  }
}

const HUB_OFFLINE = new Set(['hf-unreachable', 'hf-timeout', 'download-interrupted', 'hf-not-found'])

async function resolveDataset(i18n: I18n, db: Db, spec: string | undefined, split: string | undefined): Promise<{ name: string; split?: string }> {
  const { t, fmt } = i18n
  const progress = (p: { phase: string; current: number; total: number }) => {
    if (isTty) process.stderr.write(`\r\x1b[2K${t.cli.sft.datasetProgress(labelOf(t.progressPhase, p.phase) ?? p.phase, p.current, p.total)}`)
  }
  if (spec && fs.existsSync(spec) && fs.statSync(spec).isFile()) {
    const r = await importDataset(db, { kind: 'file', path: path.resolve(spec), ...(split ? { split } : {}) }, { onProgress: progress })
    say(t.cli.sft.datasetFromFile(r.name, fmt.list(r.splits.map((s) => t.cli.sft.fileSplit(s.split, s.rows))), path.resolve(spec)))
    return { name: r.name, split: split ?? r.splits[0].split }
  }
  if (spec && getDataset(db, spec) && !spec.includes('/')) return { name: spec, ...(split ? { split } : {}) }
  if (spec === BUNDLED_DATASET_NAME) {
    const r = await importDataset(db, { kind: 'file', path: bundledDatasetPath() }, { name: BUNDLED_DATASET_NAME })
    return { name: r.name }
  }
  const repo = spec ?? DEFAULT_HUB_DATASET
  try {
    const r = await importDataset(db, { kind: 'hub', repo }, { onProgress: progress })
    say(t.cli.sft.datasetFromHub(r.name, fmt.list(r.splits.map((s) => t.cli.sft.hubSplit(s.split, s.rows))), r.fromCache))
    return { name: r.name, ...(split ? { split } : {}) }
  } catch (err) {
    const code = asStudioError(err).code
    if (spec || !HUB_OFFLINE.has(code)) throw err
    const file = bundledDatasetPath()
    say(t.cli.sft.cannotDownload(repo, code, (err as Error).message))
    say(t.cli.sft.fallback(file, repo))
    const r = await importDataset(db, { kind: 'file', path: file }, { name: BUNDLED_DATASET_NAME })
    return { name: r.name }
  }
}

// ── Summaries ─────────────────────────────────────────────────────────────────────────────────────────

type RunSummaryJson = {
  run_id: string
  status: string
  steps: number
  train_nll: [number, number][]
  test_nll: [number, number][]
  checkpoints: { step: number; kind: string; name: string; path: string }[]
  best: { step: number; test_nll: number } | null
  verdict: 'fine' | 'overfit' | 'diverged' | 'too-slow'
  best_checkpoint: string | null
  epochs: number | null
  eval_conversations: number
}

/**
 * The run as stored, with the runner's final word on its status: when the store could not take that (a full
 * disk), the row still says "running" while the run is over.
 */
function finalRun(db: Db, runId: string, final?: RunSummaryDto): RunDetailDto {
  const d = getRun(db, runId)
  if (!final || final.status === d.status) return d
  return { ...d, status: final.status, error: final.error, resumable: final.status === 'interrupted' && d.step < d.totalSteps }
}

function runSummaryJson(db: Db, runId: string, final?: RunSummaryDto): RunSummaryJson {
  const d = finalRun(db, runId, final)
  const m = getRunMetrics(db, runId)
  return {
    run_id: runId,
    status: d.status,
    steps: d.step,
    train_nll: m.trainNll,
    test_nll: m.testNll,
    checkpoints: getCheckpoints(db, runId).map((c) => ({ step: c.step, kind: c.kind, name: c.name, path: c.path })),
    best: d.judgement.best ? { step: d.judgement.best.step, test_nll: d.judgement.best.testNll } : null,
    verdict: d.judgement.verdict,
    best_checkpoint: d.bestCheckpoint?.path ?? null,
    epochs: d.epochs,
    eval_conversations: d.evalPlan?.conversations ?? 0,
  }
}

/** The guide's reading of the curves, in the terminal's language. */
function judgementLines(i18n: I18n, d: RunDetailDto): string[] {
  const { t, fmt: f } = i18n
  const s = t.cli.sft
  const j = d.judgement
  const out: string[] = []
  if (d.evalPlan) {
    const evalSet = t.judge.evalSet({ ...d.evalPlan, split: d.data?.evalSplit ?? null })
    out.push(`  ${d.evalPlan.tooSmall ? s.withCaveat(evalSet, t.judge.evalTooSmall) : evalSet}`)
  }
  if (d.epochs !== null) out.push(`  ${t.judge.epochs(d.epochs)}`)
  if (j.best) {
    const best = t.judge.best(j.best.step, f.nll(j.best.testNll))
    out.push(`  ${d.bestCheckpoint ? s.withPath(best, d.bestCheckpoint.path) : best}`)
  }
  if (d.earlyStopped && j.best) out.push(`  ${t.judge.earlyStopped(d.step, j.best.step)}`)
  const note =
    j.verdict === 'overfit' && j.best
      ? t.judge.note.overfit({ rise: j.riseAboveBest ?? 0, best: f.nll(j.best.testNll), bestStep: j.best.step })
      : j.verdict === 'diverged'
        ? t.judge.note.diverged
        : j.verdict === 'too-slow'
          ? t.judge.note.tooSlow(j.lateDrop ?? 0)
          : j.best
            ? t.judge.note.fine(f.nll(j.best.testNll), j.best.step)
            : null
  if (note) out.push(t.cli.sft.summary.verdict(j.verdict, note))
  return out
}

/** Writes the reproduction script and the exact datums it reads into `dir`. */
async function exportScript(i18n: I18n, db: Db, runId: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true })
  for (const kind of ['python', 'datums'] as const) {
    const e = await exportRun(db, runId, kind)
    fs.writeFileSync(path.join(dir, e.filename), e.content)
    say(i18n.t.cli.sft.wrote(path.join(dir, e.filename)))
  }
}

function printRunSummary(i18n: I18n, db: Db, runId: string, final?: RunSummaryDto): void {
  const { t, fmt } = i18n
  const s = t.cli.sft.summary
  const d = finalRun(db, runId, final)
  const out = [
    s.head({ id: d.id, name: d.name, status: labelOf(t.history.status, d.status) ?? d.status, step: d.step, total: d.totalSteps }),
    s.setup({ model: d.config.baseModel ?? t.cli.sft.serverDefault, rank: d.rank, lr: fmt.lr(d.learningRate), dataset: d.dataset }) +
      (d.data ? s.data({ train: d.data.trainExamples, eval: d.data.evalExamples, from: s.evalFrom(d.data.evalSource, d.data.evalSplit ?? null) }) : ''),
    s.curves({
      firstTrain: nll(i18n, d.metrics[0]?.trainNll),
      lastTrain: nll(i18n, d.finalTrainNll),
      firstTest: nll(i18n, d.evals[0]?.testNll),
      firstTestStep: d.evals[0] ? fmt.int(d.evals[0].step) : MISSING,
      lastTest: nll(i18n, d.finalTestNll),
      bestTest: nll(i18n, d.bestTestNll),
    }),
  ]
  out.push(...judgementLines(i18n, d))
  const last = d.checkpoints.filter((c) => c.kind === 'sampler').at(-1) ?? d.checkpoints.at(-1)
  if (last) out.push(s.checkpoint(last.path))
  if (d.error) out.push(...failureLines(i18n, mainFailureText(d.error.code, d.error.message, i18n), '  '))
  if (d.resumable) out.push(s.resume(d.id))
  print(out.join('\n') + '\n')
}

/** The key for a remote server from --api-key-file, --api-key, TINKER_API_KEY or a hidden prompt (see api-key.ts). */
function keyFor(args: Args, url: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const tty = process.stdin.isTTY === true && isTty
  return cliApiKey(url ?? discoverServer().url, {
    flag: typeof args['api-key'] === 'string' ? args['api-key'] : undefined,
    file: typeof args['api-key-file'] === 'string' ? args['api-key-file'] : undefined,
    env,
    tty: tty ? { input: process.stdin, output: process.stderr } : null,
    warn: say,
  })
}

function printSweepTable(i18n: I18n, s: SweepSummaryDto): void {
  const { t, fmt } = i18n
  const w = t.cli.sft.sweep
  // Column widths in terminal cells (a Chinese heading takes two per character).
  const widths = [5, 9, 10, 11, 17, 11, 10].map((min, i) => Math.max(min, displayWidth(w.columns[i]) + 1))
  const row = (cells: string[]): string => `  ${cells.map((c, i) => (i < widths.length ? padCells(c, widths[i]) : c)).join(' ')}`.trimEnd()
  const rows = [w.head({ id: s.id, name: s.name, concurrency: s.concurrency, observed: s.maxConcurrentObserved }), row(w.columns)]
  const note = (c: SweepSummaryDto['cells'][number]): string =>
    t.cli.mainMessagesReadable ? (c.note ?? '') : c.verdict ? t.judge.cell({ verdict: c.verdict, bestStep: c.bestStep }) : c.status === 'completed' ? '' : (labelOf(t.history.status, c.status) ?? c.status)
  for (const c of s.cells)
    rows.push(
      row([
        String(c.rank),
        fmt.lr(c.learningRate),
        labelOf(t.history.status, c.status) ?? c.status,
        nll(i18n, c.finalTestNll),
        `${nll(i18n, c.bestTestNll)} (${c.bestStep ?? MISSING})`,
        nll(i18n, c.trainMeanNll),
        c.verdict ? t.judge.verdict[c.verdict] : '',
        note(c),
      ]),
    )
  const r = s.recommendation
  if (r) {
    rows.push(t.judge.recommend({ rank: r.rank, lr: fmt.lr(r.learningRate), stopStep: r.stopStep, best: fmt.nll(r.bestTestNll) }))
    if (t.cli.mainMessagesReadable) rows.push(`  ${r.reason}`)
    else {
      const others = s.cells.filter((c) => c.runId !== r.runId && c.verdict !== null && c.verdict !== 'fine')
      if (others.length) rows.push(`  ${others.map((c) => w.other(c.rank, fmt.lr(c.learningRate), note(c))).join('；')}`)
    }
    if (r.checkpoint) rows.push(t.cli.sft.summary.checkpoint(r.checkpoint))
  } else rows.push(s.finished < s.total ? w.none(t.judge.sweepProgress(s.finished, s.total)) : w.noneCompleted)
  print(rows.join('\n') + '\n')
}

// ── Main ──────────────────────────────────────────────────────────────────────────────────────────────

async function run(argv: string[], env: NodeJS.ProcessEnv, i18n: I18n): Promise<number> {
  const { t, fmt } = i18n
  const args = parseArgs(argv, i18n)
  if (args.help) {
    print(t.cli.sft.help)
    return 0
  }
  registerSecret(env.TINKER_API_KEY)
  registerSecret(env.HF_TOKEN)
  const db = openDb()
  const cleanups: Cleanup[] = [() => void db.close()]
  let handle: RunHandle | null = null
  let interrupted = 0
  const onSigint = (): void => {
    interrupted++
    if (!handle) process.exit(130)
    if (interrupted === 1) {
      say(t.cli.sft.stopping)
      handle.stop()
    } else handle.cancel()
  }
  process.on('SIGINT', onSigint)
  const n = (flag: string): number | undefined => num(i18n, args, flag)
  try {
    const marked = recoverInterruptedRuns(db)
    if (marked.length) say(t.cli.sft.marked(marked))
    const summaryFile = typeof args['summary-json'] === 'string' ? args['summary-json'] : undefined
    const fileConfig = typeof args.config === 'string' ? readConfigFile(args.config, i18n) : {}
    const exportDir = typeof args['export-script'] === 'string' ? path.resolve(args['export-script']) : undefined

    if (typeof args.resume === 'string') {
      const prev = getRun(db, args.resume)
      const { server, deps } = await resolveServer(i18n, args, prev.config.server, db, cleanups)
      if (server.kind === 'remote') deps.apiKey = await keyFor(args, server.url, env)
      const overrides = {
        ...(n('max-length') !== undefined ? { maxLength: n('max-length') } : {}),
        ...(n('batch-size') !== undefined ? { batchSize: n('batch-size') } : {}),
        ...(n('rank') !== undefined ? { rank: n('rank') } : {}),
        ...(n('lr') !== undefined ? { learningRate: n('lr') } : {}),
      }
      say(t.cli.sft.resuming({ id: prev.id, name: prev.name, status: labelOf(t.history.status, prev.status) ?? prev.status, step: prev.step, total: prev.totalSteps }))
      handle = resumeRun(deps, args.resume, { overrides, onEvent: progressPrinter(i18n, '') })
      if (handle.runId !== args.resume) say(t.cli.sft.forked({ savedRank: prev.rank, rank: overrides.rank ?? prev.rank, newId: handle.runId, oldId: prev.id }))
      const final = await handle.done
      printRunSummary(i18n, db, handle.runId, final)
      if (summaryFile) fs.writeFileSync(summaryFile, JSON.stringify(runSummaryJson(db, handle.runId, final), null, 2) + '\n')
      if (exportDir) await exportScript(i18n, db, handle.runId, exportDir)
      return final.status === 'completed' ? 0 : 1
    }

    const resolved = await resolveServer(i18n, args, fileConfig.server as ServerConfig | undefined, db, cleanups)
    let server = resolved.server
    const deps = resolved.deps
    // A key from the command line wins over one in --config; with neither, TINKER_API_KEY or a prompt.
    if (server.kind === 'remote' && (!server.apiKey || args['api-key'] !== undefined || args['api-key-file'] !== undefined)) {
      const apiKey = await keyFor(args, server.url, env)
      if (apiKey) server = { ...server, apiKey }
    }
    const fileDataset = fileConfig.dataset as { name?: string; split?: string } | undefined
    const dataset = await resolveDataset(
      i18n,
      db,
      typeof args.dataset === 'string' ? args.dataset : fileDataset?.name,
      typeof args.split === 'string' ? args.split : fileDataset?.split,
    )
    const flags: Record<string, unknown> = {
      baseModel: args.model,
      tokenizer: typeof args.tokenizer === 'string' ? path.resolve(args.tokenizer) : undefined,
      rank: n('rank'),
      learningRate: n('lr'),
      batchSize: n('batch-size'),
      maxLength: n('max-length'),
      steps: n('steps'),
      epochs: n('epochs'),
      evalEvery: n('eval-every'),
      evalSetSize: n('eval-set-size'),
      checkpointEvery: n('checkpoint-every'),
      earlyStop: n('early-stop'),
      heldOutFraction: n('held-out-fraction'),
      keepCheckpoints: args['keep-checkpoints'],
      seed: n('seed'),
      trainOn: args['train-on'],
      name: args.name,
    }
    if (typeof args.tokenizer === 'string' && !fs.existsSync(args.tokenizer)) flags.tokenizer = args.tokenizer
    const config = {
      ...fileConfig,
      ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)),
      server,
      dataset: { ...(fileDataset ?? {}), name: dataset.name, ...(dataset.split ? { split: dataset.split } : {}) },
    } as RunConfigInput

    if (typeof args.sweep === 'string') {
      const { ranks, lrs } = parseSweep(args.sweep, i18n)
      const labels = new Map<string, string>()
      const sweep = startSweep(
        deps,
        { config, ranks, learningRates: lrs, concurrency: n('concurrency') },
        {
          onEvent: (e) => {
            if (e.type === 'metric' || e.type === 'progress') return
            const l = labels.get(e.runId) ?? `[${e.runId.slice(0, 8)}] `
            labels.set(e.runId, l)
            progressPrinter(i18n, l)(e)
          },
        },
      )
      say(t.cli.sft.sweepStarted(sweep.sweepId, fmt.list(ranks.map(String)), fmt.list(lrs.map(fmt.lr))))
      const summary = await sweep.done
      printSweepTable(i18n, summary)
      if (summaryFile)
        fs.writeFileSync(
          summaryFile,
          JSON.stringify(
            {
              sweep_id: summary.id,
              concurrency: summary.concurrency,
              max_concurrent: summary.maxConcurrentObserved,
              runs: summary.cells.map((c) => ({
                ...runSummaryJson(db, c.runId),
                rank: c.rank,
                learning_rate: c.learningRate,
                final_test_nll: c.finalTestNll,
                best_test_nll: c.bestTestNll,
                train_mean_nll: c.trainMeanNll,
                note: c.note,
              })),
              recommendation: summary.recommendation
                ? {
                    run_id: summary.recommendation.runId,
                    rank: summary.recommendation.rank,
                    learning_rate: summary.recommendation.learningRate,
                    reason: summary.recommendation.reason,
                    stop_step: summary.recommendation.stopStep,
                    checkpoint: summary.recommendation.checkpoint,
                  }
                : null,
            },
            null,
            2,
          ) + '\n',
        )
      if (exportDir)
        for (const c of summary.cells) await exportScript(i18n, db, c.runId, path.join(exportDir, `rank${c.rank}-lr${c.learningRate}`))
      return summary.cells.every((c) => c.status === 'completed') ? 0 : 1
    }

    handle = startRun(deps, config, { onEvent: progressPrinter(i18n, '') })
    say(t.cli.sft.runStarted(handle.runId))
    const final = await handle.done
    if (isTty) process.stderr.write('\n')
    printRunSummary(i18n, db, handle.runId, final)
    if (summaryFile) fs.writeFileSync(summaryFile, JSON.stringify(runSummaryJson(db, handle.runId, final), null, 2) + '\n')
    if (exportDir) await exportScript(i18n, db, handle.runId, exportDir)
    return final.status === 'completed' ? 0 : 1
  } finally {
    process.off('SIGINT', onSigint)
    for (const c of cleanups.reverse()) await c()
  }
}

/**
 * Runs `npm run sft` with these arguments and returns its exit status; failures are printed (what happened,
 * main's own message where the catalogue's words replace it, and the fix) in the language `env` names.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const i18n = cliI18n(env)
  try {
    return await run(argv, env, i18n)
  } catch (err) {
    const lines = failureLines(i18n, failureText(err, i18n))
    process.stderr.write(scrubSecrets(`\n${lines.join('\n')}\n`))
    return 1
  }
}

const isEntry = process.argv[1] && /sft-cli\.(ts|js|mjs)$/.test(process.argv[1])
if (isEntry) void main(process.argv.slice(2)).then((code) => process.exit(code))
