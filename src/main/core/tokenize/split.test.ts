import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Conversation } from '../../../shared/chat'
import { CHAT_JSONL, hasNoRobots, readChatRows } from '../../../../tests/helpers/fixtures'
import { NO_ROBOTS_ID, QWEN_ID, startHubMirror } from '../../../../tests/helpers/hub-mirror'
import { importDataset } from '../datasets'
import { openDb, type Db } from '../store'
import { TOKENIZE_BATCH_SIZE } from '../../../shared/defaults'
import { buildExample, chooseWorkerCount, closeIdleWorkers, loadTokenizer, tokenizeConversations, tokenizeSplit, type StudioTokenizer } from '.'

let db: Db
let tok: StudioTokenizer
let rows: Conversation[]

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-split-'))
  process.env.TUFT_STUDIO_HOME = home
  db = openDb(path.join(home, 'studio.sqlite'))
  tok = await loadTokenizer(db, { modelId: QWEN_ID })
  rows = readChatRows() as Conversation[]
  await importDataset(db, { kind: 'file', path: CHAT_JSONL, split: 'test' }, { name: 'nr' })
})
afterAll(async () => {
  await closeIdleWorkers()
  db.close()
})

describe('tokenizeSplit', () => {
  it('tokenizes a cached split in worker threads, in dataset order, equal to the single-conversation path, then serves it from SQLite', async () => {
    const progress: { phase: string; current: number; total: number }[] = []
    const cold = await tokenizeSplit(db, { dataset: 'nr', tokenizer: tok, maxLength: 1024, trainOn: 'all-assistant', workers: 2, onProgress: (p) => progress.push(p) })
    expect(cold.fromCache).toBe(false)
    expect(cold.encoder).toBe('rust')
    expect(progress.filter((p) => p.phase === 'tokenizing').at(-1)).toEqual({ phase: 'tokenizing', current: rows.length, total: rows.length })
    expect(progress.at(-1)?.phase).toBe('saving')
    expect(cold.datumCount + cold.skippedCount).toBe(rows.length)
    const coldAll = [...cold.iterate()]
    const rowIndex = coldAll.map((d) => d.row)
    expect(rowIndex).toEqual([...rowIndex].sort((a, b) => a - b))
    expect(coldAll.map((d) => d.index)).toEqual(coldAll.map((_, i) => i))
    expect(cold.stats.conversations).toBe(rows.length)
    const weighted = coldAll.reduce((a, { datum: d }) => a + d.weights.reduce((x, y) => x + y, 0), 0)
    expect(cold.stats.weightedTokens).toBe(weighted)

    const n = cold.datumCount
    const sample = [0, 1, Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1]
    const picked = cold.datumsAt(sample)
    for (const [i, k] of sample.entries()) {
      const ex = await buildExample(tok, rows[rowIndex[k]], { trainOn: 'all-assistant', maxLength: 1024 })
      expect(picked[i]).toEqual(ex.datum)
      expect(coldAll[k].datum).toEqual(ex.datum)
    }
    const skipped = [...cold.skippedRows()]
    expect(skipped).toHaveLength(cold.skippedCount)
    for (const s of skipped) expect(s.reason).toMatch(/within max length 1024/)
    expect(new Set([...rowIndex, ...skipped.map((s) => s.row)]).size).toBe(rows.length)

    const warm = await tokenizeSplit(db, { dataset: 'nr', split: 'test', tokenizer: tok, maxLength: 1024, trainOn: 'all-assistant' })
    expect(warm.fromCache).toBe(true)
    expect(warm.key).toBe(cold.key)
    expect([...warm.iterate()]).toEqual(coldAll)
    expect([...warm.skippedRows()]).toEqual(skipped)
    expect(warm.stats).toEqual(cold.stats)
    // Tokens are stored compactly: 4 bytes per token and 1 per weight, one row per datum.
    const row = db
      .prepare('SELECT SUM(length(d.tokens)) AS bytes, SUM(length(d.weights)) AS w FROM tokenized_datums d JOIN tokenized_sets s ON s.id = d.set_id WHERE s.key = ?')
      .get(cold.key) as { bytes: number; w: number }
    const tokens = coldAll.reduce((a, { datum: d }) => a + d.model_input.length + 1, 0)
    expect(row).toEqual({ bytes: 4 * tokens, w: tokens })
  })

  it.skipIf(!hasNoRobots)('gives the no_robots test split the token statistics in the fixture README', async () => {
    const { stats } = await tokenizeSplit(db, { dataset: 'nr', tokenizer: tok, maxLength: 1024, trainOn: 'all-assistant' })
    expect(stats).toMatchObject({ conversations: 500, totalTokens: 149_757, p95: 730, p50: 241, max: 1965 })
  })

  it('keys the cache by max length and train-on', async () => {
    const a = await tokenizeSplit(db, { dataset: 'nr', tokenizer: tok, maxLength: 128, trainOn: 'last-assistant' })
    const b = await tokenizeSplit(db, { dataset: 'nr', tokenizer: tok, maxLength: 128, trainOn: 'all' })
    expect(a.fromCache).toBe(false)
    expect(b.fromCache).toBe(false)
    expect(a.key).not.toBe(b.key)
    expect(a.stats.weightedTokens).toBeLessThan(b.stats.weightedTokens)
    expect(Math.max(...[...a.iterate()].map(({ datum: d }) => d.model_input.length))).toBe(127)
    expect(a.stats.truncatedShare).toBeCloseTo(b.stats.truncatedShare)
  })

  it('the transformers encoder in workers gives the same datums as the Rust one', async () => {
    const convs = rows.slice(0, 60)
    const opts = { datasetName: 'slice', split: 'x', conversations: () => convs, tokenizer: tok, maxLength: 4096, trainOn: 'all-assistant' as const }
    const viaRust = await tokenizeConversations(db, { ...opts, datasetKey: 'r', encoder: 'rust' })
    const rustDatums = [...viaRust.iterate()]
    // Another content key for the same split replaces the first set in the cache.
    const viaJs = await tokenizeConversations(db, { ...opts, datasetKey: 'j', encoder: 'transformers', workers: 1 })
    expect(viaJs.encoder).toBe('transformers')
    expect([...viaJs.iterate()]).toEqual(rustDatums)
    expect(() => [...viaRust.iterate()]).toThrow(expect.objectContaining({ code: 'dataset-not-cached' }))
  })

  it('falls back to the transformers encoder when the Rust library cannot reproduce it (here: cannot even read the file)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tok-strict-'))
    const json = JSON.parse(fs.readFileSync(path.join(tok.dir, 'tokenizer.json'), 'utf8'))
    // transformers.js ignores an unknown top-level field; the Rust deserializer rejects it.
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({ ...json, studio_extra: true }))
    fs.copyFileSync(path.join(tok.dir, 'tokenizer_config.json'), path.join(dir, 'tokenizer_config.json'))
    const odd = await loadTokenizer(db, { modelId: dir })
    const convs = rows.slice(0, 24)
    const opts = { datasetName: 'fallback', split: 'x', conversations: () => convs, maxLength: 4096, trainOn: 'all-assistant' as const, workers: 1 }
    const fallback = await tokenizeConversations(db, { ...opts, datasetKey: 'f', tokenizer: odd })
    expect(fallback.encoder).toBe('transformers')
    const reference = await tokenizeConversations(db, { ...opts, datasetKey: 'f', tokenizer: tok })
    expect(reference.encoder).toBe('rust')
    expect([...fallback.iterate()]).toEqual([...reference.iterate()])
  })

  it('a row the chat template rejects (raise_exception) is skipped with the template message; the rest is tokenized', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tok-strict-template-'))
    fs.copyFileSync(path.join(tok.dir, 'tokenizer.json'), path.join(dir, 'tokenizer.json'))
    const config = JSON.parse(fs.readFileSync(path.join(tok.dir, 'tokenizer_config.json'), 'utf8'))
    config.chat_template = `{%- if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{%- endif %}${config.chat_template}`
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(config))
    const strict = await loadTokenizer(db, { modelId: dir })
    const withSystem = rows.findIndex((r) => r.messages[0].role === 'system')
    const convs = [rows[withSystem], ...rows.slice(0, 10)]
    const r = await tokenizeConversations(db, {
      datasetKey: 'strict',
      datasetName: 'strict',
      split: 'x',
      conversations: () => convs,
      tokenizer: strict,
      maxLength: 4096,
      trainOn: 'all-assistant',
      workers: 1,
    })
    const system = convs.flatMap((c, i) => (c.messages[0].role === 'system' ? [i] : []))
    expect(system.length).toBeGreaterThan(0)
    expect([...r.skippedRows()]).toEqual(system.map((row) => ({ row, reason: 'chat template error: System role not supported' })))
    expect([...r.iterate()].map((d) => d.row)).toEqual(convs.flatMap((_, i) => (system.includes(i) ? [] : [i])))
    expect(r.encoder).toBe('rust')
  })

  it('defaults to the train split of a hub dataset imported through the mirror', async () => {
    const mirror = await startHubMirror({ qwen: false })
    try {
      await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { name: 'hubnr', endpoint: mirror.url })
    } finally {
      await mirror.close()
    }
    const implicit = await tokenizeSplit(db, { dataset: 'hubnr', tokenizer: tok, maxLength: 700, trainOn: 'all-assistant' })
    const train = await tokenizeSplit(db, { dataset: 'hubnr', split: 'train', tokenizer: tok, maxLength: 700, trainOn: 'all-assistant' })
    const test = await tokenizeSplit(db, { dataset: 'hubnr', split: 'test', tokenizer: tok, maxLength: 700, trainOn: 'all-assistant' })
    expect(train.fromCache).toBe(true)
    expect(train.key).toBe(implicit.key)
    expect(test.key).not.toBe(train.key)
    expect([...test.iterate()]).toEqual([...train.iterate()]) // the mirror serves the same rows as both splits
  })

  it('reports unknown datasets and splits with coded errors', async () => {
    await expect(tokenizeSplit(db, { dataset: 'missing', tokenizer: tok, maxLength: 512, trainOn: 'all' })).rejects.toMatchObject({ code: 'dataset-not-cached' })
    await expect(tokenizeSplit(db, { dataset: 'nr', split: 'train', tokenizer: tok, maxLength: 512, trainOn: 'all' })).rejects.toMatchObject({ code: 'not-found' })
  })

  it('cancels: the AbortSignal terminates the workers, rejects with "cancelled" and caches nothing', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => rows[i % rows.length])
    const ac = new AbortController()
    const terminate = vi.spyOn(Worker.prototype, 'terminate')
    const run = tokenizeConversations(db, {
      datasetKey: 'cancel-me',
      datasetName: 'big',
      split: 'train',
      conversations: () => many,
      tokenizer: tok,
      maxLength: 2048,
      trainOn: 'all-assistant',
      workers: 2,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'tokenizing' && p.current > 0) ac.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ code: 'cancelled' })
    expect(terminate).toHaveBeenCalledTimes(3) // the encoder and both render threads
    terminate.mockRestore()
    expect(db.prepare("SELECT COUNT(*) FROM tokenized_sets WHERE dataset_key = 'cancel-me'").pluck().get()).toBe(0)
    expect(db.prepare('SELECT COUNT(*) FROM tokenized_rows WHERE set_id NOT IN (SELECT id FROM tokenized_sets)').pluck().get()).toBe(0)
  })

  it('sends workers bounded chunks, never the whole split', async () => {
    // Enough rows for several chunks whatever the fixture holds: its conversations repeated.
    const n = 3 * TOKENIZE_BATCH_SIZE + 1
    const file = path.join(process.env.TUFT_STUDIO_HOME as string, 'chunked.jsonl')
    fs.writeFileSync(file, Array.from({ length: n }, (_, i) => JSON.stringify({ messages: rows[i % rows.length].messages })).join('\n') + '\n')
    await importDataset(db, { kind: 'file', path: file, split: 'test' }, { name: 'chunked' })
    const post = vi.spyOn(Worker.prototype, 'postMessage')
    const r = await tokenizeSplit(db, { dataset: 'chunked', tokenizer: tok, maxLength: 900, trainOn: 'all-assistant', workers: 2 })
    const batches = post.mock.calls.map(([m]) => m as { type?: string; rows?: number[] }).filter((m) => m.type === 'batch')
    post.mockRestore()
    expect(batches.length).toBeGreaterThanOrEqual(Math.ceil(n / TOKENIZE_BATCH_SIZE))
    expect(Math.max(...batches.map((b) => b.rows!.length))).toBeLessThanOrEqual(TOKENIZE_BATCH_SIZE)
    expect(batches.flatMap((b) => b.rows!).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i))
    expect(r.datumCount + r.skippedCount).toBe(n)
  })

  it('two callers asking for the same split at once share one tokenization', async () => {
    const opts = { dataset: 'nr', tokenizer: tok, maxLength: 640, trainOn: 'all' as const }
    const [a, b] = await Promise.all([tokenizeSplit(db, opts), tokenizeSplit(db, opts)])
    expect(a.key).toBe(b.key)
    expect([a.fromCache, b.fromCache].sort()).toEqual([false, true])
    expect(db.prepare('SELECT COUNT(*) FROM tokenized_sets WHERE key = ?').pluck().get(a.key)).toBe(1)
    expect([...b.iterate()]).toEqual([...a.iterate()])
  })

  it('a pinned split (a run reading it) survives a re-tokenization of newer content until it is released', async () => {
    const opts = { datasetName: 'pinned', split: 'x', tokenizer: tok, maxLength: 512, trainOn: 'all' as const, workers: 1 }
    const first = await tokenizeConversations(db, { ...opts, datasetKey: 'v1', conversations: () => rows.slice(0, 6) })
    const release = first.pin()
    const before = [...first.iterate()]
    await tokenizeConversations(db, { ...opts, datasetKey: 'v2', conversations: () => rows.slice(6, 12) })
    expect([...first.iterate()]).toEqual(before)
    release()
    await tokenizeConversations(db, { ...opts, datasetKey: 'v3', conversations: () => rows.slice(12, 18) })
    expect(() => first.datumsAt([0])).toThrow(expect.objectContaining({ code: 'dataset-not-cached' }))
  })

  it('a conversation that runs its render thread out of memory is skipped with that reason; the process and the other rows carry on', async () => {
    const huge: Conversation = { messages: [{ role: 'user', content: 'x'.repeat(16_000_000) }, { role: 'assistant', content: 'ok' }] }
    const convs = [...rows.slice(0, 10), huge, ...rows.slice(10, 16)]
    const r = await tokenizeConversations(db, {
      datasetKey: 'oom',
      datasetName: 'oom',
      split: 'x',
      conversations: () => convs,
      tokenizer: tok,
      maxLength: 4096,
      trainOn: 'all-assistant',
      workers: 1,
      workerHeapMb: 24,
    })
    expect([...r.skippedRows()]).toEqual([{ row: 10, reason: expect.stringMatching(/^the tokenizer thread ran out of memory on this conversation/) }])
    const expected = [...rows.slice(0, 10), ...rows.slice(10, 16)]
    const got = [...r.iterate()]
    expect(got.map((d) => d.row)).toEqual([...Array(10).keys(), ...Array.from({ length: 6 }, (_, i) => 11 + i)])
    for (const k of [0, 9, 10, 15]) expect(got[k].datum).toEqual((await buildExample(tok, expected[k], { trainOn: 'all-assistant', maxLength: 4096 })).datum)
  })

  it('fails cleanly with a coded error, and keeps nothing, when a render thread cannot even start', async () => {
    const run = tokenizeConversations(db, {
      datasetKey: 'no-start',
      datasetName: 'no-start',
      split: 'x',
      conversations: () => rows.slice(0, 4),
      tokenizer: tok,
      maxLength: 512,
      trainOn: 'all',
      workers: 1,
      workerHeapMb: 2,
    })
    await expect(run).rejects.toMatchObject({ code: 'tokenizer-worker-crashed' })
    expect(db.prepare("SELECT COUNT(*) FROM tokenized_sets WHERE dataset_key = 'no-start'").pluck().get()).toBe(0)
  })
})

describe('chooseWorkerCount', () => {
  it('starts one render thread per two cores, at most four, and only as many as fit in half the available memory', () => {
    expect(chooseWorkerCount({ cores: 2, availableMb: 16_000 })).toBe(1)
    expect(chooseWorkerCount({ cores: 8, availableMb: 16_000 })).toBe(4)
    expect(chooseWorkerCount({ cores: 64, availableMb: 64_000 })).toBe(4)
    // 8 cores but 600 MB free: half is 300 MB, the encoder takes 200, one 80 MB thread fits.
    expect(chooseWorkerCount({ cores: 8, availableMb: 600 })).toBe(1)
    expect(chooseWorkerCount({ cores: 8, availableMb: 900 })).toBe(3)
    // Never zero, even when memory is tight or the core count is 1.
    expect(chooseWorkerCount({ cores: 1, availableMb: 100 })).toBe(1)
  })
})
