import os from 'node:os'
import { z } from 'zod'
import {
  ADAM_DEFAULTS,
  FWDBWD_MAX_CHUNK_BYTES,
  FWDBWD_MAX_CHUNK_LEN,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
} from '../../../shared/defaults'
import { registerSecret } from '../../../shared/redact'
import { asStudioError, ok, type Result } from '../../../shared/result'
import { chunkDatums, combineForwardBackward } from './chunking'
import {
  decodeForwardBackwardOutput,
  decodeSampleResponse,
  encodeForwardBackwardRequest,
  parseForwardBackwardJson,
  parseSampleJson,
  validateDatums,
  type ForwardBackwardResult,
  type SampleResult,
  type TuftDatum,
} from './codec'
import { discoverServer, type DiscoveredServer, type Env } from './discovery'
import { TuftError, type KeyInfo, type KeySource } from './errors'
import { pollFuture, type RequestType } from './futures'
import { restCalls, type RestCalls } from './rest'
import { DEFAULT_RETRY, Transport, replyJson, type HttpReply, type RequestSpec, type RetryPolicy } from './http'

/** What the client tells the server it speaks; TuFT pins tinker>=0.25,<0.26. */
export const SDK_VERSION = '0.25.0'

export type AdamParams = { -readonly [K in keyof typeof ADAM_DEFAULTS]: number }

export type CallOptions = { signal?: AbortSignal }

/**
 * A training call the server has accepted (202). `result` settles when the server has run it.
 * `maybeDuplicated`: a POST of it was sent again after its reply was lost (reset, timeout, gateway error), so
 * the server may hold two copies; the seq_id guard runs only one of them, and when the first one ran, `result`
 * is the second copy's sequence conflict (details.probablyApplied) and the first copy's reply is gone.
 */
export type Pending<T> = { result: Promise<T>; seqIds: number[]; requestIds: string[]; maybeDuplicated: boolean }

export type HealthReport = { ok: true; status: string; latencyMs: number }

const ClientConfigSchema = z.object({
  pjwt_auth_enabled: z.boolean().optional(),
  parallel_fwdbwd_chunks: z.boolean().optional(),
  proto_compress_fwdbwd: z.boolean().optional(),
  fwdbwd_max_chunk_len: z.number().int().positive().default(FWDBWD_MAX_CHUNK_LEN),
  fwdbwd_max_chunk_bytes_count: z.number().int().positive().default(FWDBWD_MAX_CHUNK_BYTES),
})
export type ClientConfig = z.infer<typeof ClientConfigSchema>

const SupportedModelSchema = z.object({
  model_name: z.string(),
  max_context_length: z.number().optional(),
  max_lora_rank: z.number().optional(),
  capabilities: z.array(z.string()).optional(),
})
const CapabilitiesSchema = z.object({ supported_models: z.array(SupportedModelSchema) })
export type SupportedModel = z.infer<typeof SupportedModelSchema>
export type Capabilities = z.infer<typeof CapabilitiesSchema>

const FutureHandleSchema = z.object({ request_id: z.string(), model_id: z.string().nullish() })

const ModelInfoSchema = z.object({
  model_id: z.string().nullish(),
  model_name: z.string().nullish(),
  is_lora: z.boolean().nullish(),
  lora_rank: z.number().nullish(),
  model_data: z
    .object({ arch: z.string().nullish(), model_name: z.string().nullish(), tokenizer_id: z.string().nullish() })
    .nullish(),
})
export type ModelInfo = z.infer<typeof ModelInfoSchema>

const CheckpointSchema = z.object({
  checkpoint_id: z.string(),
  checkpoint_type: z.string(),
  time: z.string(),
  tinker_path: z.string(),
  size_bytes: z.number().nullish(),
  public: z.boolean().nullish(),
  expires_at: z.string().nullish(),
})
export type Checkpoint = z.infer<typeof CheckpointSchema>
const CursorSchema = z.object({ offset: z.number(), limit: z.number(), total_count: z.number() })
export const CheckpointListSchema = z.object({ checkpoints: z.array(CheckpointSchema), cursor: CursorSchema.nullish() })
export type CheckpointList = z.infer<typeof CheckpointListSchema>
export const TrainingRunSchema = z.object({
  training_run_id: z.string(),
  base_model: z.string(),
  model_owner: z.string().nullish(),
  is_lora: z.boolean().nullish(),
  corrupted: z.boolean().nullish(),
  lora_rank: z.number().nullish(),
  last_request_time: z.string().nullish(),
  last_checkpoint: CheckpointSchema.nullish(),
  last_sampler_checkpoint: CheckpointSchema.nullish(),
  user_metadata: z.record(z.string(), z.string()).nullish(),
})
export type TrainingRun = z.infer<typeof TrainingRunSchema>
export const TrainingRunListSchema = z.object({ training_runs: z.array(TrainingRunSchema), cursor: CursorSchema.nullish() })
export type TrainingRunList = z.infer<typeof TrainingRunListSchema>

