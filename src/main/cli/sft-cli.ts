/**
 * `npm run sft -- [options]`: the run engine without the app. Trains one run (or a rank × LR sweep) on a
 * TuFT server or the built-in sandbox, with a live progress line on stderr, writes everything to the same
 * SQLite store as the app (TUFT_STUDIO_HOME) and prints a summary. See HELP below.
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
import { asStudioError, StudioError } from '../../shared/result'
import { hintFor } from '../../shared/catalogue'
import { isErrorCode } from '../../shared/error-codes'
import type { RunConfigInput, RunDetailDto, RunEvent, RunSummaryDto, ServerConfig, SweepSummaryDto } from '../../shared/runs'
import { cliApiKey } from './api-key'
import { i18nFor, localeFromEnv } from '../../shared/i18n'

const HELP = `Usage: npm run sft -- [options]

  --config FILE            run config JSON (RunConfig keys; snake_case accepted); flags override it
  --server URL             TuFT server (else discovered: TUFT_ADDRESS, TINKER_BASE_URL, ~/.tuft/tuft_current_server,
                           http://127.0.0.1:10610; with none answering, the built-in sandbox starts in-process)
  --api-key-file FILE      read the API key for a remote server from FILE (its first line). Preferred, like
                           TINKER_API_KEY: a key given on the command line is echoed by npm and visible in ps.
                           With neither, a terminal asks for the key (input hidden)
  --api-key KEY            the API key on the command line: works, with a warning (prefer the two above)
  --sandbox                use the built-in sandbox (in-process, data in TUFT_STUDIO_HOME/sandbox)
  --dataset NAME|PATH      a dataset in the local store, a hub id, or a .jsonl/.json/.parquet file
                           (default HuggingFaceH4/no_robots, cached after the first download; HF_ENDPOINT for a
                           mirror; offline with nothing cached: the bundled sample-chat dataset)
  --split S                training split (default train)
  --model M                base model (default: the server's first model)
  --tokenizer DIR|ID       tokenizer folder (tokenizer.json + tokenizer_config.json) or model id
  --rank R  --lr LR  --batch-size B  --max-length N  --steps S  --epochs E
  --eval-every N  --eval-set-size N  --checkpoint-every N  --seed N  --train-on all-assistant|last-assistant|all
                           (no --steps/--epochs: 3 epochs of the conversations trained on, fewer for large datasets)
  --held-out-fraction F    share of the training split held out for test NLL when there is no test split (default 0.05)
  --early-stop PATIENCE    stop after PATIENCE evaluations without a new best test NLL (off by default; per cell in a sweep)
  --keep-checkpoints last-best|all   checkpoints kept on the server (default last-best: the last state, best and final weights)
  --export-script DIR      afterwards write a Python script that reproduces the run with the official tinker SDK and the
                           exact datums it reads (<name>-train.py, <name>-datums.jsonl; a folder per cell for a sweep)
  --name NAME              run name
  --sweep ranks=8,32 lrs=1e-4,1e-3   grid sweep (each cell a normal run)   --concurrency N (default 2)
  --resume RUN_ID          resume an interrupted/failed/stopped run (accepts --max-length, --batch-size, --rank, --lr)
  --summary-json FILE      write the summary as JSON: {"run_id", "status", "steps", "train_nll": [[step, value], …],
                           "test_nll": [[step, value], …], "checkpoints": [{"step", "kind", "name", "path"}, …],
                           "best": {"step", "test_nll"} | null, "verdict": "fine"|"overfit"|"diverged"|"too-slow",
                           "best_checkpoint": sampler path | null, "epochs", "eval_conversations"};
                           for a sweep {"sweep_id", "concurrency", "max_concurrent", "runs": [that object plus "rank",
                           "learning_rate", "final_test_nll", "best_test_nll", "train_mean_nll", "note"], "recommendation":
                           {"run_id", "rank", "learning_rate", "reason", "stop_step", "checkpoint"} | null}
  --help

Exit status: 0 when the run (every sweep cell) completed, 1 otherwise. Ctrl-C stops and saves; twice cancels.
`

type Args = Record<string, string | boolean>

const VALUE_FLAGS = new Set([
  'config', 'server', 'api-key', 'api-key-file', 'dataset', 'split', 'model', 'tokenizer', 'rank', 'lr', 'batch-size', 'max-length',
  'steps', 'epochs', 'eval-every', 'eval-set-size', 'checkpoint-every', 'seed', 'train-on', 'name', 'concurrency',
  'resume', 'summary-json', 'early-stop', 'export-script', 'keep-checkpoints', 'held-out-fraction',
])
const BOOL_FLAGS = new Set(['sandbox', 'help'])

function parseArgs(argv: string[]): Args {
  const out: Args = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) throw new StudioError('invalid-input', `Unexpected argument ${a} (see --help)`)
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
    if (!VALUE_FLAGS.has(flag)) throw new StudioError('invalid-input', `Unknown option --${flag} (see --help)`)
    const v = inline ?? argv[++i]
    if (v === undefined) throw new StudioError('invalid-input', `--${flag} needs a value`)
    out[flag] = v
  }
  return out
}

const num = (args: Args, flag: string): number | undefined => {
  const v = args[flag]
  if (v === undefined) return undefined
  const n = Number(v)
  if (typeof v !== 'string' || !Number.isFinite(n)) throw new StudioError('invalid-input', `--${flag} must be a number (got ${String(v)})`)
  return n
}

function parseSweep(spec: string): { ranks: number[]; lrs: number[] } {
  const m = /ranks=([\d,\s]+)/.exec(spec)
  const l = /lrs=([\d.eE+\-,\s]+)/.exec(spec)
  const list = (s: string | undefined) => (s ?? '').split(/[,\s]+/).filter(Boolean).map(Number)
  const ranks = list(m?.[1])
  const lrs = list(l?.[1])
  if (!ranks.length || !lrs.length || [...ranks, ...lrs].some((x) => !Number.isFinite(x) || x <= 0))
    throw new StudioError('invalid-input', `--sweep needs ranks=R1,R2 and lrs=LR1,LR2 (got "${spec}")`)
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
function readConfigFile(file: string): Record<string, unknown> {
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new StudioError('invalid-input', `Cannot read --config ${file}: ${(err as Error).message}`)
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
const fmt = (x: number | null | undefined, d = 4): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d))

function progressPrinter(label: string) {
  const st = { step: 0, total: 0, train: null as number | null, test: null as number | null, eta: null as number | null, tps: null as number | null }
  const line = (): string => {
    const width = 24
    const filled = st.total ? Math.round((st.step / st.total) * width) : 0
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled)
    const eta = st.eta === null ? '' : ` ETA ${Math.ceil(st.eta)}s`
    return `${label}[${bar}] ${st.step}/${st.total} train NLL ${fmt(st.train)} test NLL ${fmt(st.test)} ${st.tps === null ? '' : `${Math.round(st.tps)} tok/s`}${eta}`
  }
  return (e: RunEvent): void => {
    switch (e.type) {
      case 'phase':
        if (e.phase !== 'training') say(`${label}${e.phase}${e.message ? `: ${e.message}` : ''}`)
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
        say(`${label}step ${e.step}: test NLL ${fmt(e.testNll)} on ${e.conversations} held-out conversations`)
        return
      case 'checkpoint':
        say(`${label}saved ${e.kind} at step ${e.step}: ${e.path}`)
        return
      case 'error':
        say(`${label}error ${e.code}: ${e.message}`)
        if (isErrorCode(e.code)) say(`${label}  fix: ${hintFor(e.code).fix}`)
        return
      default:
        return
    }
  }
}

// ── Server and dataset resolution ─────────────────────────────────────────────────────────────────────

type Cleanup = () => Promise<void> | void

async function resolveServer(args: Args, fromFile: ServerConfig | undefined, db: Db, cleanups: Cleanup[]): Promise<{ server: ServerConfig; deps: RunDeps }> {
  const deps: RunDeps = { db }
  const useSandbox = async (why: string): Promise<ServerConfig> => {
    const sb = await startSandbox({ dataDir: sandboxDataDir() })
    cleanups.push(() => sb.close())
    say(`${why}: started the built-in sandbox in-process at ${sb.url} (data in ${sandboxDataDir()}).`)
    deps.sandbox = async () => ({ url: sb.url, apiKey: sb.apiKey })
    return { kind: 'sandbox' }
  }
  if (args.sandbox) return { server: await useSandbox('--sandbox'), deps }
  if (typeof args.server === 'string') return { server: { kind: 'remote', url: args.server }, deps }
  if (fromFile?.kind === 'remote' && fromFile.url) return { server: fromFile, deps }
  if (fromFile?.kind === 'sandbox') return { server: await useSandbox('config asks for the sandbox'), deps }
  const found = discoverServer()
  try {
    const client = createTuftClient({ url: found.url, retry: { maxAttempts: 1 }, requestTimeoutMs: 3_000 })
    try {
      await client.health()
    } finally {
      client.close()
    }
    say(`Using the TuFT server at ${found.url} (from ${found.source}).`)
    return { server: { kind: 'remote', url: found.url }, deps }
  } catch {
    return { server: await useSandbox(`No TuFT server answers at ${found.url} (${found.source})`), deps }
  }
}

const HUB_OFFLINE = new Set(['hf-unreachable', 'hf-timeout', 'download-interrupted', 'hf-not-found'])

async function resolveDataset(db: Db, spec: string | undefined, split: string | undefined): Promise<{ name: string; split?: string }> {
  const progress = (p: { phase: string; current: number; total: number }) => {
    if (isTty) process.stderr.write(`\r\x1b[2Kdataset: ${p.phase} ${p.current}/${p.total}`)
  }
  if (spec && fs.existsSync(spec) && fs.statSync(spec).isFile()) {
    const r = await importDataset(db, { kind: 'file', path: path.resolve(spec), ...(split ? { split } : {}) }, { onProgress: progress })
    say(`Dataset ${r.name}: imported ${r.splits.map((s) => `${s.split} ${s.rows} rows`).join(', ')} from ${path.resolve(spec)}.`)
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
    say(`Dataset ${r.name}: ${r.splits.map((s) => `${s.split} ${s.rows}`).join(', ')} rows${r.fromCache ? ' (local copy)' : ' (downloaded)'}.`)
    return { name: r.name, ...(split ? { split } : {}) }
  } catch (err) {
    const code = asStudioError(err).code
    if (spec || !HUB_OFFLINE.has(code)) throw err
    const file = bundledDatasetPath()
    say(`Cannot download ${repo} (${code}: ${(err as Error).message}) and no copy is cached.`)
    say(`Falling back to the small sample chat dataset bundled with TuFT Studio (${file}); set HF_ENDPOINT to a mirror for ${repo}.`)
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
const i18n = i18nFor(localeFromEnv(process.env))

function judgementLines(d: RunDetailDto): string[] {
  const { t, fmt: f } = i18n
  const j = d.judgement
  const out: string[] = []
  if (d.evalPlan) out.push(`  ${t.judge.evalSet({ ...d.evalPlan, split: d.data?.evalSplit ?? null })}${d.evalPlan.tooSmall ? ` — ${t.judge.evalTooSmall}` : ''}`)
  if (d.epochs !== null) out.push(`  ${t.judge.epochs(d.epochs)}`)
  if (j.best) out.push(`  ${t.judge.best(j.best.step, f.nll(j.best.testNll))}${d.bestCheckpoint ? `: ${d.bestCheckpoint.path}` : ''}`)
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
  if (note) out.push(`  ${j.verdict}: ${note}`)
  return out
}

/** Writes the reproduction script and the exact datums it reads into `dir`. */
async function exportScript(db: Db, runId: string, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true })
  for (const kind of ['python', 'datums'] as const) {
    const e = await exportRun(db, runId, kind)
    fs.writeFileSync(path.join(dir, e.filename), e.content)
    say(`wrote ${path.join(dir, e.filename)}`)
  }
}

