import { afterEach, describe, expect, it } from 'vitest'
import { startFakeTuft, type FakeTuft } from '../../../../tests/helpers/fake-tuft'
import { POLL_MAX_408 } from '../../../shared/defaults'
import { createTuftClient, keyInfoOf, TuftError, type TuftClient, type TuftClientOptions } from './index'
import { rejectionOf } from '../../../../tests/helpers/rejection'

const FAST = { retry: { baseDelayMs: 5, maxDelayMs: 20 }, heartbeatIntervalMs: 3_600_000 }
const datum = (n = 3, weights?: number[]) => ({
  model_input: Array.from({ length: n }, (_, i) => 100 + i),
  target_tokens: Array.from({ length: n }, (_, i) => 101 + i),
  weights: weights ?? new Array<number>(n).fill(1),
})

const servers: FakeTuft[] = []
const clients: TuftClient[] = []
const fake = async (opts: Parameters<typeof startFakeTuft>[0] = {}) => {
  const s = await startFakeTuft(opts)
  servers.push(s)
  return s
}
const connect = (s: { url: string }, opts: TuftClientOptions = {}) => {
  const c = createTuftClient({ url: s.url, apiKey: 'tml-good', env: {}, ...FAST, ...opts })
  clients.push(c)
  return c
}
const rejection = (p: Promise<unknown>): Promise<TuftError> => rejectionOf(p, TuftError)
const paths = (s: FakeTuft) => s.requests.map((r) => r.path)
/** Waits for a condition without a fixed sleep, so a loaded CI machine only makes it slower, not red. */
const waitFor = async (cond: () => boolean, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  for (const s of servers.splice(0)) await s.close()
})

describe('connection, keys and capabilities', () => {
  it('checkConnection reports health, key source, client config and max_lora_rank per model', async () => {
    const s = await fake({ maxRank: 32 })
    const c = connect(s, { env: { TINKER_API_KEY: 'tml-other' } })
    const r = await c.checkConnection()
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value.health.ok).toBe(true)
    expect(r.value.keySource).toBe('settings')
    expect(r.value.keyInfo).toEqual({ source: 'settings', envKeySet: true, envKeyDiffers: true })
    expect(r.value.capabilities.supported_models[0]).toMatchObject({ model_name: 'fake/base', max_lora_rank: 32 })
    expect(r.value.clientConfig.fwdbwd_max_chunk_len).toBe(1024)
    // exactly one X-API-Key, the settings key, never the env one
    for (const req of s.requests.filter((q) => q.path === '/api/v1/client/config')) expect(req.headers['x-api-key']).toBe('tml-good')
    expect(JSON.stringify(r.value)).not.toContain('tml-')
  })

  it('keyInfoOf tells settings screens which key would be sent, never the key', () => {
    expect(keyInfoOf('tml-a', { TINKER_API_KEY: 'tml-b' })).toEqual({ source: 'settings', envKeySet: true, envKeyDiffers: true })
    expect(keyInfoOf('tml-a', { TINKER_API_KEY: 'tml-a' })).toEqual({ source: 'settings', envKeySet: true, envKeyDiffers: false })
    expect(keyInfoOf('', { TINKER_API_KEY: 'tml-b' })).toEqual({ source: 'TINKER_API_KEY', envKeySet: true, envKeyDiffers: false })
    expect(keyInfoOf(null, {})).toEqual({ source: 'none', envKeySet: false, envKeyDiffers: false })
  })

  it('sends the key to open routes when it has one, and reaches them without one', async () => {
    const s = await fake()
    await connect(s).capabilities()
    expect(s.requests.at(-1)!.headers['x-api-key']).toBe('tml-good')
    const anon = createTuftClient({ url: s.url, env: {}, ...FAST })
    clients.push(anon)
    expect((await anon.capabilities()).supported_models).toHaveLength(1)
    expect(s.requests.at(-1)!.headers['x-api-key']).toBeUndefined()
  })

  it('falls back to TINKER_API_KEY and says so', async () => {
    const s = await fake()
    const c = createTuftClient({ url: s.url, env: { TINKER_API_KEY: 'tml-good' }, ...FAST })
    clients.push(c)
    expect(c.keySource).toBe('TINKER_API_KEY')
    expect((await c.checkConnection()).ok).toBe(true)
  })

  it('no key at all → missing-api-key without sending an authenticated request', async () => {
    const s = await fake()
    const c = createTuftClient({ url: s.url, env: {}, ...FAST })
    clients.push(c)
    const r = await c.checkConnection()
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.code).toBe('missing-api-key')
    expect(paths(s)).toEqual(['/api/v1/healthz'])
    await expect(c.createLoraModel({ base_model: 'fake/base', rank: 8 })).rejects.toMatchObject({ code: 'missing-api-key' })
    expect(paths(s)).toEqual(['/api/v1/healthz'])
  })

  it('401 from the server → missing-api-key', async () => {
    const s = await fake()
    s.faults.push({ match: (q) => q.path === '/api/v1/client/config', reply: { status: 401, json: { detail: 'Missing API key' } } })
    const e = await rejection(connect(s).clientConfig())
    expect(e.code).toBe('missing-api-key')
    expect(e.details.serverMessage).toBe('Missing API key')
  })

  it('bad key → invalid-api-key with where the key came from and whether TINKER_API_KEY differs', async () => {
    const s = await fake()
    const c = connect(s, { apiKey: 'tml-wrong', env: { TINKER_API_KEY: 'tml-good' } })
    const r = await c.checkConnection()
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.code).toBe('invalid-api-key')
    expect(r.details).toMatchObject({ status: 403, serverMessage: 'Invalid API key', keySource: 'settings', envKeySet: true, envKeyDiffers: true })
    expect(r.hint).toMatch(/settings was sent.*TINKER_API_KEY, which holds a different key/)
    expect(JSON.stringify(r)).not.toContain('tml-wrong')
    // 403 is final: one client/config request, no retries
    expect(paths(s).filter((p) => p === '/api/v1/client/config')).toHaveLength(1)
  })

  it('server not running → server-unreachable at once', async () => {
    const s = await fake()
    const url = s.url
    await s.close()
    servers.pop()
    const r = await connect({ url }).checkConnection()
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.code).toBe('server-unreachable')
  })
})