const PathResultSchema = z.object({ path: z.string() })
const OptimResultSchema = z.object({ metrics: z.record(z.string(), z.number()).nullish() })

export type LoraModelOptions = {
  base_model: string
  rank: number
  train_mlp?: boolean
  train_attn?: boolean
  train_unembed?: boolean
  user_metadata?: Record<string, string>
  signal?: AbortSignal
}

export type SamplingParams = {
  max_tokens?: number
  seed?: number
  /** Stop strings or stop token ids; always sent as a list (TuFT iterates a bare string by character). */
  stop?: string | string[] | number[]
  temperature?: number
  top_k?: number
  top_p?: number
}

export type SampleRequest = {
  prompt: number[]
  sampling_params: SamplingParams
  num_samples?: number
  prompt_logprobs?: boolean
  topk_prompt_logprobs?: number
  signal?: AbortSignal
}

export type SamplingClient = {
  readonly samplingSessionId: string
  sample(req: SampleRequest): Promise<SampleResult>
}

export type TrainingModel = {
  readonly modelId: string
  /** The seq_id the next training call will carry. */
  readonly nextSeqId: number
  /** Sets the next seq_id, e.g. from a run record when re-attaching after a restart. */
  setNextSeqId(n: number): void
  /** Asks the server which seq_id it expects (a guarded no-op that always fails with "expected N") and adopts it. */
  resyncSeqId(opts?: CallOptions): Promise<number>
  getInfo(opts?: CallOptions): Promise<ModelInfo>
  forwardBackward(
    datums: readonly TuftDatum[],
    lossFn?: string,
    opts?: CallOptions & { lossFnConfig?: Record<string, number> },
  ): Promise<Pending<ForwardBackwardResult>>
  forward(
    datums: readonly TuftDatum[],
    lossFn?: string,
    opts?: CallOptions & { lossFnConfig?: Record<string, number> },
  ): Promise<Pending<ForwardBackwardResult>>
  optimStep(adam?: Partial<AdamParams>, opts?: CallOptions): Promise<Pending<{ metrics: Record<string, number> | null }>>
  saveState(name: string, opts?: CallOptions): Promise<Pending<{ path: string }>>
  loadState(path: string, opts: CallOptions & { optimizer: boolean }): Promise<Pending<{ path: string }>>
  saveWeightsForSampler(name: string, opts?: CallOptions): Promise<Pending<{ path: string }>>
  unload(opts?: CallOptions): Promise<void>
}

export type TuftClientOptions = {
  /** Explicit server URL (settings); otherwise discovery (TUFT_ADDRESS, TINKER_BASE_URL, address file, default). */
  url?: string | null
  /** The key from the app's settings; TINKER_API_KEY is only a fallback (SDK 0.25 precedence). */
  apiKey?: string | null
  env?: Env
  /** Home directory for the address file (~/.tuft/tuft_current_server); injectable for tests. */
  homeDir?: string
  retry?: Partial<RetryPolicy>
  requestTimeoutMs?: number
  pollTimeoutMs?: number
  heartbeatIntervalMs?: number
}

export type ConnectionCheck = {
  server: DiscoveredServer
  health: HealthReport
  clientConfig: ClientConfig
  capabilities: Capabilities
  keySource: KeySource
  keyInfo: KeyInfo
}

export type TuftClient = RestCalls & {
  readonly server: DiscoveredServer
  readonly keySource: KeySource
  readonly keyInfo: KeyInfo
  health(opts?: CallOptions): Promise<HealthReport>
  clientConfig(opts?: CallOptions & { refresh?: boolean }): Promise<ClientConfig>
  capabilities(opts?: CallOptions): Promise<Capabilities>
  checkConnection(opts?: CallOptions): Promise<Result<ConnectionCheck>>
  createLoraModel(opts: LoraModelOptions): Promise<TrainingModel>
  trainingModel(modelId: string, opts?: { nextSeqId?: number }): TrainingModel
  createSamplingClient(opts: ({ modelPath: string; baseModel?: undefined } | { baseModel: string; modelPath?: undefined }) & CallOptions): Promise<SamplingClient>
  listTrainingRuns(opts?: CallOptions & { limit?: number; offset?: number }): Promise<TrainingRunList>
  listCheckpoints(modelId: string, opts?: CallOptions): Promise<CheckpointList>
  close(): void
}

