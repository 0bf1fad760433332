/**
 * The sandbox against generated hostile requests (seeded, so every run sends the same ones): bad JSON, wrong
 * types, huge and negative numbers, oversize bodies, bad protobuf, absurd tensor shapes and indices, unknown
 * ids, missing or wrong keys, wrong methods and content types, malformed HTTP. Each is answered with a 4xx —
 * or, for an unknown id in a synchronous lookup, TuFT's own 500 `Internal Server Error` (PROTO §9.1) — and
 * futures it started fail with a 4xx. Afterwards the sandbox still trains, and its peak memory (the process's
 * high-water mark, which no timing can hide) grew by a bounded amount.
 */
import http from 'node:http'
import net from 'node:net'
import { create, toBinary } from '@bufbuild/protobuf'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DType, ForwardBackwardRequestSchema, SparseCsrSchema, TensorSchema, type Tensor } from '../protocol'
import {
  SANDBOX_MAX_CONTEXT,
  SANDBOX_MAX_FWDBWD_BODY_BYTES,
  SANDBOX_MAX_JSON_BODY_BYTES,
  SANDBOX_MAX_TENSOR_ELEMENTS,
} from '../shared/defaults'
import { rawRequest, seededCases } from '../../tests/helpers/raw-socket'
import { NO_FAULTS, startSandbox, type SandboxHandle } from './index'

type Reply = { status: number; type: string; text: string }
type Body = Buffer | string | { stream: number; chunked?: boolean } | { declared: number }
type Case = {
  name: string
  method: string
  path: string
  headers?: Record<string, string>
  body?: Body
  /** The X-API-Key sent: the sandbox's own when absent, none when null. */
  key?: string | null
  /** An id that does not exist is looked up: TuFT answers such synchronous lookups with a bare 500. */
  unknownId?: boolean
  /** Raw bytes instead of an HTTP request built by node:http. */
  raw?: string
}

let sb: SandboxHandle
let session = ''
let model = ''
let sampler = ''
/** The model's next seq_id: no fuzz request may consume one, so it stays put. */
let nextSeq = 1
const PROTO = { 'content-type': 'application/x-protobuf' }
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

const keyHeader = (key: string | null | undefined): Record<string, string> => (key === null ? {} : { 'x-api-key': key ?? sb.apiKey })

function send(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string, key?: string | null): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${sb.url}${path}`, { method, headers: { ...keyHeader(key), ...headers }, agent: false, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString() }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 20 s`)))
    req.on('error', reject)
    req.end(body)
  })
}

const json = (method: string, path: string, body: unknown): Promise<Reply> =>
  send(method, path, { 'content-type': 'application/json' }, JSON.stringify(body))

