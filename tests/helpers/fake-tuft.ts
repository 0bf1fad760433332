import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import { randomUUID } from 'node:crypto'
import {
  ArrayRecordSchema,
  BatchedTensorSchema,
  DType,
  ForwardBackwardOutputSchema,
  ForwardBackwardRequestSchema,
  SampleResponseSchema,
  SampledSequenceSchema,
  StopReason,
} from '../../src/protocol'
import { startScriptedServer, type RecordedRequest, type ScriptedReply, type TestServer } from './http-servers'

/**
 * A small scripted TuFT for client error-path tests: real auth, sessions, the seq_id guard with no increment
 * on failure, long-poll futures answering try_again, TuFT's status/detail texts — plus hooks to inject faults.
 * Numbers are toy values (logprob −1 per target, loss:sum = Σ weights); the real trainer is src/sandbox.
 */
export type Failure = { status: number; detail: string }

export type FakeTuftState = {
  models: Map<string, { base: string; rank: number; nextSeq: number; queue: Promise<void> }>
  sessions: Set<string>
  futures: Map<string, { done: Promise<void>; payload?: { kind: 'fwdbwd' | 'sample' | 'json'; value: unknown }; error?: Failure }>
  /** Ops that actually ran, in order: `${kind}:${seq}`. */
  executed: string[]
}

export const newFakeState = (): FakeTuftState => ({ models: new Map(), sessions: new Set(), futures: new Map(), executed: [] })

export type Fault = {
  match: (req: RecordedRequest) => boolean
  reply: ScriptedReply
  /** How many times it fires (default 1). */
  times?: number
  /** Run the real handler first, then answer with `reply` (e.g. drop after the POST was processed). */
  afterHandling?: boolean
}

export type FakeTuftOptions = {
  keys?: string[]
  baseModels?: string[]
  maxRank?: number
  holdMs?: number
  opDelayMs?: number
  /** Training ops wait for this before running: a test can hold them while it checks what was only accepted. */
  opGate?: Promise<unknown>
  clientConfig?: Record<string, unknown>
  state?: FakeTuftState
  port?: number
}

export type FakeTuft = TestServer & {
  state: FakeTuftState
  faults: Fault[]
  /** Fails the guarded op with this seq (after the guard passed) with the given status/detail. */
  failOp: Map<number, Failure>
  /** Replies handed out to retrieve_future polls before the real answer. */
  pollScript: ScriptedReply[]
}

