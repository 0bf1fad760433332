/**
 * The worker under a bundler build, as electron-vite emits it: pool code in one bundle, the worker as a
 * separate `tokenize-worker.js` entry next to it (no tsx). Built with vite into node_modules/.tmp so the
 * externals (tokenizers, transformers) resolve as they do from `out/main`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readChatRows } from '../../../../tests/helpers/fixtures'
import { QWEN_ID } from '../../../../tests/helpers/hub-mirror'
import { bundleForNode } from '../../../../tests/helpers/bundle-for-node'
import { openDb } from '../store'
import { loadTokenizer, rendererOf } from '.'
import { processBatch, rustBatchEncoder, type PackedBatch } from './pipeline'
import type { runPool as RunPool, closeIdleWorkers as CloseIdle } from './pool'
import { workerInitOf } from './worker-protocol'

let outDir = ''
afterAll(() => outDir && fs.rmSync(outDir, { recursive: true, force: true }))

describe('tokenize worker in a bundled build', () => {
  it('runPool from the bundle starts the built tokenize-worker.js (encoder + render threads) and gets the same batches as in-process', async () => {
    const here = path.dirname(new URL(import.meta.url).pathname)
    const bundle = await bundleForNode('tokenize', { pool: path.join(here, 'pool.ts'), 'tokenize-worker': path.join(here, 'worker.ts') })
    outDir = bundle.outDir
    expect(fs.existsSync(path.join(outDir, 'tokenize-worker.js'))).toBe(true)
    const built = await bundle.importEntry<{ runPool: typeof RunPool; closeIdleWorkers: typeof CloseIdle }>('pool')

    const home = fs.mkdtempSync(path.join(path.dirname(outDir), 'home-'))
    const db = openDb(path.join(home, 'studio.sqlite'))
    const tok = await loadTokenizer(db, { modelId: QWEN_ID })
    const convs = readChatRows().slice(0, 40)
    const init = workerInitOf(tok, 'rust')
    const rows = convs.map((_, i) => i)
    const source = {
      total: convs.length,
      read: (from: number, maxRows: number) => ({
        rows: rows.slice(from, from + maxRows),
        json: convs.slice(from, from + maxRows).map((c) => JSON.stringify(c.messages)),
      }),
    }
    const batches: PackedBatch[] = []
    await built.runPool(init, source, { trainOn: 'all-assistant', maxLength: 512, batchSize: 16, workers: 2, onBatch: (b) => batches.push(b) })
    await built.closeIdleWorkers()
    const { Tokenizer } = await import('tokenizers')
    const local = await processBatch(rows, convs, {
      render: rendererOf(tok),
      encode: rustBatchEncoder(Tokenizer.fromFile(path.join(tok.dir, 'tokenizer.json')), tok.byteLength),
      terminators: tok.terminators,
      nfc: tok.nfc,
      trainOn: 'all-assistant',
      maxLength: 512,
    })
    expect(batches).toHaveLength(3)
    expect(batches.flatMap((b) => Array.from(b.rows))).toEqual(rows)
    const tokens = batches.flatMap((b) => Array.from(b.tokens))
    expect(tokens).toEqual(Array.from(local.tokens))
    expect(batches.flatMap((b) => Array.from(b.weights))).toEqual(Array.from(local.weights))
    db.close()
    fs.rmSync(home, { recursive: true, force: true })
  })
})