/** Converts anything thrown inside this module into the shared Failure shape. */
export const toFailure = (e: unknown) => asStudioError(e).toFailure()

const parseWith = <S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> => {
  const r = schema.safeParse(body)
  if (!r.success)
    throw new TuftError('server-error', `Unexpected ${what} response from the server: ${r.error.issues[0]?.message ?? 'invalid'}`, {
      serverMessage: JSON.stringify(body)?.slice(0, 500),
    })
  return r.data
}

const noop = () => undefined

/** Keeps a result promise from being reported as unhandled while the caller has not awaited it yet. */
const settleQuietly = <T>(p: Promise<T>): Promise<T> => {
  p.catch(noop)
  return p
}

type Sent = { seq: number; epoch: number; requestId: string; maybeDuplicated: boolean }

class ClientCore {
  readonly transport: Transport
  readonly retry: RetryPolicy
  readonly lifetime = new AbortController()
  private session: Promise<string> | null = null
  private heartbeat: NodeJS.Timeout | null = null
  private heartbeatInFlight = false
  private modelSeq = 0
  private samplingSeq = 0
  private config: Promise<ClientConfig> | null = null

  constructor(
    readonly server: DiscoveredServer,
    readonly apiKey: string | null,
    readonly keyInfo: KeyInfo,
    readonly opts: TuftClientOptions,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry }
    this.transport = new Transport({
      baseUrl: server.url,
      apiKey,
      keyInfo,
      retry: this.retry,
      requestTimeoutMs: opts.requestTimeoutMs,
    })
  }

  signal(s?: AbortSignal): AbortSignal {
    return s ? AbortSignal.any([s, this.lifetime.signal]) : this.lifetime.signal
  }

  request(spec: RequestSpec): Promise<HttpReply> {
    return this.transport.request({ ...spec, signal: this.signal(spec.signal) })
  }

  async json<T>(spec: RequestSpec, schema: z.ZodType<T>, what: string): Promise<T> {
    const reply = await this.request(spec)
    return parseWith(schema, replyJson(reply), what)
  }

  poll<T>(
    requestId: string,
    requestType: RequestType,
    parse: { json: (b: unknown) => T; protobuf?: (b: Uint8Array) => T },
    signal?: AbortSignal,
  ): Promise<T> {
    return pollFuture(this.transport, {
      requestId,
      requestType,
      protobuf: !!parse.protobuf,
      decodeProtobuf: parse.protobuf,
      parseJson: parse.json,
      signal: this.signal(signal),
      pollTimeoutMs: this.opts.pollTimeoutMs,
      retry: this.retry,
      keyInfo: this.keyInfo,
    })
  }

  clientConfig(signal?: AbortSignal, refresh = false): Promise<ClientConfig> {
    if (!this.config || refresh) {
      const p = this.json(
        { method: 'POST', path: '/api/v1/client/config', json: { sdk_version: SDK_VERSION }, signal, op: 'client/config' },
        ClientConfigSchema,
        'client/config',
      )
      this.config = p
      p.catch(() => {
        if (this.config === p) this.config = null
      })
    }
    return this.config
  }

  /** One session per client, created on first need; heartbeats every 10 s while the client is open. */
  ensureSession(signal?: AbortSignal): Promise<string> {
    if (!this.session) {
      const p = this.json(
        {
          method: 'POST',
          path: '/api/v1/create_session',
          json: { tags: [], user_metadata: {}, sdk_version: SDK_VERSION, type: 'create_session' },
          signal,
          // create_session is not idempotent; only a refused connection (never sent) is worth another try
          maxAttempts: 2,
          op: 'create_session',
        },
        z.object({ session_id: z.string() }),
        'create_session',
      ).then((r) => {
        this.startHeartbeat(r.session_id)
        return r.session_id
      })
      this.session = p
      p.catch(() => {
        if (this.session === p) this.session = null
      })
    }
    return this.session
  }

  /** TuFT forgets sessions on restart without persistence: start a new one on "Session X not found". */
  forgetSession() {
    this.session = null
    this.stopHeartbeat()
  }

  nextModelSeq() {
    return this.modelSeq++
  }
  nextSamplingSeq() {
    return this.samplingSeq++
  }

  private startHeartbeat(sessionId: string) {
    this.stopHeartbeat()
    const every = this.opts.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS
    this.heartbeat = setInterval(() => {
      if (this.heartbeatInFlight) return
      this.heartbeatInFlight = true
      this.transport
        .send({
          method: 'POST',
          path: '/api/v1/session_heartbeat',
          json: { session_id: sessionId, type: 'session_heartbeat' },
          timeoutMs: HEARTBEAT_TIMEOUT_MS,
          signal: this.lifetime.signal,
          op: 'session_heartbeat',
        })
        // heartbeats are advisory on TuFT (sessions never expire): failures are ignored, as in the SDK
        .catch(noop)
        .finally(() => (this.heartbeatInFlight = false))
    }, every)
    this.heartbeat.unref()
  }

  stopHeartbeat() {
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.heartbeat = null
  }

  close() {
    this.stopHeartbeat()
    this.lifetime.abort()
  }
}

