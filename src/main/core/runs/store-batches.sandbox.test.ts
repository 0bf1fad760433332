/**
 * A run reads each batch (and each eval chunk) from the tokenized cache by datum index. Replaying the
 * same seed by hand through the same client, with the selection made over every datum held in memory,
 * must give the very same curves, float for float.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHAT_JSONL } from '../../../../tests/helpers/fixtures'
import { inMemoryBatch, inMemorySelection } from '../../../../tests/helpers/in-memory-selection'
import { adamParamsOf, type RunConfigInput } from '../../../shared/runs'
import { startSandbox } from '../../../sandbox'
import { importDataset } from '../datasets'
import { openDb, type Db } from '../store'
import { closeIdleWorkers, loadTokenizer, tokenizeSplit } from '../tokenize'
import { createTuftClient } from '../tuft'
import { maskedNll } from './data'
import { getRun, parseRunConfig, startRun } from './index'

let db: Db
let sb: Awaited<ReturnType<typeof startSandbox>>

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'store-batches-'))
  process.env.TUFT_STUDIO_HOME = home
  db = openDb(path.join(home, 'studio.sqlite'))
  await importDataset(db, { kind: 'file', path: CHAT_JSONL }, { name: 'nr' })
  sb = await startSandbox({ dataDir: path.join(home, 'sandbox') })
})
afterAll(async () => {
  await sb?.close()
  await closeIdleWorkers()
  db?.close()
})

describe('batches read from the store', () => {
  it('train exactly as the in-memory selection did: same train and test NLL at every step', async () => {
    const input: RunConfigInput = {
      server: { kind: 'sandbox' },
      dataset: { name: 'nr' },
      rank: 4,
      learningRate: 1e-3,
      batchSize: 3,
      maxLength: 192,
      steps: 6,
      evalEvery: 3,
      evalSetSize: 5,
      checkpointEvery: 0,
      seed: 11,
    }
    const h = startRun({ db, sandbox: async () => ({ url: sb.url, apiKey: sb.apiKey }) }, input)
    expect((await h.done).status).toBe('completed')
    const run = getRun(db, h.runId)

    // The reference: every datum in memory, the selection as it was made before, the same calls in order.
    const config = parseRunConfig(input)
    const tok = await loadTokenizer(db, { modelId: run.tokenizerId! })
    const split = await tokenizeSplit(db, {
      dataset: 'nr',
      tokenizer: tok,
      maxLength: config.maxLength,
      trainOn: config.trainOn,
    })
    expect(split.fromCache).toBe(true)
    const all = [...split.iterate()].map((d) => d.datum)
    const ref = inMemorySelection(all, null, config.evalSetSize, config.seed)
    const client = createTuftClient({ url: sb.url, apiKey: sb.apiKey, env: {} })
    const model = await client.createLoraModel({ base_model: run.baseModel, rank: config.rank })
    const evalNll = async (): Promise<number> => {
      let loss = 0
      let w = 0
      for (let i = 0; i < ref.eval.length; i += config.batchSize) {
        const chunk = ref.eval.slice(i, i + config.batchSize)
        const r = maskedNll((await (await model.forward(chunk)).result).loss_fn_outputs, chunk)
        loss += r.lossSum
        w += r.weighted
      }
      return loss / Math.max(w, 1)
    }
    const train: number[] = []
    const test: number[] = [await evalNll()]
    for (let s = 1; s <= config.steps!; s++) {
      const batch = inMemoryBatch(ref.train, config.seed, (s - 1) * config.batchSize, config.batchSize)
      const fb = await (await model.forwardBackward(batch, 'cross_entropy')).result
      await (
        await model.optimStep(adamParamsOf(config))
      ).result
      train.push(maskedNll(fb.loss_fn_outputs, batch).nll)
      if (s % config.evalEvery === 0) test.push(await evalNll())
    }
    client.close()

    expect(run.metrics.map((m) => m.trainNll)).toEqual(train)
    expect(run.evals.map((e) => e.testNll)).toEqual(test)
    expect(run.data).toMatchObject({ trainExamples: ref.train.length, evalExamples: ref.eval.length })
  })
})
