import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startSandbox, type SandboxHandle } from '../../../sandbox/index'
import { createTuftClient, TuftError, type TuftClient, type TuftClientOptions } from './index'
import { rejectionOf } from '../../../../tests/helpers/rejection'

// The real client against the real sandbox trainer over loopback HTTP (issue 3, "Tests").
const FAST = { retry: { baseDelayMs: 20, maxDelayMs: 200 }, heartbeatIntervalMs: 3_600_000 }

const sandboxes: SandboxHandle[] = []
const clients: TuftClient[] = []
const dirs: string[] = []
const sandbox = async (opts: Parameters<typeof startSandbox>[0] = {}) => {
  const s = await startSandbox({ longPollMs: 1_000, ...opts })
  sandboxes.push(s)
  return s
}
const connect = (s: { url: string; apiKey: string }, opts: TuftClientOptions = {}) => {
  const c = createTuftClient({ url: s.url, apiKey: s.apiKey, env: {}, ...FAST, ...opts })
  clients.push(c)
  return c
}
const tmpDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tuft-loopback-'))
  dirs.push(d)
  return d
}
const rejection = (p: Promise<unknown>): Promise<TuftError> => rejectionOf(p, TuftError)

afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  for (const s of sandboxes.splice(0)) await s.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/** Next-token SFT datum from a token sequence: x = t[:-1], y = t[1:], weights on the last `supervised` targets. */
const sft = (tokens: number[], supervised: number) => {
  const n = tokens.length - 1
  return {
    model_input: tokens.slice(0, -1),
    target_tokens: tokens.slice(1),
    weights: Array.from({ length: n }, (_, i) => (i >= n - supervised ? 1 : 0)),
  }
}
const batch = [
  sft([151644, 872, 198, 9707, 11, 1246, 525, 498, 30, 151645, 198, 151644, 77091, 198, 40, 2776, 1661, 13, 151645], 5),
  sft([151644, 872, 198, 3838, 374, 220, 17, 10, 17, 30, 151645, 198, 151644, 77091, 198, 19, 13, 151645], 4),
]
const weightedNll = (r: { loss_fn_outputs: { logprobs: number[] }[] }, data: typeof batch) =>
  -r.loss_fn_outputs.reduce((acc, o, i) => acc + o.logprobs.reduce((a, lp, t) => a + lp * data[i].weights[t], 0), 0)

