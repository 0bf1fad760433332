/**
 * `npm run bench -- --only scale [--json F]` (not in the default run: it takes several minutes).
 *
 * A 200,000-conversation chat dataset written here from the fixture conversations (no_robots' 500, or the bundled sample on a lone clone), each copy
 * made unique (its user turns are tagged with the row number, so no two rows are equal), as JSON Lines and
 * as parquet (row groups of 10,000). Each step runs in a fresh process (child-tasks.ts), so its peak RSS is
 * the app's own for that step, worker threads included:
 *  - import the JSON Lines file and the parquet file (the dataset module's import, whatever it is today);
 *  - tokenize to datums (built-in Qwen3-4B-Instruct-2507, max length 2048, all assistant turns): 1,000
 *    rows first (starts the workers), then 20,000, 200,000 and 20,000 rows again, each from its own store.
 *    The 20k figures (import and tokenization) are the mean of one run before and one after the 200k run,
 *    so load from other programs that drifts during the long run biases neither side of the ratio;
 *  - a sandbox training step (batch 8) drawing its batch from the 200,000-row store, against the same step
 *    drawing the same conversations from the 1,000-row store, alternated so machine load hits both alike.
 * Figures: scale_rows, scale_import_s (the slower of the two 200k imports), scale_import_jsonl_s,
 * scale_import_parquet_s, scale_datums_s, scale_peak_rss_mb (every step), scale_import_peak_rss_mb,
 * scale_datums_peak_rss_mb, scale_cost_ratio (seconds per conversation to import from JSON Lines and
 * tokenize, 200k ÷ 20k), scale_import_cost_ratio, scale_datums_cost_ratio, scale_cpu_cost_ratio (the same
 * in CPU seconds of the working process, all threads: what other programs' load on the machine barely moves,
 * so it shows whether the cost itself grows faster than the data), scale_db_mb (the 200k store after
 * import + tokenization), scale_train_step_ms, scale_train_step_1k_ms, scale_train_step_ratio,
 * scale_batch_read_ms. Targets: scale_peak_rss_mb ≤ 1,000, scale_cost_ratio ≤ 1.3, step ratio within 10%.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ParquetWriter, fileWriter } from 'hyparquet-writer'
import type { BenchFigures, BenchModule } from './index'
import { runInChild } from './child-process'
import { withScratchHome } from './repeated-fixture'
import { openDb } from '../src/main/core/store'
import { closeIdleWorkers, loadTokenizer, tokenizeSplit } from '../src/main/core/tokenize'
import { createTuftClient } from '../src/main/core/tuft'
import { BatchStream, seededRandom } from '../src/main/core/runs/data'
import { SANDBOX_MODEL, startSandbox } from '../src/sandbox'
import { readChatRows } from '../tests/helpers/fixtures'
import { CHAT_PARQUET_SCHEMA, QWEN_ID } from '../tests/helpers/hub-mirror'

const ROWS = 200_000
const SMALL = 20_000
const TINY = 1_000
const BLOCK = 10_000
const MAX_LENGTH = 2048
const BATCH = 8
const STEPS = 12

type Row = { messages: { role: string; content: string }[] }

/** Row i: fixture conversation (i·7919 mod the fixture's size) with its user turns tagged `[i]`, so every row is distinct. */
function rowsAt(fixture: Row[], from: number, to: number): Row[] {
  const out: Row[] = []
  for (let i = from; i < to; i++) {
    const base = fixture[(i * 7919) % fixture.length]
    out.push({
      messages: base.messages.map((m) =>
        m.role === 'user' ? { role: m.role, content: `[${i}] ${m.content}` } : m,
      ),
    })
  }
  return out
}

function writeJsonl(file: string, fixture: Row[], n: number): void {
  const fd = fs.openSync(file, 'w')
  for (let from = 0; from < n; from += BLOCK)
    fs.writeSync(
      fd,
      rowsAt(fixture, from, Math.min(n, from + BLOCK))
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    )
  fs.closeSync(fd)
}