const f32 = (xs: number[]) => {
  const b = new Uint8Array(xs.length * 4)
  const v = new DataView(b.buffer)
  xs.forEach((x, i) => v.setFloat32(i * 4, x, true))
  return b
}
const i64 = (xs: number[]) => {
  const b = new Uint8Array(xs.length * 8)
  const v = new DataView(b.buffer)
  xs.forEach((x, i) => v.setBigInt64(i * 8, BigInt(x), true))
  return b
}
const i32 = (xs: number[]) => {
  const b = new Uint8Array(xs.length * 4)
  const v = new DataView(b.buffer)
  xs.forEach((x, i) => v.setInt32(i * 4, x, true))
  return b
}
const tensorLength = (t: { encoding: { case?: string; value?: unknown }; dtype: DType }) =>
  t.encoding.case === 'dense' ? (t.encoding.value as Uint8Array).length / (t.dtype === DType.DTYPE_INT64 ? 8 : 4) : 0

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export const startFakeTuft = async (opts: FakeTuftOptions = {}): Promise<FakeTuft> => {
  const keys = new Set(opts.keys ?? ['tml-good'])
  const bases = opts.baseModels ?? ['fake/base']
  const maxRank = opts.maxRank ?? 64
  const state = opts.state ?? newFakeState()
  const faults: Fault[] = []
  const failOp = new Map<number, Failure>()
  const pollScript: ScriptedReply[] = []

  const future = (work: () => Promise<{ kind: 'fwdbwd' | 'sample' | 'json'; value: unknown }>) => {
    const id = randomUUID()
    const rec: FakeTuftState['futures'] extends Map<string, infer V> ? V : never = { done: Promise.resolve() }
    rec.done = work().then(
      (p) => void (rec.payload = p),
      (e: Failure) => void (rec.error = e),
    )
    state.futures.set(id, rec)
    return id
  }

  /** TuFT's _with_sequence_guard: ops run in arrival order; a mismatch or failure leaves next_seq_id alone. */
  const guarded = (modelId: string, seq: number | undefined, kind: string, run: () => unknown) =>
    future(async () => {
      const m = state.models.get(modelId)
      if (!m) throw { status: 404, detail: `Failed to retrieve future: Unknown model: ${modelId}` }
      const turn = m.queue.then(async () => {
        if (opts.opGate) await opts.opGate
        if (opts.opDelayMs) await sleep(opts.opDelayMs)
        if (seq !== undefined && seq !== m.nextSeq)
          throw { status: 409, detail: `Failed to retrieve future: Sequence conflict: expected ${m.nextSeq}, got ${seq}.` }
        const injected = seq !== undefined ? failOp.get(seq) : undefined
        if (injected) {
          failOp.delete(seq!)
          throw injected
        }
        const value = run()
        state.executed.push(`${kind}:${seq}`)
        if (seq !== undefined) m.nextSeq++
        return value
      })
      m.queue = turn.then(
        () => undefined,
        () => undefined,
      )
      return (await turn) as { kind: 'fwdbwd' | 'sample' | 'json'; value: unknown }
    })

  const handle = async (req: RecordedRequest): Promise<ScriptedReply> => {
    const p = req.path
    if (p === '/api/v1/healthz') return { status: 200, json: { status: 'ok' } }
    if (p === '/api/v1/get_server_capabilities')
      return {
        status: 200,
        json: { supported_models: bases.map((b) => ({ model_name: b, max_context_length: 4096, max_lora_rank: maxRank, capabilities: ['training', 'sampling'] })) },
      }
    const key = req.headers['x-api-key']
    if (!key) return { status: 401, json: { detail: 'Missing API key' } }
    if (!keys.has(String(key))) return { status: 403, json: { detail: 'Invalid API key' } }
    const body = req.method === 'POST' && p !== '/api/v1/forward_backward' ? (req.json() as Record<string, unknown>) : {}
    const futureReply = (id: string, modelId: unknown) => ({ status: 202, json: { request_id: id, model_id: modelId ?? null } })

    switch (p) {
      case '/api/v1/client/config':
        return { status: 200, json: { pjwt_auth_enabled: false, fwdbwd_max_chunk_len: 1024, fwdbwd_max_chunk_bytes_count: 5_000_000, ...opts.clientConfig } }
      case '/api/v1/create_session': {
        const id = randomUUID()
        state.sessions.add(id)
        return { status: 201, json: { type: 'create_session', session_id: id } }
      }
      case '/api/v1/session_heartbeat':
        return state.sessions.has(String(body.session_id))
          ? { status: 200, json: { type: 'session_heartbeat' } }
          : { status: 500, body: 'Internal Server Error', contentType: 'text/plain; charset=utf-8' }
      case '/api/v1/create_model': {
        if (!state.sessions.has(String(body.session_id)))
          return { status: 404, json: { detail: `Failed to create model: Session ${String(body.session_id)} not found.` } }
        const base = String(body.base_model)
        if (!bases.includes(base)) return { status: 404, json: { detail: `Failed to create model: Unknown model: ${base}` } }
        const rank = Number((body.lora_config as { rank: number }).rank)
        if (rank > maxRank)
          return { status: 400, json: { detail: `Failed to create model: LoRA rank ${rank} exceeds the server maximum ${maxRank} (max_lora_rank)` } }
        const id = randomUUID()
        state.models.set(id, { base, rank, nextSeq: 1, queue: Promise.resolve() })
        return futureReply(future(async () => ({ kind: 'json', value: { model_id: id, type: 'create_model' } })), id)
      }
      case '/api/v1/get_info': {
        const m = state.models.get(String(body.model_id))
        if (!m) return { status: 500, body: 'Internal Server Error', contentType: 'text/plain; charset=utf-8' }
        return {
          status: 200,
          json: { type: null, model_data: { arch: 'toy-transformer', model_name: m.base, tokenizer_id: m.base }, model_id: body.model_id, is_lora: true, lora_rank: m.rank, model_name: m.base },
        }
      }
      case '/api/v1/forward_backward': {
        const ct = String(req.headers['content-type'] ?? '')
        if (!/^application\/(x-)?protobuf/.test(ct)) return { status: 415, json: { detail: `Unsupported Content-Type '${ct}'; expected application/x-protobuf` } }
        let msg
        try {
          msg = fromBinary(ForwardBackwardRequestSchema, req.body)
        } catch (e) {
          return { status: 422, json: { detail: `Invalid protobuf request: ${(e as Error).message}` } }
        }
        const data = msg.data
        const id = guarded(msg.modelId, msg.seqId, msg.forwardOnly ? 'forward' : 'forward_backward', () => {
          const lens = data.map((d) => {
            const w = d.lossFnInputs.weights
            const t = d.lossFnInputs.target_tokens
            if (!w) throw { status: 400, detail: "Failed to retrieve future: Missing 'weights' in loss_fn_inputs." }
            const lw = tensorLength(w)
            const lt = tensorLength(t)
            if (lw !== lt)
              throw { status: 409, detail: `Failed to retrieve future: Input tensors must have the same shape. Got shapes: [torch.Size([1, ${lw}]), torch.Size([1, ${lt}])]` }
            return { lt, w: new DataView((w.encoding.value as Uint8Array).slice().buffer) }
          })
          let loss = 0
          for (const { lt, w } of lens) for (let i = 0; i < lt; i++) loss += w.getFloat32(i * 4, true)
          return {
            kind: 'fwdbwd',
            value: { logprobs: lens.map(({ lt }) => new Array<number>(lt).fill(-1)), metrics: { 'loss:sum': loss } },
          }
        })
        return futureReply(id, msg.modelId)
      }
      case '/api/v1/optim_step':
        return futureReply(
          guarded(String(body.model_id), body.seq_id as number | undefined, 'optim_step', () => ({ kind: 'json', value: { metrics: { 'learning_rate:mean': (body.adam_params as { learning_rate: number }).learning_rate } } })),
          body.model_id,
        )
      case '/api/v1/save_weights':
        return futureReply(
          guarded(String(body.model_id), body.seq_id as number | undefined, 'save_weights', () => ({ kind: 'json', value: { path: `tinker://${String(body.model_id)}/weights/${String(body.path)}`, type: null } })),
          body.model_id,
        )
      case '/api/v1/save_weights_for_sampler':
        return futureReply(
          guarded(String(body.model_id), body.seq_id as number | undefined, 'save_weights_for_sampler', () => ({ kind: 'json', value: { path: `tinker://${String(body.model_id)}/sampler_weights/${String(body.path)}`, sampling_session_id: null, type: null } })),
          body.model_id,
        )
      case '/api/v1/load_weights': {
        // TuFT looks the checkpoint up before the seq_id guard.
        const missing: Failure = { status: 404, detail: `Failed to retrieve future: Failed to read metadata for checkpoint ${String(body.path)}.` }
        const known = String(body.path).endsWith('/weights/known')
        return futureReply(
          known
            ? guarded(String(body.model_id), body.seq_id as number | undefined, 'load_weights', () => ({
                kind: 'json',
                value: { path: body.path, model_id: null, type: null },
              }))
            : future(async () => {
                throw missing
              }),
          body.model_id,
        )
      }
      case '/api/v1/unload_model': {
        if (!state.models.delete(String(body.model_id))) return { status: 404, json: { detail: `Failed to unload model: Unknown model: ${String(body.model_id)}` } }
        return futureReply(future(async () => ({ kind: 'json', value: { model_id: body.model_id, type: null } })), body.model_id)
      }
      case '/api/v1/create_sampling_session':
        return { status: 201, json: { type: 'create_sampling_session', sampling_session_id: randomUUID() } }
      case '/api/v1/asample': {
        const prompt = (body.prompt as { chunks: { tokens: number[] }[] }).chunks.flatMap((c) => c.tokens)
        const n = Number(body.num_samples)
        const max = Number((body.sampling_params as { max_tokens?: number }).max_tokens ?? 16)
        return futureReply(future(async () => ({ kind: 'sample', value: { n, tokens: prompt.slice(0, max) } })), null)
      }
      case '/api/v1/retrieve_future': {
        const scripted = pollScript.shift()
        if (scripted) return scripted
        const id = String(body.request_id)
        const rec = state.futures.get(id)
        if (!rec) return { status: 404, json: { detail: `Failed to retrieve future: Future with request ID ${id} not found.` } }
        const timedOut = await Promise.race([rec.done.then(() => false), sleep(opts.holdMs ?? 2_000).then(() => true)])
        if (timedOut) return { status: 200, json: { type: 'try_again', request_id: id, queue_state: 'active' } }
        if (rec.error) return { status: rec.error.status, json: { detail: rec.error.detail } }
        const proto = String(req.headers.accept ?? '').includes('application/x-protobuf')
        const pl = rec.payload!
        if (pl.kind === 'fwdbwd') {
          const v = pl.value as { logprobs: number[][]; metrics: Record<string, number> }
          if (!proto)
            return { status: 200, json: { loss_fn_output_type: 'cross_entropy', loss_fn_outputs: v.logprobs.map((l) => ({ logprobs: { data: l, dtype: 'float32', shape: [l.length] } })), metrics: v.metrics } }
          const offsets = [0]
          for (const l of v.logprobs) offsets.push(offsets[offsets.length - 1] + l.length * 4)
          const out = create(ForwardBackwardOutputSchema, {
            lossFnOutputType: 'cross_entropy',
            metrics: v.metrics,
            lossFnOutputs: [
              create(ArrayRecordSchema, {
                typeTag: 'cross_entropy',
                numDatums: BigInt(v.logprobs.length),
                fields: { logprobs: create(BatchedTensorSchema, { data: f32(v.logprobs.flat()), offsets: i64(offsets), dtype: DType.DTYPE_FLOAT32 }) },
              }),
            ],
          })
          return { status: 200, body: toBinary(ForwardBackwardOutputSchema, out), contentType: 'application/x-protobuf' }
        }
        if (pl.kind === 'sample') {
          const v = pl.value as { n: number; tokens: number[] }
          const seqs = Array.from({ length: v.n }, () =>
            create(SampledSequenceSchema, { stopReason: StopReason.LENGTH, tokens: i32(v.tokens), logprobs: f32(v.tokens.map(() => -0.5)) }),
          )
          if (!proto) return { status: 200, json: { type: 'sample', sequences: v.tokens.length ? seqs.map(() => ({ stop_reason: 'length', tokens: v.tokens, logprobs: v.tokens.map(() => -0.5) })) : [] } }
          return { status: 200, body: toBinary(SampleResponseSchema, create(SampleResponseSchema, { sequences: seqs })), contentType: 'application/x-protobuf' }
        }
        return { status: 200, json: pl.value }
      }
      default:
        return { status: 404, json: { detail: 'Not Found' } }
    }
  }

  const srv = await startScriptedServer(async (req) => {
    const i = faults.findIndex((f) => f.match(req))
    if (i >= 0) {
      const f = faults[i]
      f.times = (f.times ?? 1) - 1
      if (f.times <= 0) faults.splice(i, 1)
      if (f.afterHandling) await handle(req)
      return f.reply
    }
    return handle(req)
  }, opts.port ?? 0)
  return { ...srv, state, faults, failOp, pollScript }
}