const isSessionLost = (e: unknown) =>
  e instanceof TuftError && /Session \S+ not found/i.test(String(e.details.serverMessage ?? ''))

/** How many owned runs are looked through for the twin a resent create_model may have made. */
const TWIN_SEARCH_PAGE = 100
const TWIN_SEARCH_MAX_PAGES = 10

/** The seq_id probe's datum: one token, nothing weighted. */
const SEQ_PROBE_DATUM: TuftDatum = { model_input: [0], target_tokens: [0], weights: [0] }

const checkName = (name: string, what: string) => {
  if (!name || name.includes('/'))
    throw new TuftError('invalid-input', `${what} must be a non-empty name without "/" (got "${name}")`)
}

class TrainingModelImpl implements TrainingModel {
  private next = 1
  /** Bumped whenever the counter is rolled back, so late failures of ops sent before it cannot roll it back again. */
  private epoch = 0
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly core: ClientCore,
    readonly modelId: string,
  ) {}

  get nextSeqId() {
    return this.next
  }

  setNextSeqId(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new TuftError('invalid-input', `seq_id must be a positive integer (got ${n})`)
    this.next = n
    this.epoch++
  }

  /** Training POSTs go out one at a time, in call order; each waits only for the previous 202. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(noop)
    return run
  }

  /**
   * Keeps `next` equal to what the server will expect:
   * - a failed op does not consume its seq_id on TuFT → roll back to it (once per epoch: later pipelined ops
   *   then fail with "expected <that seq>" and must not move the counter again);
   * - "Sequence conflict: expected N" with N above the op's seq → the server is ahead (a retried POST that had
   *   already run, or a re-attached model) → jump forward to N;
   * - a cancelled wait or a lost connection says nothing about the server → leave the counter alone.
   */
  private onFailure(s: { seq: number; epoch: number; maybeDuplicated: boolean }, e: unknown) {
    if (!(e instanceof TuftError)) return
    if (e.code === 'cancelled' || e.code === 'server-unreachable' || e.code === 'timeout') return
    const expected = e.details.expected
    if (e.code === 'sequence-conflict' && typeof expected === 'number') {
      if (expected > s.seq) {
        this.next = Math.max(this.next, expected)
        if (s.maybeDuplicated) e.details.probablyApplied = true
      } else if (s.epoch === this.epoch) {
        this.next = expected
        this.epoch++
      }
      return
    }
    if (s.epoch === this.epoch && this.next > s.seq) {
      this.next = s.seq
      this.epoch++
    }
  }

  /** POSTs one guarded op with the next seq_id; on failure the seq_id is handed back. Call inside serial(). */
  private async post(build: (seq: number) => RequestSpec): Promise<Sent> {
    const seq = this.next++
    const epoch = this.epoch
    try {
      const reply = await this.core.request(build(seq))
      const handle = parseWith(FutureHandleSchema, replyJson(reply), 'future')
      return { seq, epoch, requestId: handle.request_id, maybeDuplicated: reply.maybeDuplicated }
    } catch (e) {
      if (e instanceof TuftError && e.code === 'sequence-conflict') this.onFailure({ seq, epoch, maybeDuplicated: false }, e)
      else if (this.next === seq + 1) this.next = seq
      throw e
    }
  }

  private track<T>(sent: Sent, result: Promise<T>): Promise<T> {
    return settleQuietly(
      result.catch((e: unknown) => {
        this.onFailure(sent, e)
        throw e
      }),
    )
  }

  private async jsonOp<T>(
    path: string,
    requestType: RequestType,
    body: (seq: number) => Record<string, unknown>,
    parse: (b: unknown) => T,
    signal?: AbortSignal,
  ): Promise<Pending<T>> {
    const sent = await this.serial(() =>
      this.post((seq) => ({ method: 'POST', path, json: body(seq), signal, op: path.replace('/api/v1/', '') })),
    )
    const result = this.track(sent, this.core.poll(sent.requestId, requestType, { json: parse }, signal))
    return { result, seqIds: [sent.seq], requestIds: [sent.requestId], maybeDuplicated: sent.maybeDuplicated }
  }

  async resyncSeqId(opts: CallOptions = {}): Promise<number> {
    // A forward pass of one unweighted token at seq_id 0: TuFT's guard (which starts at 1) refuses it with
    // "expected N" before anything runs, and a server without the guard only computes a forward, which
    // changes nothing. (A load_weights probe would be refused earlier: TuFT looks the checkpoint up first.)
    const sent = await this.serial(async () => {
      const reply = await this.core.request({
        method: 'POST',
        path: '/api/v1/forward_backward',
        body: encodeForwardBackwardRequest({
          modelId: this.modelId,
          seqId: 0,
          datums: [SEQ_PROBE_DATUM],
          lossFn: 'cross_entropy',
          forwardOnly: true,
        }),
        contentType: 'application/x-protobuf',
        signal: opts.signal,
        op: 'forward (seq probe)',
      })
      return parseWith(FutureHandleSchema, replyJson(reply), 'future')
    })
    try {
      await this.core.poll(sent.request_id, 'Forward', { protobuf: decodeForwardBackwardOutput, json: parseForwardBackwardJson }, opts.signal)
    } catch (e) {
      if (e instanceof TuftError && e.code === 'sequence-conflict' && typeof e.details.expected === 'number') {
        this.setNextSeqId(e.details.expected)
        return this.next
      }
      throw e
    }
    throw new TuftError('server-error', 'The server accepted a seq_id of 0; it does not guard training order')
  }

  getInfo(opts: CallOptions = {}): Promise<ModelInfo> {
    return this.core
      .json(
        {
          method: 'POST',
          path: '/api/v1/get_info',
          json: { model_id: this.modelId, type: 'get_info' },
          signal: opts.signal,
          // TuFT answers an unknown model with a bare 500 that never heals: do not retry it for long
          maxAttempts: 2,
          op: 'get_info',
        },
        ModelInfoSchema,
        'get_info',
      )
      .catch((e: unknown) => {
        if (e instanceof TuftError && e.code === 'server-error' && e.details.status === 500 && /^Internal Server Error$/i.test(String(e.details.serverMessage).trim()))
          throw new TuftError('unknown-model', `get_info: the server has no model ${this.modelId} for this key (HTTP 500)`, e.details)
        throw e
      })
  }

  private async fwdbwd(
    datums: readonly TuftDatum[],
    lossFn: string,
    forwardOnly: boolean,
    opts: CallOptions & { lossFnConfig?: Record<string, number> },
  ): Promise<Pending<ForwardBackwardResult>> {
    if (datums.length === 0) throw new TuftError('invalid-input', 'forward_backward needs at least one datum')
    // a bad datum fails here, before any seq_id is taken
    validateDatums(datums)
    const requestType: RequestType = forwardOnly ? 'Forward' : 'ForwardBackward'
    const results: Promise<ForwardBackwardResult>[] = []
    const sent: Sent[] = []
    // take the turn synchronously so calls keep their order even when the caller does not await in between
    await this.serial(async () => {
      const config = await this.core.clientConfig(opts.signal)
      const chunks = chunkDatums(datums, { maxLen: config.fwdbwd_max_chunk_len, maxBytes: config.fwdbwd_max_chunk_bytes_count })
      for (const chunk of chunks) {
        const s = await this.post((seq) => ({
          method: 'POST',
          path: '/api/v1/forward_backward',
          body: encodeForwardBackwardRequest({
            modelId: this.modelId,
            seqId: seq,
            datums: chunk,
            lossFn,
            lossFnConfig: opts.lossFnConfig,
            forwardOnly,
          }),
          contentType: 'application/x-protobuf',
          signal: opts.signal,
          op: forwardOnly ? 'forward' : 'forward_backward',
        }))
        sent.push(s)
        results.push(
          this.track(
            s,
            this.core.poll(s.requestId, requestType, { protobuf: decodeForwardBackwardOutput, json: parseForwardBackwardJson }, opts.signal),
          ),
        )
      }
    })
    const result = settleQuietly(Promise.all(results).then(combineForwardBackward))
    return {
      result,
      seqIds: sent.map((s) => s.seq),
      requestIds: sent.map((s) => s.requestId),
      maybeDuplicated: sent.some((s) => s.maybeDuplicated),
    }
  }

  forwardBackward(datums: readonly TuftDatum[], lossFn = 'cross_entropy', opts: CallOptions & { lossFnConfig?: Record<string, number> } = {}) {
    return this.fwdbwd(datums, lossFn, false, opts)
  }

  forward(datums: readonly TuftDatum[], lossFn = 'cross_entropy', opts: CallOptions & { lossFnConfig?: Record<string, number> } = {}) {
    return this.fwdbwd(datums, lossFn, true, opts)
  }

  async optimStep(adam: Partial<AdamParams> = {}, opts: CallOptions = {}) {
    const params: AdamParams = { ...ADAM_DEFAULTS } as AdamParams
    for (const k of Object.keys(ADAM_DEFAULTS) as (keyof AdamParams)[]) {
      const v = adam[k]
      if (v === undefined) continue
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TuftError('invalid-input', `adam_params.${k} must be a finite number`)
      params[k] = v
    }
    return this.jsonOp(
      '/api/v1/optim_step',
      'OptimStep',
      (seq) => ({ adam_params: params, model_id: this.modelId, seq_id: seq, type: 'optim_step' }),
      (b) => ({ metrics: parseWith(OptimResultSchema, b, 'optim_step').metrics ?? null }),
      opts.signal,
    )
  }

  async saveState(name: string, opts: CallOptions = {}) {
    checkName(name, 'Checkpoint name')
    return this.jsonOp(
      '/api/v1/save_weights',
      'SaveWeights',
      (seq) => ({ model_id: this.modelId, path: name, seq_id: seq, overwrite: false, type: 'save_weights' }),
      (b) => ({ path: parseWith(PathResultSchema, b, 'save_weights').path }),
      opts.signal,
    )
  }

  async saveWeightsForSampler(name: string, opts: CallOptions = {}) {
    checkName(name, 'Sampler checkpoint name')
    return this.jsonOp(
      '/api/v1/save_weights_for_sampler',
      'SaveWeightsForSampler',
      (seq) => ({ model_id: this.modelId, path: name, seq_id: seq, type: 'save_weights_for_sampler' }),
      (b) => ({ path: parseWith(PathResultSchema, b, 'save_weights_for_sampler').path }),
      opts.signal,
    )
  }

  async loadState(path: string, opts: CallOptions & { optimizer: boolean }) {
    if (!path.startsWith('tinker://')) throw new TuftError('invalid-input', `A checkpoint path starts with tinker:// (got "${path}")`)
    return this.jsonOp(
      '/api/v1/load_weights',
      'LoadWeights',
      (seq) => ({ model_id: this.modelId, seq_id: seq, path, optimizer: opts.optimizer, type: 'load_weights' }),
      (b) => ({ path: parseWith(PathResultSchema, b, 'load_weights').path }),
      opts.signal,
    )
  }

  async unload(opts: CallOptions = {}): Promise<void> {
    const handle = await this.core.json(
      {
        method: 'POST',
        path: '/api/v1/unload_model',
        json: { model_id: this.modelId, type: 'unload_model' },
        signal: opts.signal,
        op: 'unload_model',
      },
      FutureHandleSchema,
      'unload_model',
    )
    await this.core.poll(handle.request_id, 'UnloadModel', { json: (b) => b }, opts.signal)
  }
}