function printRunSummary(db: Db, runId: string, final?: RunSummaryDto): void {
  const d = finalRun(db, runId, final)
  const out = [
    `run ${d.id} "${d.name}": ${d.status} at step ${d.step}/${d.totalSteps}`,
    `  model ${d.baseModel}, rank ${d.rank}, lr ${d.learningRate}, dataset ${d.dataset}` +
      (d.data ? ` (${d.data.trainExamples} train, ${d.data.evalExamples} eval from ${d.data.evalSource === 'split' ? `split ${d.data.evalSplit}` : d.data.evalSource})` : ''),
    `  train NLL ${fmt(d.metrics[0]?.trainNll)} → ${fmt(d.finalTrainNll)}; test NLL ${fmt(d.evals[0]?.testNll)} (step ${d.evals[0]?.step ?? '—'}) → ${fmt(d.finalTestNll)} (best ${fmt(d.bestTestNll)})`,
  ]
  out.push(...judgementLines(d))
  const last = d.checkpoints.filter((c) => c.kind === 'sampler').at(-1) ?? d.checkpoints.at(-1)
  if (last) out.push(`  checkpoint: ${last.path}`)
  if (d.error) out.push(`  error ${d.error.code}: ${d.error.message}`, `  fix: ${hintFor(d.error.code).fix}`)
  if (d.resumable) out.push(`  resume: npm run sft -- --resume ${d.id}`)
  print(out.join('\n') + '\n')
}

