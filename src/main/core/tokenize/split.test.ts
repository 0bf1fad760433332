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
import { buildExample, closeIdleWorkers, loadTokenizer, tokenizeConversations, tokenizeSplit, type StudioTokenizer } from '.'

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
    expect(cold.datums.length + cold.skipped.length).toBe(rows.length)
    expect(cold.rowIndex).toEqual([...cold.rowIndex].sort((a, b) => a - b))
    expect(cold.stats.conversations).toBe(rows.length)
    const weighted = cold.datums.reduce((a, d) => a + d.weights.reduce((x, y) => x + y, 0), 0)
    expect(cold.stats.weightedTokens).toBe(weighted)

    const n = cold.datums.length
    for (const k of [0, 1, Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1]) {
      const ex = await buildExample(tok, rows[cold.rowIndex[k]], { trainOn: 'all-assistant', maxLength: 1024 })
      expect(cold.datums[k]).toEqual(ex.datum)
    }
    for (const s of cold.skipped) expect(s.reason).toMatch(/within max length 1024/)

    const warm = await tokenizeSplit(db, { dataset: 'nr', split: 'test', tokenizer: tok, maxLength: 1024, trainOn: 'all-assistant' })
    expect(warm.fromCache).toBe(true)
    expect(warm.key).toBe(cold.key)
    expect(warm.datums).toEqual(cold.datums)
    expect(warm.rowIndex).toEqual(cold.rowIndex)
    expect(warm.skipped).toEqual(cold.skipped)
    expect(warm.stats).toEqual(cold.stats)
    // Token arrays are stored compactly: one BLOB per array, 4 bytes per token.
    const row = db.prepare('SELECT length(tokens) AS bytes, length(weights) AS w FROM tokenized_splits WHERE key = ?').get(cold.key) as { bytes: number; w: number }
    expect(row.bytes).toBe(4 * warm.datums.reduce((a, d) => a + d.model_input.length + 1, 0))
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
    expect(Math.max(...a.datums.map((d) => d.model_input.length))).toBe(127)
    expect(a.stats.truncatedShare).toBeCloseTo(b.stats.truncatedShare)
  })

  it('the transformers encoder in workers gives the same datums as the Rust one', async () => {
    const convs = rows.slice(0, 60)
    const opts = { datasetName: 'slice', split: 'x', conversations: () => convs, tokenizer: tok, maxLength: 4096, trainOn: 'all-assistant' as const }
    const viaRust = await tokenizeConversations(db, { ...opts, datasetKey: 'r', encoder: 'rust' })
    const viaJs = await tokenizeConversations(db, { ...opts, datasetKey: 'j', encoder: 'transformers', workers: 1 })
    expect(viaJs.encoder).toBe('transformers')
    expect(viaJs.datums).toEqual(viaRust.datums)
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
    expect(fallback.datums).toEqual(reference.datums)
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
    expect(r.skipped).toEqual(system.map((row) => ({ row, reason: 'chat template error: System role not supported' })))
    expect(r.rowIndex).toEqual(convs.flatMap((_, i) => (system.includes(i) ? [] : [i])))
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
    expect(test.datums).toEqual(train.datums) // the mirror serves the same rows as both splits
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
    expect(terminate).toHaveBeenCalledTimes(2)
    terminate.mockRestore()
    expect(db.prepare("SELECT COUNT(*) FROM tokenized_splits WHERE dataset_key = 'cancel-me'").pluck().get()).toBe(0)
  })
})
