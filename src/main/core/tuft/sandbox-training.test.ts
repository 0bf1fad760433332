/**
 * The sandbox as a trainer, driven by the app's real TuFT client over loopback HTTP, on real conversations
 * (no_robots; the learning-rate comparison needs its 160 rows and skips on a lone clone) tokenized by the app's
 * tokenize module.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadChatDatums } from '../../../../tests/helpers/chat-datums'
import { hasNoRobots } from '../../../../tests/helpers/fixtures'
import { createTuftClient, type TuftClient } from './index'
import type { Datum } from '../../../shared/datum'
import { LEARNING_RATE_CHOICES, SANDBOX_MAX_LORA_RANK } from '../../../shared/defaults'
import { SANDBOX_MODEL, startSandbox, type SandboxHandle } from '../../../sandbox'

let sb: SandboxHandle
let client: TuftClient
let datums: Datum[]
let home: string

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-training-'))
  process.env.TUFT_STUDIO_HOME = home
  datums = await loadChatDatums({ limit: 160, maxLength: 512 })
  sb = await startSandbox({ dataDir: path.join(home, 'sandbox') })
  client = createTuftClient({ url: sb.url, apiKey: sb.apiKey, env: {} })
})

afterAll(async () => {
  client.close()
  await sb.close()
  fs.rmSync(home, { recursive: true, force: true })
})

const weightSum = (ds: Datum[]): number => ds.reduce((n, d) => n + d.weights.reduce((a, b) => a + b, 0), 0)

describe('sandbox trainer through the real client', () => {
  it('a create_model whose reply was lost and was sent again leaves one adapter loaded, not two', async () => {
    const tag = { studio_run_id: 'lost-create-reply' }
    const tagged = async (): Promise<string[]> =>
      (await client.listTrainingRuns({ limit: 100 })).training_runs.filter((r) => r.user_metadata?.studio_run_id === tag.studio_run_id).map((r) => r.training_run_id)
    const other = await client.createLoraModel({ base_model: SANDBOX_MODEL, rank: 4, user_metadata: { studio_run_id: 'another run' } })
    sb.setFaults({ lostReplies: [{ path: '/api/v1/create_model', skip: 0 }] })
    const model = await client.createLoraModel({ base_model: SANDBOX_MODEL, rank: 4, user_metadata: tag })
    // The first copy ran (its reply was lost), the second made the model the client got: the first is unloaded.
    expect(sb.faults.lostReplies).toEqual([])
    expect(await tagged()).toEqual([model.modelId])
    // Runs tagged otherwise are left alone, and the model works.
    expect((await client.listTrainingRuns({ limit: 100 })).training_runs.map((r) => r.training_run_id)).toContain(other.modelId)
    expect((await model.getInfo()).model_id).toBe(model.modelId)
    await Promise.all([model.unload(), other.unload()])
  })

  it('walks the chat-SFT flow: connect, create, forward, pipelined train steps, save, load, sample', async () => {
    const check = await client.checkConnection()
    expect(check.ok).toBe(true)
    const caps = await client.capabilities()
    expect(caps.supported_models).toContainEqual(expect.objectContaining({ model_name: SANDBOX_MODEL, max_lora_rank: SANDBOX_MAX_LORA_RANK }))
    const model = await client.createLoraModel({ base_model: SANDBOX_MODEL, rank: 8 })
    expect((await model.getInfo()).model_data?.tokenizer_id).toBe('Qwen/Qwen3-4B-Instruct-2507')
    const batch = datums.slice(0, 4)
    const fwd = await (await model.forward(batch)).result
    expect(fwd.loss_fn_outputs.map((o) => o.logprobs.length)).toEqual(batch.map((d) => d.target_tokens.length))
    const nll0 = fwd.metrics['loss:sum'] / weightSum(batch)
    // pipelined: the optimiser step is sent as soon as forward_backward is accepted
    for (let i = 0; i < 3; i++) {
      const fb = await model.forwardBackward(batch)
      const opt = await model.optimStep({ learning_rate: 1e-3 })
      await Promise.all([fb.result, opt.result])
    }
    const saved = await (await model.saveState('after-3')).result
    expect(saved.path).toBe(`tinker://${model.modelId}/weights/after-3`)
    const nll3 = (await (await model.forward(batch)).result).metrics['loss:sum'] / weightSum(batch)
    expect(nll3).toBeLessThan(nll0)
    const sampler = await (await model.saveWeightsForSampler('after-3-sampler')).result
    // more training, then load_state returns to the saved point
    await (await model.forwardBackward(batch)).result
    await (await model.optimStep({ learning_rate: 1e-3 })).result
    await (await model.loadState(saved.path, { optimizer: true })).result
    const nllLoaded = (await (await model.forward(batch)).result).metrics['loss:sum'] / weightSum(batch)
    expect(nllLoaded).toBeCloseTo(nll3, 4)
    const sc = await client.createSamplingClient({ modelPath: sampler.path })
    const prompt = batch[0].model_input.slice(0, 20)
    const out = await sc.sample({ prompt, sampling_params: { max_tokens: 8, temperature: 0.7, seed: 3 }, num_samples: 2 })
    expect(out.sequences).toHaveLength(2)
    for (const s of out.sequences) {
      expect(s.tokens.length).toBeGreaterThan(0)
      expect(s.tokens.length).toBeLessThanOrEqual(8)
      for (const t of s.tokens) expect(t).toBeLessThan(151_669)
    }
    const runs = await client.listTrainingRuns()
    expect(runs.training_runs.map((r) => r.training_run_id)).toContain(model.modelId)
    const cks = await client.listCheckpoints(model.modelId)
    expect(cks.checkpoints.map((c) => c.checkpoint_id)).toEqual(['after-3', 'after-3-sampler'])
  }, 120_000)

  it.skipIf(!hasNoRobots)('loss falls on no_robots, and a higher learning rate falls faster early on (1e-3 > 1e-4 > 1e-5)', async () => {
    const steps = 10
    const batchSize = 8
    const train = datums.slice(0, steps * batchSize)
    const heldOut = datums.slice(140, 160)
    const curves: Record<string, number[]> = {}
    const heldOutAfter: Record<string, number> = {}
    let heldOutBefore = 0
    for (const lr of [...LEARNING_RATE_CHOICES].sort((a, b) => a - b)) {
      const model = await client.createLoraModel({ base_model: SANDBOX_MODEL, rank: 8 })
      if (heldOutBefore === 0) heldOutBefore = (await (await model.forward(heldOut)).result).metrics['loss:sum'] / weightSum(heldOut)
      const curve: number[] = []
      for (let s = 0; s < steps; s++) {
        const batch = train.slice(s * batchSize, (s + 1) * batchSize)
        const fb = await model.forwardBackward(batch)
        const opt = await model.optimStep({ learning_rate: lr })
        curve.push((await fb.result).metrics['loss:sum'] / weightSum(batch))
        await opt.result
      }
      curves[lr] = curve
      heldOutAfter[lr] = (await (await model.forward(heldOut)).result).metrics['loss:sum'] / weightSum(heldOut)
      await model.unload()
    }
    const early = (lr: number): number => curves[lr].slice(2).reduce((a, b) => a + b, 0) / (steps - 2)
    const [slow, mid, fast] = [...LEARNING_RATE_CHOICES].sort((a, b) => a - b)
    expect(early(fast)).toBeLessThan(early(mid))
    expect(early(mid)).toBeLessThan(early(slow))
    // every run starts from the same seeded model, so step 1 sees the same loss
    expect(curves[fast][0]).toBeCloseTo(curves[slow][0], 6)
    // the fast run generalises: held-out NLL clearly lower than before training
    expect(heldOutAfter[fast]).toBeLessThan(heldOutBefore - 0.5)
    expect(heldOutAfter[mid]).toBeLessThan(heldOutBefore)
  }, 240_000)
})