/** The key for a remote server from --api-key-file, --api-key, TINKER_API_KEY or a hidden prompt (see api-key.ts). */
function keyFor(args: Args, url: string | undefined): Promise<string | undefined> {
  const tty = process.stdin.isTTY === true && isTty
  return cliApiKey(url ?? discoverServer().url, {
    flag: typeof args['api-key'] === 'string' ? args['api-key'] : undefined,
    file: typeof args['api-key-file'] === 'string' ? args['api-key-file'] : undefined,
    env: process.env,
    tty: tty ? { input: process.stdin, output: process.stderr } : null,
    warn: say,
  })
}

function printSweepTable(s: SweepSummaryDto): void {
  const rows = [`sweep ${s.id} "${s.name}" (concurrency ${s.concurrency}, max observed ${s.maxConcurrentObserved})`, '  rank  lr        status     final test  best test (step)  train mean  verdict    note']
  for (const c of s.cells)
    rows.push(
      `  ${String(c.rank).padEnd(5)} ${String(c.learningRate).padEnd(9)} ${c.status.padEnd(10)} ${fmt(c.finalTestNll).padEnd(11)} ${`${fmt(c.bestTestNll)} (${c.bestStep ?? '—'})`.padEnd(17)} ${fmt(c.trainMeanNll).padEnd(11)} ${(c.verdict ?? '').padEnd(10)} ${c.note ?? ''}`,
    )
  const r = s.recommendation
  if (r) {
    rows.push(i18n.t.judge.recommend({ rank: r.rank, lr: i18n.fmt.lr(r.learningRate), stopStep: r.stopStep, best: i18n.fmt.nll(r.bestTestNll) }))
    rows.push(`  ${r.reason}`)
    if (r.checkpoint) rows.push(`  checkpoint: ${r.checkpoint}`)
  } else rows.push(s.finished < s.total ? `recommended: none — ${i18n.t.judge.sweepProgress(s.finished, s.total)}` : 'recommended: none (no completed cell without divergence)')
  print(rows.join('\n') + '\n')
}