describe('create model and typed server errors', () => {
  it('unknown base model → unknown-model with the server text', async () => {
    const s = await fake()
    const e = await rejection(connect(s).createLoraModel({ base_model: 'nope/model', rank: 8 }))
    expect(e.code).toBe('unknown-model')
    expect(e.details).toMatchObject({ status: 404, serverMessage: 'Failed to create model: Unknown model: nope/model' })
  })

  it('unknown model id on a training call → unknown-model from retrieve_future', async () => {
    const s = await fake()
    const m = connect(s).trainingModel('ghost')
    const p = await m.forwardBackward([datum()])
    expect((await rejection(p.result)).code).toBe('unknown-model')
    expect((await rejection(m.getInfo())).code).toBe('unknown-model')
  })

  it('rank above the server maximum → rank-exceeds-server-max with rank and max', async () => {
    const s = await fake({ maxRank: 64 })
    const e = await rejection(connect(s).createLoraModel({ base_model: 'fake/base', rank: 128 }))
    expect(e.code).toBe('rank-exceeds-server-max')
    expect(e.details).toMatchObject({ rank: 128, maxRank: 64, status: 400 })
  })

  it("TuFT's FSDP rank text also maps to rank-exceeds-server-max", async () => {
    const s = await fake()
    s.faults.push({
      match: (q) => q.path === '/api/v1/create_model',
      reply: { status: 400, json: { detail: 'Failed to create model: FSDP LoRA rank 24 is not configured. This server preallocates slots for ranks [8, 16, 32].' } },
    })
    const e = await rejection(connect(s).createLoraModel({ base_model: 'fake/base', rank: 24 }))
    expect(e.code).toBe('rank-exceeds-server-max')
    expect(e.details).toMatchObject({ rank: 24, maxRank: 32 })
  })

  it('sends create_model with every LoRA flag and gets model info', async () => {
    const s = await fake()
    const c = connect(s)
    const m = await c.createLoraModel({ base_model: 'fake/base', rank: 8, train_mlp: false, user_metadata: { run: 'a' } })
    const body = s.requests.find((q) => q.path === '/api/v1/create_model')!.json()
    expect(body).toEqual({
      session_id: expect.any(String),
      model_seq_id: 0,
      base_model: 'fake/base',
      lora_config: { rank: 8, train_unembed: true, train_mlp: false, train_attn: true },
      user_metadata: { run: 'a' },
      type: 'create_model',
    })
    expect((await m.getInfo()).model_data?.tokenizer_id).toBe('fake/base')
  })

  it('a lost session (server restarted without persistence) is recreated once', async () => {
    const s = await fake()
    const c = connect(s)
    await c.createLoraModel({ base_model: 'fake/base', rank: 8 })
    s.state.sessions.clear()
    await c.createLoraModel({ base_model: 'fake/base', rank: 8 })
    expect(paths(s).filter((p) => p === '/api/v1/create_session')).toHaveLength(2)
  })
})