describe('client ↔ sandbox over loopback', () => {
  it('runs the whole SFT flow: create → forward → forward_backward → optim_step → save → sampler → load → sample', async () => {
    const s = await sandbox()
    const c = connect(s)
    const check = await c.checkConnection()
    expect(check.ok).toBe(true)
    const caps = await c.capabilities()
    const model = caps.supported_models[0]
    expect(model.max_lora_rank).toBeGreaterThan(0)

    const m = await c.createLoraModel({ base_model: model.model_name, rank: 8 })
    const info = await m.getInfo()
    expect(info.model_data?.tokenizer_id).toBe('Qwen/Qwen3-4B-Instruct-2507')
    expect(info.lora_rank).toBe(8)

    const f0 = await (await m.forward(batch)).result
    expect(f0.loss_fn_outputs.map((o) => o.logprobs.length)).toEqual(batch.map((d) => d.target_tokens.length))
    for (const o of f0.loss_fn_outputs) for (const lp of o.logprobs) expect(lp).toBeLessThanOrEqual(0)
    // cross_entropy as TuFT defines it: loss:sum = −Σ weight·logprob
    expect(f0.metrics['loss:sum']).toBeCloseTo(weightedNll(f0, batch), 3)

    let last = f0.metrics['loss:sum']
    for (let step = 0; step < 4; step++) {
      const fb = await m.forwardBackward(batch)
      const opt = await m.optimStep({ learning_rate: 1e-3 })
      last = (await fb.result).metrics['loss:sum']
      expect((await opt.result).metrics).not.toBeUndefined()
    }
    const after = (await (await m.forward(batch)).result).metrics['loss:sum']
    expect(after).toBeLessThan(f0.metrics['loss:sum'])
    expect(after).toBeLessThan(last + 1e-9)

    const saved = await (await m.saveState('mid')).result
    expect(saved.path).toBe(`tinker://${m.modelId}/weights/mid`)
    const sampler = await (await m.saveWeightsForSampler('mid-sampler')).result
    expect(sampler.path).toBe(`tinker://${m.modelId}/sampler_weights/mid-sampler`)

    // train on, then load the checkpoint back: the loss returns to the saved value
    await (await m.forwardBackward(batch)).result
    await (await m.optimStep({ learning_rate: 5e-2 })).result
    const drifted = (await (await m.forward(batch)).result).metrics['loss:sum']
    await (await m.loadState(saved.path, { optimizer: false })).result
    expect((await (await m.forward(batch)).result).metrics['loss:sum']).toBeCloseTo(after, 4)
    expect(drifted).not.toBeCloseTo(after, 4)
    await (await m.loadState(saved.path, { optimizer: true })).result
    // a client that lost its counter finds the server's next seq_id without running anything
    expect(await c.trainingModel(m.modelId).resyncSeqId()).toBe(m.nextSeqId)

    const cps = await c.listCheckpoints(m.modelId)
    expect(cps.checkpoints.map((x) => [x.checkpoint_id, x.checkpoint_type]).sort()).toEqual([
      ['mid', 'training'],
      ['mid-sampler', 'sampler'],
    ])
    expect((await c.listTrainingRuns()).training_runs.map((r) => r.training_run_id)).toContain(m.modelId)

    const fromSaved = await c.createSamplingClient({ modelPath: sampler.path })
    const out = await fromSaved.sample({ prompt: batch[0].model_input.slice(0, 14), sampling_params: { max_tokens: 6, seed: 1, temperature: 0.7 }, num_samples: 2 })
    expect(out.sequences).toHaveLength(2)
    for (const seq of out.sequences) {
      expect(seq.tokens.length).toBeGreaterThan(0)
      expect(seq.tokens.length).toBeLessThanOrEqual(6)
      expect(seq.logprobs).toHaveLength(seq.tokens.length)
    }
    const fromBase = await c.createSamplingClient({ baseModel: model.model_name })
    expect((await fromBase.sample({ prompt: [151644, 872, 198], sampling_params: { max_tokens: 3, seed: 2 } })).sequences).toHaveLength(1)
    await m.unload()
    expect((await rejection(m.getInfo())).code).toBe('unknown-model')
  })

  it('maps the sandbox error paths to codes: bad key, missing key, unknown model, rank, bad datum, OOM', async () => {
    const s = await sandbox()
    expect(await connect(s, { apiKey: 'tml-wrong', env: { TINKER_API_KEY: s.apiKey } }).checkConnection()).toMatchObject({
      ok: false,
      code: 'invalid-api-key',
      details: { keySource: 'settings', envKeySet: true, envKeyDiffers: true },
    })
    expect(await connect(s, { apiKey: null }).checkConnection()).toMatchObject({ ok: false, code: 'missing-api-key' })

    const c = connect(s)
    const caps = await c.capabilities()
    const base = caps.supported_models[0]
    expect((await rejection(c.createLoraModel({ base_model: 'nope/model', rank: 8 }))).code).toBe('unknown-model')
    const tooHigh = await rejection(c.createLoraModel({ base_model: base.model_name, rank: base.max_lora_rank! * 2 }))
    expect(tooHigh.code).toBe('rank-exceeds-server-max')
    expect(tooHigh.details).toMatchObject({ rank: base.max_lora_rank! * 2, maxRank: base.max_lora_rank })

    const m = await c.createLoraModel({ base_model: base.model_name, rank: 4 })
    const bad = await m.forwardBackward([{ ...batch[0], weights: batch[0].weights.slice(1) }])
    const opt = await m.optimStep()
    expect((await rejection(bad.result)).code).toBe('bad-datum')
    const conflict = await rejection(opt.result)
    expect(conflict.code).toBe('sequence-conflict')
    expect(m.nextSeqId).toBe(1)
    await (await m.forwardBackward(batch)).result
    await (await m.optimStep()).result

    s.setFaults({ oomTokenBudget: 8 })
    const oom = await rejection((await m.forwardBackward(batch)).result)
    expect(oom.code).toBe('server-oom')
    expect(oom.details.serverMessage).toMatch(/out of memory/i)
    s.setFaults({ oomTokenBudget: null })
    expect((await m.forwardBackward(batch)).seqIds).toEqual([3])

    const ghost = c.trainingModel('00000000-0000-0000-0000-000000000000')
    expect((await rejection((await ghost.forward(batch)).result)).code).toBe('unknown-model')
  })

  it('rides out injected 5xx and dropped connections', async () => {
    const s = await sandbox()
    const c = connect(s, { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 10 } })
    const m = await c.createLoraModel({ base_model: (await c.capabilities()).supported_models[0].model_name, rank: 4 })
    const impatient = connect(s, { retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 } })
    s.setFaults({ failureRate: 1 })
    expect((await rejection(impatient.clientConfig())).details.status).toBe(503)
    s.setFaults({ failureRate: 0.3 })
    for (let i = 0; i < 3; i++) await (await m.forward(batch)).result
    s.setFaults({ failureRate: 0, dropRate: 1 })
    expect((await rejection(impatient.clientConfig())).code).toBe('server-unreachable')
    s.setFaults({ dropRate: 0.3 })
    for (let i = 0; i < 3; i++) await (await m.forward(batch)).result
    s.setFaults({ dropRate: 0 })
    expect(m.nextSeqId).toBe(7)
  })

  it('survives a server restart mid-run with the same data dir: re-attach, resync seq_id, continue from a checkpoint', async () => {
    const dataDir = tmpDir()
    const key = 'tml-restart-key'
    const s1 = await sandbox({ dataDir, apiKeys: [key] })
    const port = Number(new URL(s1.url).port)
    const c = connect({ url: s1.url, apiKey: key }, { retry: { baseDelayMs: 100, maxDelayMs: 500, maxAttempts: 8 } })
    const base = (await c.capabilities()).supported_models[0].model_name
    const m = await c.createLoraModel({ base_model: base, rank: 4 })
    await (await m.forwardBackward(batch)).result
    await (await m.optimStep({ learning_rate: 1e-2 })).result
    const saved = await (await m.saveState('before-restart')).result
    const sampler = await (await m.saveWeightsForSampler('before-restart-s')).result
    const lossAtSave = (await (await m.forward(batch)).result).metrics['loss:sum']

    await s1.close()
    sandboxes.splice(sandboxes.indexOf(s1), 1)
    // the client is mid-call while the server is down; it retries the refused connection until it is back
    const pendingInfo = m.getInfo().catch((e: unknown) => e)
    await sandbox({ dataDir, apiKeys: [key], port })
    const info = await pendingInfo
    expect(info instanceof TuftError ? info.code : 'ok').not.toBe('server-unreachable')

    expect((await c.listCheckpoints(m.modelId)).checkpoints.map((x) => x.checkpoint_id).sort()).toEqual(['before-restart', 'before-restart-s'])
    // a fresh run loads the checkpoint and carries on where the old one stopped
    const m2 = await c.createLoraModel({ base_model: base, rank: 4 })
    await (await m2.loadState(saved.path, { optimizer: true })).result
    expect((await (await m2.forward(batch)).result).metrics['loss:sum']).toBeCloseTo(lossAtSave, 4)
    await (await m2.forwardBackward(batch)).result
    await (await m2.optimStep({ learning_rate: 1e-2 })).result
    const sc = await c.createSamplingClient({ modelPath: sampler.path })
    expect((await sc.sample({ prompt: [151644, 872, 198], sampling_params: { max_tokens: 2, seed: 3 } })).sequences).toHaveLength(1)

    // the old run id, re-attached by a "restarted client" that lost its counter, finds its seq_id again
    const again = c.trainingModel(m.modelId)
    const resumed = await again
      .resyncSeqId()
      .then((n) => n)
      .catch((e: unknown) => e as TuftError)
    if (typeof resumed === 'number') {
      expect(resumed).toBeGreaterThan(1)
      await (await again.forwardBackward(batch)).result
    } else {
      // a sandbox that does not restore live runs after a restart must say so with a typed code
      expect(['unknown-model', 'checkpoint-not-found']).toContain(resumed.code)
    }
  })
})