class SamplingClientImpl implements SamplingClient {
  private seq = 0

  constructor(
    private readonly core: ClientCore,
    readonly samplingSessionId: string,
  ) {}

  async sample(req: SampleRequest): Promise<SampleResult> {
    const p = req.sampling_params
    const params: Record<string, unknown> = {}
    if (p.max_tokens !== undefined) params.max_tokens = p.max_tokens
    if (p.seed !== undefined) params.seed = p.seed
    if (p.stop !== undefined) params.stop = Array.isArray(p.stop) ? p.stop : [p.stop]
    params.temperature = p.temperature ?? 1
    params.top_k = p.top_k ?? -1
    params.top_p = p.top_p ?? 1
    for (const t of req.prompt)
      if (!Number.isInteger(t)) throw new TuftError('invalid-input', `Prompt tokens must be integers (found ${t})`)
    const body = {
      num_samples: req.num_samples ?? 1,
      prompt: { chunks: [{ tokens: req.prompt, type: 'encoded_text' }] },
      sampling_params: params,
      sampling_session_id: this.samplingSessionId,
      seq_id: this.seq++,
      prompt_logprobs: req.prompt_logprobs ?? false,
      topk_prompt_logprobs: req.topk_prompt_logprobs ?? 0,
      type: 'sample',
    }
    const once = async () => {
      const handle = await this.core.json(
        { method: 'POST', path: '/api/v1/asample', json: body, signal: req.signal, op: 'asample' },
        FutureHandleSchema,
        'asample',
      )
      return this.core.poll(handle.request_id, 'Sample', { protobuf: decodeSampleResponse, json: parseSampleJson }, req.signal)
    }
    try {
      return await once()
    } catch (e) {
      // sampling has no side effects, so a request the server lost (410) is simply sent again, as the SDK does
      if (e instanceof TuftError && e.code === 'future-expired') return once()
      throw e
    }
  }
}