describe('training calls: ordering, pipelining and seq_id recovery', () => {
  it('sends seq_id 1,2,3… and resolves each call on 202 so calls pipeline', async () => {
    let release = (): void => undefined
    const s = await fake({ opGate: new Promise<void>((r) => (release = r)) })
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    const fb = await m.forwardBackward([datum(3), datum(2, [0, 1])])
    const opt = await m.optimStep({ learning_rate: 2e-4 })
    const save = await m.saveState('ckpt-1')
    // all three POSTs were accepted while the server had not run any of them
    expect(s.state.executed).toEqual([])
    release()
    expect([fb.seqIds, opt.seqIds, save.seqIds]).toEqual([[1], [2], [3]])
    const r = await fb.result
    expect(r.loss_fn_outputs.map((o) => o.logprobs)).toEqual([[-1, -1, -1], [-1, -1]])
    expect(r.metrics['loss:sum']).toBe(4)
    expect(await opt.result).toEqual({ metrics: { 'learning_rate:mean': 2e-4 } })
    expect(await save.result).toEqual({ path: `tinker://${m.modelId}/weights/ckpt-1` })
    expect(s.state.executed).toEqual(['forward_backward:1', 'optim_step:2', 'save_weights:3'])
    const optBody = s.requests.find((q) => q.path === '/api/v1/optim_step')!.json()
    expect(optBody).toEqual({
      adam_params: { learning_rate: 2e-4, beta1: 0.9, beta2: 0.95, eps: 1e-12, weight_decay: 0, grad_clip_norm: 0 },
      model_id: m.modelId,
      seq_id: 2,
      type: 'optim_step',
    })
  })

  it('keeps call order when the caller does not await between calls; a bad token fails without taking a seq_id', async () => {
    const s = await fake()
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    await expect(m.forwardBackward([{ ...datum(2), model_input: [1, 2.5] }])).rejects.toMatchObject({ code: 'bad-datum' })
    const a = m.forwardBackward([datum()])
    const b = m.optimStep()
    const c = m.forward([datum()])
    expect([(await a).seqIds, (await b).seqIds, (await c).seqIds]).toEqual([[1], [2], [3]])
    await (await c).result
    expect(s.state.executed).toEqual(['forward_backward:1', 'optim_step:2', 'forward:3'])
  })

  it('mismatched weights/targets → bad-datum; the pipelined call after it → sequence-conflict; the run recovers', async () => {
    const s = await fake({ opDelayMs: 10 })
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    await (await m.forwardBackward([datum()])).result
    const bad = await m.forwardBackward([{ ...datum(3), weights: [1, 1] }])
    const opt = await m.optimStep()
    const badErr = await rejection(bad.result)
    expect(badErr.code).toBe('bad-datum')
    expect(badErr.details.status).toBe(409)
    expect(badErr.details.serverMessage).toMatch(/Input tensors must have the same shape/)
    const optErr = await rejection(opt.result)
    expect(optErr.code).toBe('sequence-conflict')
    expect(optErr.details).toMatchObject({ expected: 2, got: 3 })
    expect(m.nextSeqId).toBe(2)
    const again = await m.forwardBackward([datum()])
    expect(again.seqIds).toEqual([2])
    await again.result
    await (await m.optimStep()).result
    expect(s.state.executed).toEqual(['forward_backward:1', 'forward_backward:2', 'optim_step:3'])
  })

  it('out of memory inside a future → server-oom and the seq_id is reused', async () => {
    const s = await fake()
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    s.failOp.set(1, { status: 422, detail: 'Future failed: Server error: CUDA out of memory. Tried to allocate 2.00 GiB' })
    const e = await rejection((await m.forwardBackward([datum()])).result)
    expect(e.code).toBe('server-oom')
    expect(e.details.serverMessage).toContain('CUDA out of memory')
    expect(m.nextSeqId).toBe(1)
    await (await m.forwardBackward([datum()])).result
  })

  it('a re-attached model learns the next seq_id from the 409, or from resyncSeqId() without running anything', async () => {
    const s = await fake()
    const c = connect(s)
    const m = await c.createLoraModel({ base_model: 'fake/base', rank: 8 })
    for (let i = 0; i < 3; i++) await (await m.forwardBackward([datum()])).result
    const executed = s.state.executed.length

    const probe = c.trainingModel(m.modelId)
    expect(await probe.resyncSeqId()).toBe(4)
    expect(s.state.executed).toHaveLength(executed)

    const again = c.trainingModel(m.modelId)
    const e = await rejection((await again.forwardBackward([datum()])).result)
    expect(e.code).toBe('sequence-conflict')
    expect(again.nextSeqId).toBe(4)
    await (await again.forwardBackward([datum()])).result

    const known = c.trainingModel(m.modelId, { nextSeqId: 5 })
    expect((await known.forwardBackward([datum()])).seqIds).toEqual([5])
    expect(() => c.trainingModel(m.modelId, { nextSeqId: 0 })).toThrow(TuftError)
  })

  it('a POST that ran but whose reply was lost is retried; the 409 that follows resyncs the counter', async () => {
    const s = await fake()
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    s.faults.push({ match: (q) => q.path === '/api/v1/optim_step', reply: 'drop', afterHandling: true })
    const opt = await m.optimStep()
    expect(opt.maybeDuplicated).toBe(true)
    const e = await rejection(opt.result)
    expect(e.code).toBe('sequence-conflict')
    expect(e.details).toMatchObject({ expected: 2, got: 1, probablyApplied: true })
    expect(m.nextSeqId).toBe(2)
    expect(s.state.executed).toEqual(['optim_step:1'])
    const next = await m.optimStep()
    expect(next.maybeDuplicated).toBe(false)
    await next.result
    expect(s.state.executed).toEqual(['optim_step:1', 'optim_step:2'])
  })

  it('a gateway error after the request went through (502, 504) marks the resent call as possibly duplicated; a 503 does not', async () => {
    const s = await fake()
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    s.faults.push({ match: (q) => q.path === '/api/v1/forward_backward', reply: { status: 502, json: { detail: 'Bad Gateway' } }, afterHandling: true })
    const fb = await m.forwardBackward([datum()])
    expect(fb.maybeDuplicated).toBe(true)
    expect(await rejection(fb.result)).toMatchObject({ code: 'sequence-conflict', details: { probablyApplied: true } })
    s.faults.push({ match: (q) => q.path === '/api/v1/optim_step', reply: { status: 503, json: { detail: 'busy' } } })
    const opt = await m.optimStep()
    expect(opt.maybeDuplicated).toBe(false)
    await opt.result
    expect(s.state.executed).toEqual(['forward_backward:1', 'optim_step:2'])
  })

  it('save, load with and without optimizer, sampler weights, missing checkpoint, unload', async () => {
    const s = await fake()
    const c = connect(s)
    const m = await c.createLoraModel({ base_model: 'fake/base', rank: 8 })
    const sampler = await (await m.saveWeightsForSampler('s1')).result
    expect(sampler.path).toBe(`tinker://${m.modelId}/sampler_weights/s1`)
    await (await m.loadState(`tinker://${m.modelId}/weights/known`, { optimizer: true })).result
    await (await m.loadState(`tinker://${m.modelId}/weights/known`, { optimizer: false })).result
    const loads = s.requests.filter((q) => q.path === '/api/v1/load_weights').map((q) => q.json() as { optimizer: boolean; seq_id: number })
    expect(loads.map((l) => [l.optimizer, l.seq_id])).toEqual([[true, 2], [false, 3]])
    const e = await rejection((await m.loadState(`tinker://${m.modelId}/weights/missing`, { optimizer: false })).result)
    expect(e.code).toBe('checkpoint-not-found')
    expect(m.nextSeqId).toBe(4)
    await expect(m.saveState('a/b')).rejects.toMatchObject({ code: 'invalid-input' })
    await m.unload()
    expect(s.state.models.size).toBe(0)
  })
})

