/**
 * The compute worker under a bundler build, as electron-vite emits it: pool code in one bundle, the worker as a
 * separate `sandbox-worker.js` entry next to it (no tsx).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bundleForNode } from '../../../tests/helpers/bundle-for-node'
import type * as Pool from './compute-pool'
import type * as Lm from './tiny-lm'

let outDir = ''
afterAll(() => outDir && fs.rmSync(outDir, { recursive: true, force: true }))

describe('sandbox compute worker in a bundled build', () => {
  it('the bundled pool starts the built sandbox-worker.js and computes what the model computes in-thread', async () => {
    const here = path.dirname(new URL(import.meta.url).pathname)
    const bundle = await bundleForNode('sandbox', {
      pool: path.join(here, 'compute-pool.ts'),
      lm: path.join(here, 'tiny-lm.ts'),
      'sandbox-worker': path.join(here, 'compute-worker.ts'),
    })
    outDir = bundle.outDir
    expect(fs.existsSync(path.join(outDir, 'sandbox-worker.js'))).toBe(true)
    const { ComputePool } = await bundle.importEntry<typeof Pool>('pool')
    const { Adapter, BaseModel, crossEntropy } = await bundle.importEntry<typeof Lm>('lm')
    const base = new BaseModel({ vocabSize: 50, hidden: 6, ffn: 8, classSize: 7, precision: 'f64', loraGain: 1.5 }, 3)
    const spec = { rank: 2, trainAttn: true, trainMlp: true, trainUnembed: true, alpha: 4 }
    const datums = [0, 1, 2].map((i) => ({
      input: Int32Array.from([3 + i, 17, 49, 0]),
      targets: Int32Array.from([17, 49, 0, 22 + i]),
      weights: Float64Array.from([1, 0.5, 1, 2]),
    }))
    const pool = new ComputePool(base)
    try {
      const out = await pool.run(new Adapter(base, spec, 1), datums, { backward: true })
      const ref = datums.reduce((n, d) => n + crossEntropy(base, new Adapter(base, spec, 1), d.input, d.targets, d.weights, { backward: false }).loss, 0)
      expect(out.loss).toBeCloseTo(ref, 10)
      expect(out.logprobs).toHaveLength(3)
    } finally {
      pool.close()
    }
  }, 120_000)
})