function writeParquet(file: string, fixture: Row[], n: number): void {
  const writer = new ParquetWriter({ writer: fileWriter(file), schema: CHAT_PARQUET_SCHEMA })
  for (let from = 0; from < n; from += BLOCK) {
    const rows = rowsAt(fixture, from, Math.min(n, from + BLOCK))
    const prompts = rows.map((r) => r.messages.find((m) => m.role === 'user')?.content ?? '')
    writer.write({
      rowGroupSize: BLOCK,
      columnData: [
        { name: 'prompt', data: prompts },
        { name: 'prompt_id', data: rows.map((_, i) => `row-${from + i}`) },
        {
          name: 'messages',
          data: rows.map((r) => r.messages.map((m) => ({ content: m.content, role: m.role }))),
        },
      ],
    })
  }
  writer.finish()
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const mb = (bytes: number): number => bytes / 2 ** 20
const fileMb = (file: string): number =>
  mb([file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0))

export const bench: BenchModule = {
  name: 'scale',
  defaultRun: false,
  async run(log) {
    return withScratchHome('scale-bench-', (dir) => measure(dir, log).finally(() => closeIdleWorkers()))
  },
}

async function measure(dir: string, log: (line: string) => void): Promise<BenchFigures> {
  const fixture = readChatRows()
  const file = (name: string) => path.join(dir, name)
  const t = performance.now()
  writeJsonl(file('chat-200k.jsonl'), fixture, ROWS)
  writeJsonl(file('chat-20k.jsonl'), fixture, SMALL)
  writeJsonl(file('chat-1k.jsonl'), fixture, TINY)
  writeParquet(file('chat-200k.parquet'), fixture, ROWS)
  log(
    `generated ${ROWS} conversations: ${mb(fs.statSync(file('chat-200k.jsonl')).size).toFixed(0)} MB JSON Lines, ` +
      `${mb(fs.statSync(file('chat-200k.parquet')).size).toFixed(0)} MB parquet (${((performance.now() - t) / 1000).toFixed(1)} s)`,
  )

  const stores = {
    big: file('big.sqlite'),
    parquet: file('parquet.sqlite'),
    small: file('small.sqlite'),
    smallAfter: file('small-after.sqlite'),
    tiny: file('tiny.sqlite'),
  }
  const imp = async (dbFile: string, source: string, name: string) => {
    const r = await runInChild({ task: 'import', dbFile, file: source, name }, dir)
    log(
      `import ${path.basename(source)}: ${r.result.rows} rows in ${r.result.seconds.toFixed(1)} s (${r.result.cpuS.toFixed(1)} CPU s), peak RSS ${r.peakRssMb.toFixed(0)} MB`,
    )
    if (r.result.rejected) throw new Error(`${r.result.rejected} generated rows were rejected`)
    return r
  }
  await imp(stores.tiny, file('chat-1k.jsonl'), 'chat')
  const small = await imp(stores.small, file('chat-20k.jsonl'), 'chat')
  const jsonl = await imp(stores.big, file('chat-200k.jsonl'), 'chat')
  const parquet = await imp(stores.parquet, file('chat-200k.parquet'), 'chat')
  const smallAfter = await imp(stores.smallAfter, file('chat-20k.jsonl'), 'chat')
  if (jsonl.result.rows !== ROWS || parquet.result.rows !== ROWS || small.result.rows !== SMALL)
    throw new Error('row counts differ')
  const import20kS = (small.result.seconds + smallAfter.result.seconds) / 2
  const import20kCpuS = (small.result.cpuS + smallAfter.result.cpuS) / 2

  const tok = await runInChild(
    {
      task: 'tokenize',
      tokenizer: QWEN_ID,
      maxLength: MAX_LENGTH,
      trainOn: 'all-assistant',
      splits: [stores.tiny, stores.small, stores.big, stores.smallAfter].map((dbFile) => ({
        dbFile,
        dataset: 'chat',
      })),
    },
    dir,
  )
  const [, tok20k, tok200k, tok20kAfter] = tok.result.splits
  const datums20kS = (tok20k.seconds + tok20kAfter.seconds) / 2
  const datums20kCpuS = (tok20k.cpuS + tok20kAfter.cpuS) / 2
  for (const s of tok.result.splits)
    log(
      `tokenize ${s.conversations} conversations → ${s.datums} datums (${s.skipped} skipped), ${s.tokens} tokens, ${s.cpuS.toFixed(1)} CPU s, in ` +
        `${s.seconds.toFixed(1)} s (${(s.conversations / s.seconds).toFixed(0)} conversations/s)`,
    )
  log(
    `tokenize process peak RSS ${tok.peakRssMb.toFixed(0)} MB (tokenizer load ${tok.result.loadS.toFixed(1)} s)`,
  )
  const dbMb = fileMb(stores.big)
  log(`200k store after import + tokenization: ${dbMb.toFixed(0)} MB`)

  const step = await trainSteps(dir, stores.big, stores.tiny, log)

  const perConv = (s: number, n: number) => s / n
  const importPeak = Math.max(jsonl.peakRssMb, parquet.peakRssMb, small.peakRssMb, smallAfter.peakRssMb)
  return {
    scale_rows: ROWS,
    scale_import_s: Math.max(jsonl.result.seconds, parquet.result.seconds),
    scale_import_jsonl_s: jsonl.result.seconds,
    scale_import_parquet_s: parquet.result.seconds,
    scale_datums_s: tok200k.seconds,
    scale_peak_rss_mb: Math.max(importPeak, tok.peakRssMb),
    scale_import_peak_rss_mb: importPeak,
    scale_datums_peak_rss_mb: tok.peakRssMb,
    scale_cost_ratio:
      perConv(jsonl.result.seconds + tok200k.seconds, ROWS) / perConv(import20kS + datums20kS, SMALL),
    scale_import_cost_ratio: perConv(jsonl.result.seconds, ROWS) / perConv(import20kS, SMALL),
    scale_datums_cost_ratio: perConv(tok200k.seconds, ROWS) / perConv(datums20kS, SMALL),
    scale_cpu_cost_ratio:
      perConv(jsonl.result.cpuS + tok200k.cpuS, ROWS) / perConv(import20kCpuS + datums20kCpuS, SMALL),
    scale_db_mb: dbMb,
    scale_train_step_ms: step.bigMs,
    scale_train_step_1k_ms: step.tinyMs,
    scale_train_step_ratio: step.bigMs / step.tinyMs,
    scale_batch_read_ms: step.readMs,
  }
}

/**
 * Median wall time of a sandbox step (read the batch from the store, forward_backward, optim_step) drawing
 * from the 200k-row store vs the 1k-row one. Both draw the same fixture conversations — row r of the 1k
 * store and row r + 1000·k of the 200k store (random k) are the same conversation but for their tag — so
 * the model's work matches and only where the batch comes from differs.
 */
async function trainSteps(
  dir: string,
  bigFile: string,
  tinyFile: string,
  log: (line: string) => void,
): Promise<{ bigMs: number; tinyMs: number; readMs: number }> {
  const big = openDb(bigFile)
  const tiny = openDb(tinyFile)
  const sb = await startSandbox({ dataDir: path.join(dir, 'sandbox') })
  const client = createTuftClient({ url: sb.url, apiKey: sb.apiKey, env: {} })
  try {
    const tok = await loadTokenizer(big, { modelId: QWEN_ID })
    const opts = { dataset: 'chat', tokenizer: tok, maxLength: MAX_LENGTH, trainOn: 'all-assistant' as const }
    const [bigSplit, tinySplit] = [await tokenizeSplit(big, opts), await tokenizeSplit(tiny, opts)]
    // With nothing skipped, datum i is row i in both stores.
    if (!bigSplit.fromCache || !tinySplit.fromCache || bigSplit.skippedCount || tinySplit.skippedCount)
      throw new Error('expected both stores tokenized, with no conversation skipped')
    const model = await client.createLoraModel({ base_model: SANDBOX_MODEL, rank: 8 })
    const stream = new BatchStream(tinySplit.datumCount, 0)
    const rnd = seededRandom(1)
    const times = { big: [] as number[], tiny: [] as number[], read: [] as number[] }
    for (let k = 0; k < STEPS + 2; k++) {
      const rows = stream.indicesAt(k * BATCH, BATCH)
      const far = rows.map((r) => r + TINY * Math.floor(rnd() * (ROWS / TINY)))
      // Alternate which store goes first, so drifting machine load favours neither.
      const order = k % 2 ? (['big', 'tiny'] as const) : (['tiny', 'big'] as const)
      for (const which of order) {
        const t0 = performance.now()
        const batch = which === 'big' ? bigSplit.datumsAt(far) : tinySplit.datumsAt(rows)
        const t1 = performance.now()
        await (
          await model.forwardBackward(batch, 'cross_entropy')
        ).result
        await (
          await model.optimStep({ learning_rate: 1e-4 })
        ).result
        if (k < 2) continue // warm-up: base model build, JIT
        times[which].push(performance.now() - t0)
        if (which === 'big') times.read.push(t1 - t0)
      }
    }
    const bigMs = median(times.big)
    const tinyMs = median(times.tiny)
    const readMs = times.read.reduce((a, b) => a + b, 0) / times.read.length
    log(
      `sandbox step (batch ${BATCH}, rank 8), median of ${STEPS}: 200k store ${bigMs.toFixed(1)} ms, 1k store ${tinyMs.toFixed(1)} ms ` +
        `(ratio ${(bigMs / tinyMs).toFixed(3)}); reading a batch from the 200k store ${readMs.toFixed(2)} ms`,
    )
    return { bigMs, tinyMs, readMs }
  } finally {
    client.close()
    await sb.close()
    big.close()
    tiny.close()
  }
}