describe('futures, retries, cancellation', () => {
  it('long-polls: try_again answers are re-polled until the result', async () => {
    const s = await fake({ holdMs: 20, opDelayMs: 300 })
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    const p = await m.forwardBackward([datum()])
    await p.result
    const polls = s.requests.filter((q) => q.path === '/api/v1/retrieve_future' && (q.json() as { request_id: string }).request_id === p.requestIds[0])
    expect(polls.length).toBeGreaterThan(2)
    expect(polls.every((q) => q.headers.accept === 'application/x-protobuf')).toBe(true)
    expect(polls.map((q) => q.headers['x-tinker-request-iteration'])).toEqual(polls.map((_, i) => String(i)))
  })

  it('JSON fallback results are accepted too', async () => {
    const s = await fake()
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    s.faults.push({
      match: (q) => q.path === '/api/v1/retrieve_future',
      reply: { status: 200, json: { loss_fn_output_type: 'cross_entropy', loss_fn_outputs: [{ logprobs: { data: [-0.5, -0.25], dtype: 'float32', shape: [2] } }], metrics: { 'loss:sum': 0.75 } } },
    })
    const r = await (await m.forward([datum(2)])).result
    expect(r.loss_fn_outputs[0].logprobs).toEqual([-0.5, -0.25])
    expect(r.metrics).toEqual({ 'loss:sum': 0.75 })
  })

  it('5xx and 429 are retried with backoff; a persistent 500 becomes server-error', async () => {
    const s = await fake()
    const c = connect(s)
    s.faults.push({ match: (q) => q.path === '/api/v1/client/config', reply: { status: 503, json: { detail: 'busy' } }, times: 2 })
    s.faults.push({ match: (q) => q.path === '/api/v1/client/config', reply: { status: 429, json: { detail: 'slow down' } }, times: 1 })
    expect((await c.clientConfig()).fwdbwd_max_chunk_len).toBe(1024)
    expect(paths(s).filter((p) => p === '/api/v1/client/config')).toHaveLength(4)

    s.faults.push({ match: (q) => q.path === '/api/v1/healthz', reply: { status: 500, body: 'Internal Server Error', contentType: 'text/plain' }, times: 100 })
    const e = await rejection(c.health())
    expect(e.code).toBe('server-error')
    expect(e.details.status).toBe(500)
    expect(paths(s).filter((p) => p === '/api/v1/healthz')).toHaveLength(6)
  })

  it('a dropped connection is retried, on plain calls and on polls', async () => {
    const s = await fake()
    const c = connect(s)
    await c.health()
    s.faults.push({ match: (q) => q.path === '/api/v1/get_server_capabilities', reply: 'drop' })
    expect((await c.capabilities()).supported_models).toHaveLength(1)
    const m = await c.createLoraModel({ base_model: 'fake/base', rank: 8 })
    s.faults.push({ match: (q) => q.path === '/api/v1/retrieve_future', reply: 'drop', times: 2 })
    const r = await (await m.forwardBackward([datum()])).result
    expect(r.metrics['loss:sum']).toBe(3)
  })

  it('a server restart on the same port is survived (ECONNREFUSED after a connection is retried)', async () => {
    const s = await fake()
    const c = connect(s, { retry: { baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 6 } })
    const m = await c.createLoraModel({ base_model: 'fake/base', rank: 8 })
    await (await m.forwardBackward([datum()])).result
    const port = Number(new URL(s.url).port)
    await s.close()
    servers.splice(servers.indexOf(s), 1)
    const pending = m.optimStep()
    const restarted = await fake({ port, state: s.state })
    const opt = await pending
    expect(opt.seqIds).toEqual([2])
    await opt.result
    expect(restarted.state.executed).toEqual(['forward_backward:1', 'optim_step:2'])
  })

  it('future-expired (410) and unknown future (404) are typed; the seq_id is given back', async () => {
    const s = await fake()
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    s.pollScript.push({ status: 410, json: { detail: 'Failed to retrieve future: Future with request ID x was cancelled: server restarted' } })
    const e = await rejection((await m.optimStep()).result)
    expect(e.code).toBe('future-expired')
  })

  it('408 is re-polled but capped, ending in timeout', async () => {
    const s = await fake()
    const m = await connect(s, { retry: { baseDelayMs: 1, maxDelayMs: 2 } }).createLoraModel({ base_model: 'fake/base', rank: 8 })
    for (let i = 0; i < POLL_MAX_408 + 5; i++) s.pollScript.push({ status: 408, json: { type: 'try_again', queue_state: 'paused_capacity' } })
    const p = await m.optimStep()
    const e = await rejection(p.result)
    expect(e.code).toBe('timeout')
    const polls = s.requests.filter((q) => q.path === '/api/v1/retrieve_future' && (q.json() as { request_id: string }).request_id === p.requestIds[0])
    expect(polls).toHaveLength(POLL_MAX_408)
  })

  it('the native {error, category} body is a typed failure', async () => {
    const s = await fake()
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    s.pollScript.push({ status: 200, json: { error: 'CUDA out of memory on worker 3', category: 'server' } })
    const e = await rejection((await m.optimStep()).result)
    expect(e.code).toBe('server-oom')
    expect(e.details.category).toBe('server')
  })

  it('AbortSignal cancels a long poll, a backoff and a call that has not been sent', async () => {
    const s = await fake({ holdMs: 5_000, opDelayMs: 5_000 })
    const c = connect(s)
    const m = await c.createLoraModel({ base_model: 'fake/base', rank: 8 })
    const ac = new AbortController()
    const p = await m.forwardBackward([datum()], 'cross_entropy', { signal: ac.signal })
    setTimeout(() => ac.abort(), 50)
    expect((await rejection(p.result)).code).toBe('cancelled')
    // cancelling the wait says nothing about the server: the seq_id stays used
    expect(m.nextSeqId).toBe(2)

    const pre = new AbortController()
    pre.abort()
    expect((await rejection(m.optimStep({}, { signal: pre.signal }))).code).toBe('cancelled')
    expect(m.nextSeqId).toBe(2)

    s.faults.push({ match: (q) => q.path === '/api/v1/healthz', reply: { status: 503, json: { detail: 'down' } }, times: 100 })
    const slow = connect(s, { retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } })
    const ac2 = new AbortController()
    const h = slow.health({ signal: ac2.signal })
    setTimeout(() => ac2.abort(), 50)
    expect((await rejection(h)).code).toBe('cancelled')
  })

  it('close() stops heartbeats and cancels pending waits', async () => {
    const s = await fake({ holdMs: 5_000, opDelayMs: 5_000 })
    const c = connect(s, { heartbeatIntervalMs: 20 })
    const m = await c.createLoraModel({ base_model: 'fake/base', rank: 8 })
    const p = await m.forwardBackward([datum()])
    const heartbeats = () => s.requests.filter((q) => q.path === '/api/v1/session_heartbeat')
    await waitFor(() => heartbeats().length >= 2)
    const beats = heartbeats()
    expect(beats[0].json()).toEqual({ session_id: expect.any(String), type: 'session_heartbeat' })
    c.close()
    expect((await rejection(p.result)).code).toBe('cancelled')
    const after = beats.length
    await new Promise((r) => setTimeout(r, 100))
    expect(s.requests.filter((q) => q.path === '/api/v1/session_heartbeat').length).toBeLessThanOrEqual(after + 1)
  })

  it('heartbeat failures are ignored', async () => {
    const s = await fake()
    const c = connect(s, { heartbeatIntervalMs: 10 })
    const m = await c.createLoraModel({ base_model: 'fake/base', rank: 8 })
    s.state.sessions.clear()
    await new Promise((r) => setTimeout(r, 60))
    await (await m.optimStep()).result
  })
})