/** Which key a client would send and why, without the key: for settings screens and hints. */
export const keyInfoOf = (settingsKey: string | null | undefined, env: Env = process.env): KeyInfo => resolveKey(settingsKey, env).info

const resolveKey = (apiKey: string | null | undefined, env: Env): { key: string | null; info: KeyInfo } => {
  const settingsKey = apiKey?.trim() || null
  const envKey = env.TINKER_API_KEY?.trim() || null
  return {
    key: settingsKey ?? envKey,
    info: {
      source: settingsKey ? 'settings' : envKey ? 'TINKER_API_KEY' : 'none',
      envKeySet: envKey !== null,
      envKeyDiffers: settingsKey !== null && envKey !== null && settingsKey !== envKey,
    },
  }
}

/** A client for one TuFT server speaking the Tinker 0.25 protocol (discovery, key and retries resolved here). */
export const createTuftClient = (opts: TuftClientOptions = {}): TuftClient => {
  const env = opts.env ?? process.env
  const server = discoverServer(opts.url, env, opts.homeDir ?? os.homedir())
  const { key, info } = resolveKey(opts.apiKey, env)
  // Whatever the server echoes back, neither this key nor TINKER_API_KEY is stored or printed.
  registerSecret(key)
  registerSecret(env.TINKER_API_KEY)
  const core = new ClientCore(server, key, info, opts)

  const health = async (o: CallOptions = {}): Promise<HealthReport> => {
    const t0 = performance.now()
    const r = await core.json(
      { method: 'GET', path: '/api/v1/healthz', auth: false, signal: o.signal, op: 'healthz' },
      z.object({ status: z.string() }),
      'healthz',
    )
    return { ok: true, status: r.status, latencyMs: Math.round(performance.now() - t0) }
  }

  const capabilities = (o: CallOptions = {}) =>
    core.json(
      // TuFT leaves this route open; the key still goes along when there is one, as the SDK sends it
      { method: 'GET', path: '/api/v1/get_server_capabilities', auth: 'optional', signal: o.signal, op: 'get_server_capabilities' },
      CapabilitiesSchema,
      'get_server_capabilities',
    )

  /** One create_model; `maybeDuplicated` when its POST was sent again after a lost reply (two adapters may exist). */
  const createModelOnce = async (o: LoraModelOptions): Promise<{ modelId: string; maybeDuplicated: boolean }> => {
    const sessionId = await core.ensureSession(o.signal)
    const body: Record<string, unknown> = {
      session_id: sessionId,
      model_seq_id: core.nextModelSeq(),
      base_model: o.base_model,
      lora_config: {
        rank: o.rank,
        train_unembed: o.train_unembed ?? true,
        train_mlp: o.train_mlp ?? true,
        train_attn: o.train_attn ?? true,
      },
      type: 'create_model',
    }
    if (o.user_metadata) body.user_metadata = o.user_metadata
    const reply = await core.request({ method: 'POST', path: '/api/v1/create_model', json: body, signal: o.signal, maxAttempts: 2, op: 'create_model' })
    const handle = parseWith(FutureHandleSchema, replyJson(reply), 'create_model')
    const done = await core.poll(
      handle.request_id,
      'CreateModel',
      { json: (b) => parseWith(z.object({ model_id: z.string() }), b, 'create_model result') },
      o.signal,
    )
    return { modelId: done.model_id, maybeDuplicated: reply.maybeDuplicated }
  }

  /**
   * A create_model sent again after its reply was lost may have made a second adapter, which holds GPU memory
   * until it is unloaded. The server cannot tell its copies apart but by the metadata the call tagged them with,
   * so every other run it lists for this key with the same base model, rank and (non-empty) metadata is unloaded.
   * Best effort: the model that was created is fine whatever this finds.
   */
  const unloadTwins = async (modelId: string, o: LoraModelOptions): Promise<void> => {
    const meta = JSON.stringify(Object.entries(o.user_metadata ?? {}).sort())
    try {
      for (let offset = 0, pages = 0; pages < TWIN_SEARCH_MAX_PAGES; pages++) {
        const page = await client.listTrainingRuns({ limit: TWIN_SEARCH_PAGE, offset, signal: o.signal })
        for (const r of page.training_runs)
          if (r.training_run_id !== modelId && r.base_model === o.base_model && r.lora_rank === o.rank && JSON.stringify(Object.entries(r.user_metadata ?? {}).sort()) === meta)
            await new TrainingModelImpl(core, r.training_run_id).unload({ signal: o.signal }).catch(noop)
        offset += page.training_runs.length
        if (page.training_runs.length < TWIN_SEARCH_PAGE || (page.cursor && offset >= page.cursor.total_count)) break
      }
    } catch {
      // A listing that fails leaves the twin to the server's own clean-up; the run goes on.
    }
  }

  const client: TuftClient = {
    server,
    keySource: info.source,
    keyInfo: info,
    health,
    clientConfig: (o = {}) => core.clientConfig(o.signal, o.refresh),
    capabilities,

    async checkConnection(o = {}) {
      try {
        const h = await health(o)
        const clientConfig = await core.clientConfig(o.signal, true)
        const caps = await capabilities(o)
        return ok({ server, health: h, clientConfig, capabilities: caps, keySource: info.source, keyInfo: info })
      } catch (e) {
        return toFailure(e)
      }
    },

    async createLoraModel(o) {
      if (!o.base_model) throw new TuftError('invalid-input', 'base_model is required')
      if (!Number.isInteger(o.rank) || o.rank < 1) throw new TuftError('invalid-input', `LoRA rank must be a positive integer (got ${o.rank})`)
      if (o.train_mlp === false && o.train_attn === false && o.train_unembed === false)
        throw new TuftError('invalid-input', 'At least one of train_mlp, train_attn, train_unembed must be true')
      for (const [k, v] of Object.entries(o.user_metadata ?? {}))
        if (typeof v !== 'string') throw new TuftError('invalid-input', `user_metadata.${k} must be a string (TuFT rejects other types)`)
      let created: { modelId: string; maybeDuplicated: boolean }
      try {
        created = await createModelOnce(o)
      } catch (e) {
        if (!isSessionLost(e)) throw e
        core.forgetSession()
        created = await createModelOnce(o)
      }
      if (created.maybeDuplicated && Object.keys(o.user_metadata ?? {}).length > 0) await unloadTwins(created.modelId, o)
      return new TrainingModelImpl(core, created.modelId)
    },

    trainingModel(modelId, o = {}) {
      const m = new TrainingModelImpl(core, modelId)
      if (o.nextSeqId !== undefined) m.setNextSeqId(o.nextSeqId)
      return m
    },

    async createSamplingClient(o) {
      if (o.modelPath !== undefined && !o.modelPath.startsWith('tinker://'))
        throw new TuftError('invalid-input', `A sampler path starts with tinker:// (got "${o.modelPath}")`)
      if (!o.modelPath && !o.baseModel) throw new TuftError('invalid-input', 'Sampling needs a modelPath or a baseModel')
      const once = async () => {
        const sessionId = await core.ensureSession(o.signal)
        const body: Record<string, unknown> = { session_id: sessionId, sampling_session_seq_id: core.nextSamplingSeq() }
        if (o.modelPath) body.model_path = o.modelPath
        else body.base_model = o.baseModel
        body.type = 'create_sampling_session'
        return core.json(
          { method: 'POST', path: '/api/v1/create_sampling_session', json: body, signal: o.signal, maxAttempts: 2, op: 'create_sampling_session' },
          z.object({ sampling_session_id: z.string() }),
          'create_sampling_session',
        )
      }
      let r: { sampling_session_id: string }
      try {
        r = await once()
      } catch (e) {
        if (!isSessionLost(e)) throw e
        core.forgetSession()
        r = await once()
      }
      return new SamplingClientImpl(core, r.sampling_session_id)
    },

    listTrainingRuns(o = {}) {
      return core.json(
        {
          method: 'GET',
          path: '/api/v1/training_runs',
          query: { limit: o.limit ?? 20, offset: o.offset ?? 0, access_scope: 'owned' },
          signal: o.signal,
          op: 'training_runs',
        },
        TrainingRunListSchema,
        'training_runs',
      )
    },

    listCheckpoints(modelId, o = {}) {
      return core
        .json(
          {
            method: 'GET',
            path: `/api/v1/training_runs/${encodeURIComponent(modelId)}/checkpoints`,
            signal: o.signal,
            maxAttempts: 2,
            op: 'list checkpoints',
          },
          CheckpointListSchema,
          'checkpoints',
        )
        .catch((e: unknown) => {
          if (e instanceof TuftError && e.details.status === 500 && /^Internal Server Error$/i.test(String(e.details.serverMessage).trim()))
            throw new TuftError('unknown-model', `list checkpoints: the server has no training run ${modelId} for this key (HTTP 500)`, e.details)
          throw e
        })
    },

    ...restCalls(core),

    close: () => core.close(),
  }
  return client
}