/** Streams `total` bytes (or announces them and sends none) and returns the status the server answered with. */
function stream(c: Case, body: { stream: number; chunked?: boolean } | { declared: number }): Promise<number | null> {
  const port = Number(new URL(sb.url).port)
  const headers = { host: `127.0.0.1:${port}`, 'content-type': 'application/json', ...keyHeader(c.key), ...c.headers }
  const size = 'stream' in body ? body.stream : body.declared
  const lines = [`${c.method} ${c.path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  lines.push('stream' in body && body.chunked ? 'transfer-encoding: chunked' : `content-length: ${size}`)
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let answer = ''
    let sent = 0
    const piece = Buffer.alloc(1024 * 1024, 0x20)
    const chunkedPiece = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
    const done = (): void => {
      socket.destroy()
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer)
      resolve(m ? Number(m[1]) : null)
    }
    const pump = (): void => {
      while ('stream' in body && sent < size && !socket.destroyed && !answer) {
        sent += piece.length
        if (!socket.write(body.chunked ? chunkedPiece : piece)) return void socket.once('drain', pump)
      }
    }
    socket.on('connect', () => {
      socket.write(`${lines.join('\r\n')}\r\n\r\n`)
      pump()
    })
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1')
      if (answer.includes('\r\n\r\n')) done()
    })
    socket.on('error', done)
    socket.on('close', done)
    setTimeout(done, 20_000)
  })
}

/** A case's final status: its own, or — when it started a future — the status the future settled with. */
async function outcome(c: Case): Promise<Reply> {
  if (c.raw !== undefined) {
    const r = await rawRequest(Number(new URL(sb.url).port), c.raw.replaceAll('{port}', new URL(sb.url).port), { untilHead: true })
    return { status: r.status ?? 0, type: /content-type: ([^\r\n]*)/i.exec(r.head)?.[1] ?? '', text: r.body.toString() }
  }
  let r: Reply
  if (c.body && typeof c.body === 'object' && !Buffer.isBuffer(c.body)) r = { status: (await stream(c, c.body)) ?? 0, type: '', text: '' }
  else r = await send(c.method, c.path, c.headers, c.body as Buffer | string | undefined, c.key)
  if (r.status !== 202) return r
  const id = (JSON.parse(r.text) as { request_id: string }).request_id
  for (;;) {
    const f = await json('POST', '/api/v1/retrieve_future', { request_id: id })
    if (f.status !== 200 || !f.text.includes('"try_again"')) return f
  }
}

// ── valid requests the generators distort ─────────────────────────────────────────────────────────────

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
const dense = (values: number[], dtype = DType.DTYPE_INT64, shape: bigint[] = [BigInt(values.length)]): Tensor =>
  create(TensorSchema, {
    encoding: { case: 'dense', value: bytesOf(dtype === DType.DTYPE_INT64 ? BigInt64Array.from(values.map(BigInt)) : Float32Array.from(values)) },
    dtype,
    shape,
  })

type DatumSpec = { tokens?: Uint8Array; inputs?: Record<string, Tensor>; image?: boolean }
function fwdbwd(opts: { modelId?: string; seqId?: number; lossFn?: string; data?: DatumSpec[] } = {}): Buffer {
  const datum: DatumSpec = {}
  const data = (opts.data ?? [datum]).map((d) => ({
    modelInput: d.image
      ? [{ chunk: { case: 'image' as const, value: { data: new Uint8Array(4), format: 'png' } } }]
      : [{ chunk: { case: 'encodedText' as const, value: { tokens: d.tokens ?? bytesOf(Int32Array.from([11, 12, 13, 14])) } } }],
    lossFnInputs: d.inputs ?? { target_tokens: dense([12, 13, 14, 15]), weights: dense([0, 1, 1, 1], DType.DTYPE_FLOAT32) },
  }))
  const msg = create(ForwardBackwardRequestSchema, { modelId: opts.modelId ?? model, seqId: opts.seqId ?? nextSeq, lossFn: opts.lossFn ?? 'cross_entropy', data })
  return Buffer.from(toBinary(ForwardBackwardRequestSchema, msg))
}
const withInputs = (inputs: Record<string, Tensor>, extra: Partial<DatumSpec> = {}): Buffer => fwdbwd({ data: [{ inputs, ...extra }] })
const sparse = (shape: bigint[], crow: bigint[], col: bigint[], values: number[]): Tensor =>
  create(TensorSchema, {
    encoding: {
      case: 'sparseCsr',
      value: create(SparseCsrSchema, {
        values: bytesOf(Float32Array.from(values)),
        crowIndices: bytesOf(BigInt64Array.from(crow)),
        colIndices: bytesOf(BigInt64Array.from(col)),
      }),
    },
    dtype: DType.DTYPE_FLOAT32,
    shape,
  })
const targets = dense([12, 13, 14, 15])

/** A field of a valid body; optional fields accept null (pydantic `X | None`), required ones do not. */
type Field = { path: string[]; kind: 'string' | 'int' | 'number' | 'bool' | 'object' | 'array'; required?: boolean }
/** `loose`: the route accepts unknown fields (telemetry, as TuFT). */
type Template = { path: string; body: () => Record<string, unknown>; fields: Field[]; loose?: boolean }
const templates = (): Template[] => [
  {
    path: '/api/v1/create_session',
    body: () => ({ tags: [], user_metadata: {}, sdk_version: '0.25.0', type: 'create_session' }),
    fields: [{ path: ['tags'], kind: 'array', required: true }, { path: ['sdk_version'], kind: 'string', required: true }, { path: ['user_metadata'], kind: 'object' }],
  },
  { path: '/api/v1/session_heartbeat', body: () => ({ session_id: session, type: 'session_heartbeat' }), fields: [{ path: ['session_id'], kind: 'string', required: true }] },
  {
    path: '/api/v1/create_model',
    body: () => ({ session_id: session, model_seq_id: 9, base_model: 'sandbox/qwen3-tiny', lora_config: { rank: 4 }, type: 'create_model' }),
    fields: [
      { path: ['session_id'], kind: 'string', required: true },
      { path: ['model_seq_id'], kind: 'int', required: true },
      { path: ['base_model'], kind: 'string', required: true },
      { path: ['lora_config', 'rank'], kind: 'int', required: true },
      { path: ['lora_config', 'train_mlp'], kind: 'bool' },
    ],
  },
  { path: '/api/v1/get_info', body: () => ({ model_id: model }), fields: [{ path: ['model_id'], kind: 'string', required: true }] },
  {
    path: '/api/v1/optim_step',
    body: () => ({ adam_params: { learning_rate: 1e-4 }, model_id: model, seq_id: nextSeq }),
    fields: [
      { path: ['adam_params'], kind: 'object', required: true },
      { path: ['adam_params', 'learning_rate'], kind: 'number' },
      { path: ['adam_params', 'beta1'], kind: 'number' },
      { path: ['model_id'], kind: 'string', required: true },
      { path: ['seq_id'], kind: 'int' },
    ],
  },
  {
    path: '/api/v1/save_weights',
    body: () => ({ model_id: model, path: 'fuzz', seq_id: nextSeq }),
    fields: [{ path: ['model_id'], kind: 'string', required: true }, { path: ['seq_id'], kind: 'int' }, { path: ['overwrite'], kind: 'bool' }],
  },
  {
    path: '/api/v1/create_sampling_session',
    body: () => ({ session_id: session, sampling_session_seq_id: 5, base_model: 'sandbox/qwen3-tiny' }),
    fields: [{ path: ['session_id'], kind: 'string', required: true }, { path: ['sampling_session_seq_id'], kind: 'int', required: true }],
  },
  {
    path: '/api/v1/asample',
    body: () => ({ prompt: { chunks: [{ tokens: [1, 2, 3], type: 'encoded_text' }] }, sampling_params: { max_tokens: 2 }, num_samples: 1, sampling_session_id: sampler, seq_id: 1 }),
    fields: [
      { path: ['prompt'], kind: 'object', required: true },
      { path: ['prompt', 'chunks'], kind: 'array', required: true },
      { path: ['sampling_params'], kind: 'object', required: true },
      { path: ['sampling_params', 'max_tokens'], kind: 'int' },
      { path: ['sampling_params', 'temperature'], kind: 'number' },
      { path: ['num_samples'], kind: 'int' },
      { path: ['topk_prompt_logprobs'], kind: 'int' },
    ],
  },
  { path: '/api/v1/retrieve_future', body: () => ({ request_id: UNKNOWN }), fields: [{ path: ['request_id'], kind: 'string', required: true }, { path: ['allow_metadata_only'], kind: 'bool' }] },
  { path: '/api/v1/weights_info', body: () => ({ tinker_path: `tinker://${UNKNOWN}/weights/x` }), fields: [{ path: ['tinker_path'], kind: 'string', required: true }] },
  { path: '/api/v1/telemetry', body: () => ({ events: [] }), fields: [{ path: ['events'], kind: 'array', required: true }], loose: true },
  { path: '/_sandbox/faults', body: () => ({ latencyMs: 0 }), fields: [{ path: ['latencyMs'], kind: 'number' }, { path: ['oomTokenBudget'], kind: 'int' }] },
]

const WRONG: Record<Field['kind'], unknown[]> = {
  string: [123, true, [], {}, null],
  int: ['7', 1.5, true, [], {}, null, 1e300],
  number: ['x', true, [], {}, null],
  bool: ['true', 1, [], {}, null],
  object: ['x', 1, [], true, null],
  array: ['x', 1, {}, true, null],
}

function setPath(o: Record<string, unknown>, path: string[], value: unknown): void {
  let at = o
  for (const k of path.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>
  at[path[path.length - 1]] = value
}
function dropPath(o: Record<string, unknown>, path: string[]): void {
  let at = o
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>
  delete at[path[path.length - 1]]
}

// ── the generators ────────────────────────────────────────────────────────────────────────────────────

type Rnd = ReturnType<typeof seededCases>
const AUTHED_ROUTES: Array<[string, string]> = [
  ['POST', '/api/v1/client/config'],
  ['POST', '/api/v1/create_session'],
  ['POST', '/api/v1/create_model'],
  ['POST', '/api/v1/forward_backward'],
  ['POST', '/api/v1/optim_step'],
  ['POST', '/api/v1/asample'],
  ['POST', '/api/v1/retrieve_future'],
  ['GET', '/api/v1/training_runs'],
  ['GET', '/api/v1/checkpoints'],
  ['POST', '/_sandbox/faults'],
]

const generators: Array<(rnd: Rnd) => Case> = [
  // A missing, empty or wrong key, whatever the body (even one announced as 1.5 GB and never sent).
  (rnd) => {
    const [method, path] = rnd.pick(AUTHED_ROUTES)
    const key = rnd.pick([null, '', 'tml-wrong-key', 'x'.repeat(5000), `${sb.apiKey} `])
    const body = rnd.pick<Body | undefined>([undefined, '{}', 'not json', { declared: 1_610_612_736 }, Buffer.alloc(rnd.int(4096), 7)])
    return { name: `key ${JSON.stringify(key?.slice(0, 12) ?? null)} on ${method} ${path}`, method, path, key, body }
  },
  // Wrong methods, unknown paths.
  (rnd) => {
    const [method, path] = rnd.pick(AUTHED_ROUTES)
    const other = rnd.pick(['PUT', 'PATCH', 'DELETE', method === 'GET' ? 'POST' : 'GET'])
    return rnd.next() < 0.5
      ? { name: `${other} ${path}`, method: other, path }
      : { name: `unknown path`, method, path: rnd.pick(['/api/v2/healthz', '/api/v1/forward_backward/x', '/%00', '/api/v1/../../etc/passwd', `/${'a'.repeat(3000)}`]) }
  },
  // Bodies that are not JSON at all, or JSON of the wrong shape.
  (rnd) => {
    const t = rnd.pick(templates())
    const junk = rnd.pick<string | Buffer>([
      '',
      '{',
      '[1,2',
      'nul',
      '{"a":}',
      'NaN',
      '1e400',
      '[]',
      '"str"',
      '[['.repeat(50_000),
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
      Buffer.from(Array.from({ length: 64 }, () => rnd.int(256))),
    ])
    return { name: `junk body on ${t.path}`, method: 'POST', path: t.path, headers: { 'content-type': 'application/json' }, body: junk }
  },
  // One field of a valid body with the wrong type, missing, or an unknown field added.
  (rnd) => {
    const t = rnd.pick(templates())
    const body = t.body()
    const f = rnd.pick(t.fields)
    const how = rnd.pick(['wrong type', 'missing', 'extra field'] as const)
    if (how === 'missing' && f.required) dropPath(body, f.path)
    else if (how === 'extra field' && !t.loose) body[`unexpected_${rnd.int(100)}`] = 1
    else setPath(body, f.path, rnd.pick(WRONG[f.kind].filter((v) => v !== null || f.required)))
    const what = how === 'missing' && f.required ? 'missing' : how === 'extra field' && !t.loose ? 'extra field' : 'wrong type'
    return { name: `${t.path}: ${f.path.join('.')} ${what}`, method: 'POST', path: t.path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
  },
  // Numbers of the right type but absurd size or sign, on objects that exist.
  (rnd) => {
    const huge = rnd.pick([1e9, 2 ** 31, 2 ** 53, -1, -(2 ** 31), 0])
    const sample = (patch: Record<string, unknown>, params: Record<string, unknown> = {}) => ({
      prompt: { chunks: [{ tokens: [1, 2, 3], type: 'encoded_text' }] },
      sampling_params: { max_tokens: 2, ...params },
      num_samples: 1,
      sampling_session_id: sampler,
      seq_id: 1,
      ...patch,
    })
    const options: Array<[string, unknown]> = [
      ['/api/v1/asample', sample({ num_samples: huge === 0 ? 1e9 : huge })],
      ['/api/v1/asample', sample({}, { max_tokens: huge })],
      ['/api/v1/asample', sample({ topk_prompt_logprobs: huge || 1e6, prompt_logprobs: true })],
      ['/api/v1/asample', sample({ prompt: { chunks: [{ tokens: [huge || 2 ** 31, 5], type: 'encoded_text' }] } })],
      ['/api/v1/asample', sample({ prompt: { chunks: [] } })],
      ['/api/v1/create_model', { session_id: session, model_seq_id: 3, base_model: 'sandbox/qwen3-tiny', lora_config: { rank: huge } }],
      ['/api/v1/optim_step', { adam_params: {}, model_id: model, seq_id: nextSeq + (huge || 7) }],
      ['/api/v1/save_weights', { model_id: model, path: rnd.pick(['../../escape', 'a/b', '..', 'x\u0000y']), seq_id: nextSeq }],
    ]
    const [path, body] = rnd.pick(options)
    return { name: `absurd number on ${path} (${huge})`, method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
  },
  // Query parameters out of range or not numbers.
  (rnd) => {
    const path = rnd.pick(['/api/v1/training_runs', '/api/v1/checkpoints', '/api/v1/sessions', `/api/v1/training_runs/${model}/checkpoints`])
    const q = rnd.pick(['limit=-1', 'limit=abc', 'limit=1e12', 'limit=99999999999999999999999', 'offset=-5', 'offset=1.5', 'limit=', 'limit=%zz'])
    return { name: `GET ${path}?${q}`, method: 'GET', path: `${path}?${q}` }
  },
  // Unknown ids, in every shape a lookup can take.
  (rnd) => {
    const id = rnd.pick([UNKNOWN, 'x', '%zz', '..', 'a'.repeat(2000)])
    const enc = encodeURIComponent(id).replace('%25zz', '%zz')
    const options: Case[] = [
      { name: 'get_info', method: 'POST', path: '/api/v1/get_info', body: JSON.stringify({ model_id: id }) },
      { name: 'heartbeat', method: 'POST', path: '/api/v1/session_heartbeat', body: JSON.stringify({ session_id: id }) },
      { name: 'session', method: 'GET', path: `/api/v1/sessions/${enc}` },
      { name: 'sampler', method: 'GET', path: `/api/v1/samplers/${enc}` },
      { name: 'run', method: 'GET', path: `/api/v1/training_runs/${enc}` },
      { name: 'checkpoint delete', method: 'DELETE', path: `/api/v1/training_runs/${model}/checkpoints/${enc}` },
      { name: 'publish', method: 'POST', path: `/api/v1/training_runs/${enc}/checkpoints/weights%2F${enc}/publish` },
      { name: 'archive', method: 'GET', path: `/api/v1/training_runs/${model}/checkpoints/${enc}/archive` },
      { name: 'future', method: 'POST', path: '/api/v1/retrieve_future', body: JSON.stringify({ request_id: id }) },
      { name: 'unload', method: 'POST', path: '/api/v1/unload_model', body: JSON.stringify({ model_id: id }) },
      { name: 'sampling session', method: 'POST', path: '/api/v1/create_sampling_session', body: JSON.stringify({ session_id: id, sampling_session_seq_id: 1, base_model: 'sandbox/qwen3-tiny' }) },
      { name: 'weights', method: 'POST', path: '/api/v1/weights_info', body: JSON.stringify({ tinker_path: `tinker://${id}/weights/x` }) },
      { name: 'load', method: 'POST', path: '/api/v1/load_weights', body: JSON.stringify({ model_id: model, path: `tinker://${id}/weights/x`, optimizer: false, seq_id: nextSeq }) },
      { name: 'fwdbwd on unknown model', method: 'POST', path: '/api/v1/forward_backward', headers: PROTO, body: fwdbwd({ modelId: id }) },
      { name: 'sample with unknown sampler', method: 'POST', path: '/api/v1/asample', body: JSON.stringify({ prompt: { chunks: [{ tokens: [1] }] }, sampling_params: {}, sampling_session_id: id, seq_id: 1 }) },
    ]
    const c = rnd.pick(options)
    return { ...c, name: `unknown id (${id.slice(0, 8)}): ${c.name}`, headers: c.headers ?? { 'content-type': 'application/json' }, unknownId: true }
  },
  // forward_backward bodies that are not a ForwardBackwardRequest, or not one the sandbox can use.
  (rnd) => {
    const valid = fwdbwd({ modelId: UNKNOWN })
    const options: Array<[string, Buffer, Record<string, string>?]> = [
      ['random bytes', Buffer.from(Array.from({ length: 1 + rnd.int(512) }, () => rnd.int(256)))],
      ['truncated', valid.subarray(0, 1 + rnd.int(valid.length - 2))],
      ['empty datums past the field budget', Buffer.alloc(4_000_000, Buffer.from([0x1a, 0x00]))],
      ['a shape of a million dimensions', withInputs({ target_tokens: { ...targets, shape: Array.from({ length: 1_000_000 }, () => 1n) } as Tensor })],
      ['unknown loss_fn', fwdbwd({ lossFn: rnd.pick(['', 'mse', 'x'.repeat(1000)]) })],
      ['unsupported dtype', withInputs({ target_tokens: { ...targets, dtype: rnd.pick([0, 99]) } as Tensor, weights: dense([0, 1, 1, 1], DType.DTYPE_FLOAT32) })],
      ['ragged tensor bytes', withInputs({ target_tokens: { ...targets, encoding: { case: 'dense', value: new Uint8Array(13) } } as Tensor, weights: dense([1], DType.DTYPE_FLOAT32) })],
      ['dense values not matching the shape', withInputs({ target_tokens: dense([12, 13, 14, 15], DType.DTYPE_INT64, [BigInt(rnd.pick([3e8, 5, 0, 2 ** 40]))]), weights: dense([0, 1, 1, 1], DType.DTYPE_FLOAT32) })],
      ['negative shape', withInputs({ target_tokens: dense([12, 13, 14, 15], DType.DTYPE_INT64, [-1n, -4n]), weights: dense([0, 1, 1, 1], DType.DTYPE_FLOAT32) })],
      ['zstd body', valid, { 'content-encoding': rnd.pick(['zstd', 'gzip', 'br']) }],
      ['JSON content type', valid, { 'content-type': rnd.pick(['application/json', 'text/plain', '', 'application/x-protobufx']) }],
    ]
    const [name, body, headers] = rnd.pick(options)
    return { name: `fwdbwd: ${name}`, method: 'POST', path: '/api/v1/forward_backward', headers: { ...PROTO, ...headers }, body }
  },
  // Sparse tensors whose shape or indices point anywhere.
  (rnd) => {
    const big = BigInt(rnd.pick([3e8, 2 ** 31, SANDBOX_MAX_TENSOR_ELEMENTS + 1, 2 ** 62]))
    const options: Array<[string, Tensor]> = [
      ['shape [1, huge]', sparse([1n, big], [0n, 1n], [0n], [1])],
      ['shape [huge]', sparse([big], [0n, 1n], [0n], [1])],
      ['shape [huge, huge]', sparse([big, big], [0n, 1n], [0n], [1])],
      ['three dimensions', sparse([1n, 1n, 4n], [0n, 1n], [0n], [1])],
      ['a row index of 2e9', sparse([1n, 4n], [0n, 2_000_000_000n], [0n], [1])],
      ['a negative row index', sparse([1n, 4n], [0n, -5n], [0n], [1])],
      ['decreasing row indices', sparse([2n, 4n], [0n, 1n, 0n], [0n], [1])],
      ['too few row indices', sparse([3n, 4n], [0n, 1n], [0n], [1])],
      ['a column index of 1e12', sparse([1n, 4n], [0n, 1n], [1_000_000_000_000n], [1])],
      ['a negative column index', sparse([1n, 4n], [0n, 1n], [-1n], [1])],
      ['more values than indices', sparse([1n, 4n], [0n, 1n], [0n], [1, 1, 1])],
    ]
    const [name, weights] = rnd.pick(options)
    return { name: `sparse weights: ${name}`, method: 'POST', path: '/api/v1/forward_backward', headers: PROTO, body: withInputs({ target_tokens: targets, weights }) }
  },
  // Well-formed protobuf the trainer must refuse before it computes anything.
  (rnd) => {
    const tokens = (ids: number[]): Uint8Array => bytesOf(Int32Array.from(ids))
    const long = SANDBOX_MAX_CONTEXT * rnd.pick([2, 25])
    const options: Array<[string, Buffer]> = [
      ['tokens out of the vocabulary', fwdbwd({ data: [{ tokens: tokens([11, rnd.pick([-1, 2 ** 31 - 1, 151_669]), 13, 14]) }] })],
      ['targets out of the vocabulary', withInputs({ target_tokens: dense([12, -3, 14, 2 ** 40]), weights: dense([0, 1, 1, 1], DType.DTYPE_FLOAT32) })],
      [`a datum of ${long} tokens`, fwdbwd({ data: [{ tokens: tokens(Array.from({ length: long }, (_, i) => i % 1000)), inputs: { target_tokens: dense(Array.from({ length: long }, (_, i) => i % 1000)), weights: dense(Array.from({ length: long }, () => 1), DType.DTYPE_FLOAT32) } }] })],
      ['targets longer than the input', withInputs({ target_tokens: dense([1, 2, 3, 4, 5, 6]), weights: dense([1, 1, 1, 1, 1, 1], DType.DTYPE_FLOAT32) })],
      ['weights of another length', withInputs({ target_tokens: targets, weights: dense([1, 1], DType.DTYPE_FLOAT32) })],
      ['no target_tokens', withInputs({ weights: dense([0, 1, 1, 1], DType.DTYPE_FLOAT32) })],
      ['no weights', withInputs({ target_tokens: targets })],
      ['an image chunk', fwdbwd({ data: [{ image: true }] })],
      ['a stale seq_id', fwdbwd({ seqId: rnd.pick([0, -1, 2 ** 31 - 1]) })],
    ]
    const [name, body] = rnd.pick(options)
    return { name: `fwdbwd: ${name}`, method: 'POST', path: '/api/v1/forward_backward', headers: PROTO, body }
  },
  // Bodies over the limit: announced, streamed, or chunked without a length.
  (rnd) => {
    const fwd = rnd.next() < 0.5
    const limit = fwd ? SANDBOX_MAX_FWDBWD_BODY_BYTES : SANDBOX_MAX_JSON_BODY_BYTES
    const path = fwd ? '/api/v1/forward_backward' : rnd.pick(['/api/v1/create_session', '/api/v1/asample', '/api/v1/telemetry'])
    const body = rnd.pick<Body>([{ declared: limit + 1 }, { declared: 2 ** 40 }, { stream: limit + 1024 * 1024 }, { stream: limit + 1024 * 1024, chunked: true }])
    return { name: `oversize body on ${path}: ${JSON.stringify(body)}`, method: 'POST', path, headers: fwd ? PROTO : {}, body }
  },
  // HTTP that node:http would never send.
  (rnd) => {
    const raw = rnd.pick([
      'GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n',
      'POST /api/v1/create_session HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: abc\r\n\r\n',
      'POST /api/v1/create_session HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: -1\r\n\r\n',
      'POST /api/v1/create_session HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      'POST /api/v1/create_session HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'GET /api/v1/healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Bad\u0001Header: 1\r\n\r\n',
      `GET /api/v1/healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`,
      'BREW /api/v1/healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n',
      'GET /api/v1/healthz HTTP/9.9\r\nHost: 127.0.0.1:{port}\r\n\r\n',
    ])
    return { name: `raw: ${JSON.stringify(raw.slice(0, 50))}`, method: '', path: '', raw }
  },
]

const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024

beforeAll(async () => {
  sb = await startSandbox({ longPollMs: 2_000 })
  const s = await json('POST', '/api/v1/create_session', { tags: [], user_metadata: {}, sdk_version: '0.25.0', type: 'create_session' })
  session = (JSON.parse(s.text) as { session_id: string }).session_id
  const m = await json('POST', '/api/v1/create_model', { session_id: session, model_seq_id: 0, base_model: 'sandbox/qwen3-tiny', lora_config: { rank: 4 }, type: 'create_model' })
  model = (JSON.parse(m.text) as { model_id: string }).model_id
  const ss = await json('POST', '/api/v1/create_sampling_session', { session_id: session, sampling_session_seq_id: 1, base_model: 'sandbox/qwen3-tiny' })
  sampler = (JSON.parse(ss.text) as { sampling_session_id: string }).sampling_session_id
  // Warm up every path a valid request takes (compute workers, the sampler), so the memory baseline holds them.
  expect((await outcome({ name: 'warm-up', method: 'POST', path: '/api/v1/forward_backward', headers: PROTO, body: fwdbwd() })).status).toBe(200)
  expect((await outcome({ name: 'warm-up', method: 'POST', path: '/api/v1/optim_step', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ adam_params: {}, model_id: model, seq_id: 2 }) })).status).toBe(200)
  nextSeq = 3
  const sample = { prompt: { chunks: [{ tokens: [1, 2, 3] }] }, sampling_params: { max_tokens: 2 }, sampling_session_id: sampler, seq_id: 1 }
  expect((await outcome({ name: 'warm-up', method: 'POST', path: '/api/v1/asample', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sample) })).status).toBe(200)
})

afterAll(async () => {
  await sb?.close()
})

describe('sandbox under generated hostile requests', () => {
  it('answers 165 of them with a 4xx (or TuFT’s bare 500 for an unknown id), keeps training, and its peak memory stays bounded', async () => {
    const rnd = seededCases(20240807)
    // The reproductions from the outside audit, then the generated ones.
    const fwd = { method: 'POST', path: '/api/v1/forward_backward', headers: PROTO }
    const cases: Case[] = [
      { ...fwd, name: 'a ~200-byte sparse tensor of shape [1, 3e8]', body: withInputs({ target_tokens: targets, weights: sparse([1n, 300_000_000n], [0n, 1n], [0n], [1]) }) },
      { ...fwd, name: 'a sparse row index of 2e9', body: withInputs({ target_tokens: targets, weights: sparse([1n, 4n], [0n, 2_000_000_000n], [0n], [1]) }) },
      { ...fwd, name: 'an unauthenticated 256 MiB body', key: null, body: { stream: 256 * 1024 * 1024 } },
      { method: 'POST', path: '/api/v1/create_session', name: 'an unauthenticated body announced as 1.5 GB', key: null, body: { declared: 1_610_612_736 } },
      { method: '', path: '', name: 'GET http://[', raw: 'GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n' },
    ]
    for (let i = 0; i < 160; i++) cases.push(generators[i % generators.length](rnd))
    const baseline = maxRssMb()
    const failures: string[] = []
    // A few at a time, so requests also meet each other mid-flight.
    for (let i = 0; i < cases.length; i += 4) {
      await Promise.all(
        cases.slice(i, i + 4).map(async (c) => {
          const r = await outcome(c)
          const clientError = r.status >= 400 && r.status < 500
          const tuftUnknownId = c.unknownId === true && r.status === 500 && r.type.startsWith('text/plain') && r.text === 'Internal Server Error'
          if (!clientError && !tuftUnknownId) failures.push(`${c.name} → ${r.status} ${r.text.slice(0, 200)}`)
        }),
      )
    }
    expect(failures).toEqual([])

    // Still the same sandbox: no fault was switched on, the model's seq_id did not move, and it trains.
    expect(JSON.parse((await send('GET', '/_sandbox/faults')).text)).toEqual(NO_FAULTS)
    const step = await outcome({ name: 'after', method: 'POST', path: '/api/v1/forward_backward', headers: PROTO, body: fwdbwd() })
    expect(step.status).toBe(200)
    const optim = await outcome({ name: 'after', method: 'POST', path: '/api/v1/optim_step', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ adam_params: {}, model_id: model, seq_id: nextSeq + 1 }) })
    expect(optim.status).toBe(200)

    // The cases above announce gigabytes and stream hundreds of megabytes; none of it may stay with the sandbox.
    const growth = maxRssMb() - baseline
    console.log(`sandbox fuzz: ${cases.length} requests, peak RSS ${baseline.toFixed(0)} → ${maxRssMb().toFixed(0)} MB`)
    expect(growth).toBeLessThan(200)
  })
})