describe('chunking and sampling', () => {
  it('splits batches over the server chunk limits into several seq_ids and recombines them', async () => {
    const s = await fake({ clientConfig: { fwdbwd_max_chunk_len: 2 } })
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    const data = [datum(1), datum(2), datum(3), datum(4), datum(5)]
    const p = await m.forwardBackward(data)
    expect(p.seqIds).toEqual([1, 2, 3])
    const r = await p.result
    expect(r.loss_fn_outputs.map((o) => o.logprobs.length)).toEqual([1, 2, 3, 4, 5])
    expect(r.metrics['loss:sum']).toBe(15)
    expect(m.nextSeqId).toBe(4)
  })

  it('splits by estimated bytes too (16 B per SFT token)', async () => {
    const s = await fake({ clientConfig: { fwdbwd_max_chunk_bytes_count: 16 * 10 } })
    const m = await connect(s).createLoraModel({ base_model: 'fake/base', rank: 8 })
    const p = await m.forwardBackward([datum(6), datum(4), datum(1), datum(20)])
    expect(p.seqIds).toEqual([1, 2, 3])
    expect((await p.result).loss_fn_outputs).toHaveLength(4)
  })

  it('samples with stop always sent as a list', async () => {
    const s = await fake()
    const c = connect(s)
    const sc = await c.createSamplingClient({ baseModel: 'fake/base' })
    const r = await sc.sample({ prompt: [5, 6, 7], sampling_params: { max_tokens: 2, stop: '\n', seed: 3 }, num_samples: 2 })
    expect(r.sequences).toEqual([
      { tokens: [5, 6], logprobs: [-0.5, -0.5], stop_reason: 'length' },
      { tokens: [5, 6], logprobs: [-0.5, -0.5], stop_reason: 'length' },
    ])
    const body = s.requests.find((q) => q.path === '/api/v1/asample')!.json() as Record<string, unknown>
    expect(body.sampling_params).toEqual({ max_tokens: 2, seed: 3, stop: ['\n'], temperature: 1, top_k: -1, top_p: 1 })
    expect(body.seq_id).toBe(0)
    await sc.sample({ prompt: [1], sampling_params: { stop: [13, 14] } })
    const second = s.requests.filter((q) => q.path === '/api/v1/asample')[1].json() as { seq_id: number; sampling_params: { stop: unknown } }
    expect(second.seq_id).toBe(1)
    expect(second.sampling_params.stop).toEqual([13, 14])
    await expect(c.createSamplingClient({ modelPath: '/tmp/x' })).rejects.toMatchObject({ code: 'invalid-input' })
    // a sample the server lost (410) is sent again once
    s.pollScript.push({ status: 410, json: { detail: 'Failed to retrieve future: Future with request ID x was cancelled: restart' } })
    expect((await sc.sample({ prompt: [1, 2], sampling_params: {} })).sequences).toHaveLength(1)
    expect(s.requests.filter((q) => q.path === '/api/v1/asample')).toHaveLength(4)
  })
})