// ── Main ──────────────────────────────────────────────────────────────────────────────────────────────

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv)
  if (args.help) {
    print(HELP)
    return 0
  }
  registerSecret(process.env.TINKER_API_KEY)
  registerSecret(process.env.HF_TOKEN)
  const db = openDb()
  const cleanups: Cleanup[] = [() => void db.close()]
  let handle: RunHandle | null = null
  let interrupted = 0
  const onSigint = (): void => {
    interrupted++
    if (!handle) process.exit(130)
    if (interrupted === 1) {
      say('Stopping after the steps in flight and saving (Ctrl-C again to cancel without saving)…')
      handle.stop()
    } else handle.cancel()
  }
  process.on('SIGINT', onSigint)
  try {
    const marked = recoverInterruptedRuns(db)
    if (marked.length) say(`Marked ${marked.length} run(s) left running by a stopped process as interrupted: ${marked.join(', ')}`)
    const summaryFile = typeof args['summary-json'] === 'string' ? args['summary-json'] : undefined
    const fileConfig = typeof args.config === 'string' ? readConfigFile(args.config) : {}
    const exportDir = typeof args['export-script'] === 'string' ? path.resolve(args['export-script']) : undefined

    if (typeof args.resume === 'string') {
      const prev = getRun(db, args.resume)
      const { server, deps } = await resolveServer(args, prev.config.server, db, cleanups)
      if (server.kind === 'remote') deps.apiKey = await keyFor(args, server.url)
      const overrides = {
        ...(num(args, 'max-length') !== undefined ? { maxLength: num(args, 'max-length') } : {}),
        ...(num(args, 'batch-size') !== undefined ? { batchSize: num(args, 'batch-size') } : {}),
        ...(num(args, 'rank') !== undefined ? { rank: num(args, 'rank') } : {}),
        ...(num(args, 'lr') !== undefined ? { learningRate: num(args, 'lr') } : {}),
      }
      say(`Resuming run ${prev.id} "${prev.name}" (${prev.status} at step ${prev.step}/${prev.totalSteps}).`)
      handle = resumeRun(deps, args.resume, { overrides, onEvent: progressPrinter('') })
      if (handle.runId !== args.resume)
        say(`The saved LoRA weights have rank ${prev.rank}, so rank ${overrides.rank} starts a new run ${handle.runId} (run ${prev.id} is kept).`)
      const final = await handle.done
      printRunSummary(db, handle.runId, final)
      if (summaryFile) fs.writeFileSync(summaryFile, JSON.stringify(runSummaryJson(db, handle.runId, final), null, 2) + '\n')
      if (exportDir) await exportScript(db, handle.runId, exportDir)
      return final.status === 'completed' ? 0 : 1
    }

    const resolved = await resolveServer(args, fileConfig.server as ServerConfig | undefined, db, cleanups)
    let server = resolved.server
    const deps = resolved.deps
    // A key from the command line wins over one in --config; with neither, TINKER_API_KEY or a prompt.
    if (server.kind === 'remote' && (!server.apiKey || args['api-key'] !== undefined || args['api-key-file'] !== undefined)) {
      const apiKey = await keyFor(args, server.url)
      if (apiKey) server = { ...server, apiKey }
    }
    const fileDataset = fileConfig.dataset as { name?: string; split?: string } | undefined
    const dataset = await resolveDataset(
      db,
      typeof args.dataset === 'string' ? args.dataset : fileDataset?.name,
      typeof args.split === 'string' ? args.split : fileDataset?.split,
    )
    const flags: Record<string, unknown> = {
      baseModel: args.model,
      tokenizer: typeof args.tokenizer === 'string' ? path.resolve(args.tokenizer) : undefined,
      rank: num(args, 'rank'),
      learningRate: num(args, 'lr'),
      batchSize: num(args, 'batch-size'),
      maxLength: num(args, 'max-length'),
      steps: num(args, 'steps'),
      epochs: num(args, 'epochs'),
      evalEvery: num(args, 'eval-every'),
      evalSetSize: num(args, 'eval-set-size'),
      checkpointEvery: num(args, 'checkpoint-every'),
      earlyStop: num(args, 'early-stop'),
      heldOutFraction: num(args, 'held-out-fraction'),
      keepCheckpoints: args['keep-checkpoints'],
      seed: num(args, 'seed'),
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
      const { ranks, lrs } = parseSweep(args.sweep)
      const labels = new Map<string, string>()
      const sweep = startSweep(
        deps,
        { config, ranks, learningRates: lrs, concurrency: num(args, 'concurrency') },
        {
          onEvent: (e) => {
            if (e.type === 'metric' || e.type === 'progress') return
            const l = labels.get(e.runId) ?? `[${e.runId.slice(0, 8)}] `
            labels.set(e.runId, l)
            progressPrinter(l)(e)
          },
        },
      )
      say(`Sweep ${sweep.sweepId}: ranks ${ranks.join(', ')} × lrs ${lrs.join(', ')}.`)
      const summary = await sweep.done
      printSweepTable(summary)
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
        for (const c of summary.cells) await exportScript(db, c.runId, path.join(exportDir, `rank${c.rank}-lr${c.learningRate}`))
      return summary.cells.every((c) => c.status === 'completed') ? 0 : 1
    }

    handle = startRun(deps, config, { onEvent: progressPrinter('') })
    say(`Run ${handle.runId} started (Ctrl-C stops and saves).`)
    const final = await handle.done
    if (isTty) process.stderr.write('\n')
    printRunSummary(db, handle.runId, final)
    if (summaryFile) fs.writeFileSync(summaryFile, JSON.stringify(runSummaryJson(db, handle.runId, final), null, 2) + '\n')
    if (exportDir) await exportScript(db, handle.runId, exportDir)
    return final.status === 'completed' ? 0 : 1
  } finally {
    process.off('SIGINT', onSigint)
    for (const c of cleanups.reverse()) await c()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = asStudioError(err)
    process.stderr.write(scrubSecrets(`\nerror ${e.code}: ${e.message}\n`))
    process.stderr.write(`fix: ${hintFor(e.code).fix}\n`)
    process.exit(1)
  },
)
