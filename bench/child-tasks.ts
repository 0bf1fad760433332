/**
 * Bench tasks run in a fresh process of their own (`runInChild` in child-process.ts), so a figure such as
 * peak RSS covers exactly what the app does for that task — import a file, load a tokenizer and tokenize
 * splits — and nothing the bench itself holds. The process and its worker threads share one RSS; no task
 * starts child processes of its own.
 */
import fs from 'node:fs'
import { importDataset } from '../src/main/core/datasets'
import { openDb } from '../src/main/core/store'
import { closeIdleWorkers, loadTokenizer, tokenizeSplit } from '../src/main/core/tokenize'
import type { TrainOn } from '../src/shared/datum'

export type ImportTask = { task: 'import'; dbFile: string; file: string; name: string }
export type TokenizeTask = {
  task: 'tokenize'
  tokenizer: string
  maxLength: number
  trainOn: TrainOn
  /** Tokenized in order; timings are per entry (the first one also starts the workers). */
  splits: { dbFile: string; dataset: string }[]
}
export type ChildTask = ImportTask | TokenizeTask

/** `cpuS`: CPU seconds of this process (every thread) during the step, which other programs' load barely moves. */
export type ImportResult = { seconds: number; cpuS: number; rows: number; rejected: number }
export type TokenizeResult = {
  /** Tokenizer load (transformers, main thread). */
  loadS: number
  splits: {
    dataset: string
    seconds: number
    cpuS: number
    conversations: number
    datums: number
    skipped: number
    tokens: number
  }[]
}

const seconds = (t: number): number => (performance.now() - t) / 1000
const cpuSeconds = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from)
  return (d.user + d.system) / 1e6
}

/**
 * Peak RSS in bytes of this process: its main thread and every worker thread share it. On Linux it is the
 * memory map's own high-water mark (VmHWM): getrusage's ru_maxrss also counts the parent's RSS at the
 * fork that started this process, which for a bench parent holding gigabytes would swamp the figure.
 */
function peakRss(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))
    if (hwm) return Number(hwm[1]) * 1024
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS * 1024
}

async function run(t: ChildTask): Promise<ImportResult | TokenizeResult> {
  if (t.task === 'import') {
    const db = openDb(t.dbFile)
    const start = performance.now()
    const cpu = process.cpuUsage()
    const r = await importDataset(db, { kind: 'file', path: t.file }, { name: t.name })
    const out = {
      seconds: seconds(start),
      cpuS: cpuSeconds(cpu),
      rows: r.splits.reduce((n, s) => n + s.rows, 0),
      rejected: r.splits.reduce((n, s) => n + s.rejected, 0),
    }
    db.close()
    return out
  }
  const dbs = new Map<string, ReturnType<typeof openDb>>()
  const dbOf = (file: string) => dbs.get(file) ?? dbs.set(file, openDb(file)).get(file)!
  let start = performance.now()
  const tok = await loadTokenizer(dbOf(t.splits[0].dbFile), { modelId: t.tokenizer })
  const loadS = seconds(start)
  const splits: TokenizeResult['splits'] = []
  for (const s of t.splits) {
    start = performance.now()
    const cpu = process.cpuUsage()
    const r = await tokenizeSplit(dbOf(s.dbFile), {
      dataset: s.dataset,
      tokenizer: tok,
      maxLength: t.maxLength,
      trainOn: t.trainOn,
    })
    if (r.fromCache) throw new Error(`${s.dataset} was already tokenized: the timing would be a cache hit`)
    splits.push({
      dataset: s.dataset,
      seconds: seconds(start),
      cpuS: cpuSeconds(cpu),
      conversations: r.conversations,
      datums: r.datumCount,
      skipped: r.skippedCount,
      tokens: r.stats.totalTokens,
    })
  }
  await closeIdleWorkers()
  for (const db of dbs.values()) db.close()
  return { loadS, splits }
}

const task = JSON.parse(process.argv[2]) as ChildTask
run(task).then(
  (result) => {
    const peakRssMb = peakRss() / 2 ** 20
    process.stdout.write(`BENCH_CHILD_RESULT ${JSON.stringify({ result, peakRssMb })}\n`)
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
    process.exit(1)
  },
)
