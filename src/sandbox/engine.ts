/**
 * The sandbox's server state and operations, independent of HTTP: sessions, training runs with their
 * seq_id guard, the trainer, checkpoints, sampling sessions and sampling. Operations throw HttpError for
 * TuFT's typed errors and ServerError for what TuFT reports as "Server error: …".
 */
import { randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { performance } from 'node:perf_hooks'
import { SANDBOX_MAX_CONTEXT, SANDBOX_MAX_LORA_RANK, SANDBOX_MAX_NUM_SAMPLES, SANDBOX_MAX_TOPK_PROMPT_LOGPROBS } from '../shared/defaults'
import type { Faults } from './faults'
import { HttpError, ServerError, UnhandledError } from './errors'
import type { FuturePayload } from './futures'
import { AdamState, type AdamParams } from './model/adam'
import { generate, scorePrompt, type SampleParams, type Sampled } from './model/sample'
import { ComputePool } from './model/compute-pool'
import { Adapter, BaseModel, type LmDims } from './model/tiny-lm'
import {
  RunStore,
  dirKind,
  isSafeSegment,
  type CheckpointMeta,
  type CheckpointRecord,
  type CheckpointType,
  type LoraSettings,
  type RunRecord,
} from './persistence'
import { builtinTokenizerFiles, type ChatTokenizerFiles } from './chat-codec'
import { loadStopStringDecoder, type StopStringDecoder } from './stop-strings'
import type { FwdBwdRequest, SampleOutput, WireDatum } from './wire'

export const SANDBOX_MODEL = 'sandbox/qwen3-tiny'
export const SANDBOX_TOKENIZER_ID = 'Qwen/Qwen3-4B-Instruct-2507'
/** Qwen3 ids 0…151,668 (151,643 BPE + 26 added tokens). */
export const QWEN3_VOCAB = 151_669
const EOS_TOKENS = [151645, 151643] // generation_config.json eos_token_id
const DEFAULT_MAX_TOKENS = 16 // PROTO §4.8: TuFT uses 16 when max_tokens is null
const LORA_ALPHA_RATIO = 2 // PROTO §4.3: TuFT lora_alpha = rank × 2

export const SANDBOX_DIMS: LmDims = {
  vocabSize: QWEN3_VOCAB,
  hidden: 32,
  ffn: 64,
  classSize: 390, // ≈ √V: 389 classes of 390 ids, so a position touches ~780 output rows instead of 151,669
  precision: 'f32',
  loraGain: 32, // measured on no_robots: lr 1e-5/1e-4/1e-3 then separate the way the guide's curves do
}

/**
 * A base model the sandbox serves under a name, as one `supported_models` entry of a TuFT config: its name,
 * context and LoRA limits, and the tokenizer files the OpenAI-compatible chat route renders with (null: that
 * route answers that the model has no chat template). Every served model shares the same tiny CPU network.
 */
export type ServedModel = {
  name: string
  maxContext: number
  maxLoraRank: number
  tokenizer: ChatTokenizerFiles | null
  /** The tokenizer get_info names: the sandbox's own model keeps the Qwen3 id, others their name (as TuFT does). */
  tokenizerId?: string
}

export const defaultServedModel = (): ServedModel => ({
  name: SANDBOX_MODEL,
  maxContext: SANDBOX_MAX_CONTEXT,
  maxLoraRank: SANDBOX_MAX_LORA_RANK,
  tokenizer: builtinTokenizerFiles(),
  tokenizerId: SANDBOX_TOKENIZER_ID,
})

export type OpStats = { count: number; computeMs: number; tokens: number }
export type SandboxStats = {
  ops: Record<string, OpStats>
  /** Model compute of the most recent forward/forward_backward call on the compute workers (no queueing, no HTTP). */
  lastForwardBackward: { computeMs: number; tokens: number; datums: number } | null
  pendingFutures: number
}

type Session = {
  id: string
  owner: string
  tags: string[]
  userMetadata: Record<string, string> | null
  lastHeartbeat: number
  trainingRunIds: string[]
  samplerIds: string[]
}

type LiveModel = {
  record: RunRecord
  adapter: Adapter
  adam: AdamState
  nextSeqId: number
  queue: Promise<void>
}

type SamplingSession = {
  id: string
  owner: string
  sessionId: string
  baseModel: string
  modelPath: string | null
  adapter: Adapter | null
}

const now = (): string => new Date().toISOString()

/** vLLM's text when prompt + completion exceed the model's context. */
export const contextTooLong = (maxContext: number, prompt: number, completion: number): string =>
  `This model's maximum context length is ${maxContext} tokens. However, you requested ${prompt + completion} tokens (${prompt} in the messages, ${completion} in the completion).`

export type ParsedPath = { modelId: string; type: CheckpointType; name: string }

export function parseTinkerPath(p: string): ParsedPath | null {
  const m = /^tinker:\/\/([^/]+)\/(weights|sampler_weights)\/([^/]+)$/.exec(p)
  if (!m || !isSafeSegment(m[1]) || !isSafeSegment(m[3])) return null
  return { modelId: m[1], type: m[2] === 'weights' ? 'training' : 'sampler', name: m[3] }
}

export class Engine {
  readonly store: RunStore
  private base: BaseModel | null = null
  private compute: ComputePool | null = null
  private readonly sessions = new Map<string, Session>()
  private readonly runs = new Map<string, RunRecord>()
  private readonly live = new Map<string, LiveModel>()
  private readonly samplers = new Map<string, SamplingSession>()
  private readonly stats: SandboxStats = { ops: {}, lastForwardBackward: null, pendingFutures: 0 }
  private stopDecoder: Promise<StopStringDecoder | null> | null = null

  constructor(
    dataDir: string,
    readonly seed: number,
    readonly faults: Faults,
    readonly models: readonly ServedModel[] = [defaultServedModel()],
    readonly dims: LmDims = SANDBOX_DIMS,
  ) {
    this.store = new RunStore(dataDir)
    for (const r of this.store.loadRuns()) this.runs.set(r.training_run_id, r)
  }

  /** The frozen base is built on first use (~0.2 s) and shared by every run. */
  baseModel(): BaseModel {
    this.base ??= new BaseModel(this.dims, this.seed)
    return this.base
  }

  servedModel(name: string | null | undefined): ServedModel | undefined {
    return this.models.find((m) => m.name === name)
  }

  capabilities(): unknown {
    return {
      supported_models: this.models.map((m) => ({
        model_name: m.name,
        max_context_length: m.maxContext,
        max_lora_rank: m.maxLoraRank,
        capabilities: ['training', 'sampling'],
      })),
    }
  }

  getStats(pendingFutures: number): SandboxStats {
    return structuredClone({ ...this.stats, pendingFutures })
  }

  private count(op: string, ms: number, tokens: number): void {
    const s = (this.stats.ops[op] ??= { count: 0, computeMs: 0, tokens: 0 })
    s.count++
    s.computeMs += ms
    s.tokens += tokens
  }

  // ── sessions ───────────────────────────────────────────────────────────────────────────────────────
  createSession(owner: string, tags: string[], userMetadata: Record<string, string> | null): string {
    const id = randomUUID()
    this.sessions.set(id, { id, owner, tags, userMetadata, lastHeartbeat: Date.now(), trainingRunIds: [], samplerIds: [] })
    return id
  }

  private session(owner: string, id: string): Session {
    const s = this.sessions.get(id)
    if (!s || s.owner !== owner) throw new UnhandledError(`Session ${id} not found`)
    return s
  }

  heartbeat(owner: string, id: string): void {
    this.session(owner, id).lastHeartbeat = Date.now()
  }

  listSessions(owner: string): string[] {
    return [...this.sessions.values()].filter((s) => s.owner === owner).map((s) => s.id)
  }

  sessionInfo(owner: string, id: string): { training_run_ids: string[]; sampler_ids: string[] } {
    const s = this.session(owner, id)
    return { training_run_ids: [...s.trainingRunIds], sampler_ids: [...s.samplerIds] }
  }

  // ── training runs ──────────────────────────────────────────────────────────────────────────────────
  createModel(
    owner: string,
    req: {
      session_id: string
      base_model: string
      user_metadata?: Record<string, string> | null
      lora_config?: { rank: number; seed?: number | null; train_unembed: boolean; train_mlp: boolean; train_attn: boolean } | null
    },
  ): string {
    const session = this.sessions.get(req.session_id)
    if (!session || session.owner !== owner) {
      throw new HttpError(404, `Failed to create model: Session ${req.session_id} not found.`)
    }
    if (!req.lora_config) throw new HttpError(400, 'Missing LoRA config')
    const served = this.servedModel(req.base_model)
    if (!served) throw new HttpError(404, `Failed to create model: Unknown model: ${req.base_model}`)
    const lc = req.lora_config
    if (lc.rank < 1) throw new HttpError(400, `Failed to create model: LoRA rank must be a positive integer, got ${lc.rank}`)
    if (lc.rank > served.maxLoraRank) {
      throw new HttpError(
        400,
        `Failed to create model: LoRA rank ${lc.rank} exceeds this server's maximum of ${served.maxLoraRank} (max_lora_rank)`,
      )
    }
    if (!lc.train_attn && !lc.train_mlp && !lc.train_unembed) {
      throw new HttpError(400, 'Failed to create model: Cannot resolve effective LoRA target modules: all of train_mlp, train_attn and train_unembed are false')
    }
    const id = randomUUID()
    const lora: LoraSettings = {
      rank: lc.rank,
      alpha: lc.rank * LORA_ALPHA_RATIO,
      train_attn: lc.train_attn,
      train_mlp: lc.train_mlp,
      train_unembed: lc.train_unembed,
      seed: lc.seed ?? this.seed,
    }
    const record: RunRecord = {
      training_run_id: id,
      base_model: req.base_model,
      model_owner: owner,
      is_lora: true,
      corrupted: false,
      lora_rank: lc.rank,
      last_request_time: now(),
      user_metadata: req.user_metadata ?? null,
      session_id: req.session_id,
      lora,
      counters: { training: 0, sampler: 0 },
      checkpoints: [],
    }
    const adapter = this.newAdapter(lora)
    this.live.set(id, { record, adapter, adam: new AdamState(adapter), nextSeqId: 1, queue: Promise.resolve() })
    this.runs.set(id, record)
    session.trainingRunIds.push(id)
    this.store.saveRun(record)
    return id
  }

  private newAdapter(lora: LoraSettings): Adapter {
    return new Adapter(
      this.baseModel(),
      { rank: lora.rank, alpha: lora.alpha, trainAttn: lora.train_attn, trainMlp: lora.train_mlp, trainUnembed: lora.train_unembed },
      lora.seed,
    )
  }

  /** Synchronous lookups answer a bad id the way TuFT does: an unhandled error (500, connection closed). */
  private liveFor(owner: string, id: string): LiveModel {
    const m = this.live.get(id)
    if (!m || m.record.model_owner !== owner) throw new UnhandledError(`Unknown model: ${id}`)
    return m
  }

  getInfo(owner: string, id: string): unknown {
    const m = this.liveFor(owner, id)
    return {
      type: null,
      model_data: {
        arch: 'toy-transformer',
        model_name: m.record.base_model,
        tokenizer_id: this.servedModel(m.record.base_model)?.tokenizerId ?? m.record.base_model,
      },
      model_id: id,
      is_lora: true,
      lora_rank: m.record.lora_rank,
      model_name: m.record.base_model,
    }
  }

  unload(owner: string, id: string): void {
    const m = this.live.get(id)
    if (!m || m.record.model_owner !== owner) throw new HttpError(404, `Failed to unload model: Unknown model: ${id}`)
    this.live.delete(id)
    this.runs.delete(id)
    this.store.deleteRun(id)
    for (const [sid, s] of this.samplers) if (s.modelPath?.startsWith(`tinker://${id}/`)) this.samplers.delete(sid)
  }

  /**
   * TuFT's _with_sequence_guard: ops run one at a time in the order they were accepted; an op with a seq_id
   * must carry the next expected one, and the counter advances only when the op succeeds.
   */
  private guarded<T>(owner: string, modelId: string, seqId: number | null | undefined, work: (m: LiveModel) => Promise<T>): Promise<T> {
    const m = this.live.get(modelId)
    if (!m) return Promise.reject(new HttpError(404, `Unknown model: ${modelId}`))
    if (m.record.model_owner !== owner) {
      return Promise.reject(new HttpError(403, 'You do not have permission to access this resource.'))
    }
    const run = m.queue.then(async () => {
      if (!this.live.has(modelId)) throw new HttpError(404, `Unknown model: ${modelId}`)
      if (seqId !== null && seqId !== undefined && seqId !== m.nextSeqId) {
        throw new HttpError(409, `Sequence conflict: expected ${m.nextSeqId}, got ${seqId}.`)
      }
      const result = await work(m)
      if (seqId !== null && seqId !== undefined) m.nextSeqId++
      m.record.last_request_time = now()
      return result
    })
    m.queue = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  forwardBackward(owner: string, req: FwdBwdRequest): Promise<FuturePayload> {
    return this.guarded(owner, req.modelId, req.seqId, async (m) => {
      const totalTokens = req.data.reduce((n, d) => n + d.tokens.length, 0)
      const budget = this.faults.oomTokenBudget
      if (budget !== null && totalTokens > budget) {
        const mib = ((totalTokens * this.dims.vocabSize * 2) / 2 ** 20).toFixed(2)
        throw new ServerError(
          `CUDA out of memory. Tried to allocate ${mib} MiB. GPU 0 has a total capacity of 79.19 GiB of which 0 bytes is free. ` +
            `(sandbox: this batch has ${totalTokens} tokens; the injected budget is ${budget})`,
        )
      }
      const datums = req.data.map((d) => this.checkDatum(d))
      if (req.lossFn !== 'cross_entropy') {
        throw new ServerError(`The sandbox implements only the cross_entropy loss, not '${req.lossFn}'`)
      }
      const temperature = req.lossFnConfig.temperature
      // On worker threads: the event loop (HTTP, long polls, the app's IPC when in-process) stays free meanwhile.
      this.compute ??= new ComputePool(this.baseModel())
      const t0 = performance.now()
      let out
      try {
        out = await this.compute.run(m.adapter, datums, {
          backward: !req.forwardOnly,
          temperature: temperature && temperature > 0 ? temperature : undefined,
        })
      } catch (err) {
        throw new ServerError(`Sandbox compute failed: ${err instanceof Error ? err.message : String(err)}`)
      }
      const ms = performance.now() - t0
      const { logprobs, loss } = out
      this.count(req.forwardOnly ? 'forward' : 'forward_backward', ms, totalTokens)
      this.stats.lastForwardBackward = { computeMs: ms, tokens: totalTokens, datums: datums.length }
      return { kind: 'fwdbwd', out: { lossFn: req.lossFn, logprobs, metrics: { 'loss:sum': loss } } }
    })
  }

  /** The checks TuFT's HF backend makes, with its messages (PROTO §9.3). */
  private checkDatum(d: WireDatum): { input: Int32Array; targets: Int32Array; weights: Float64Array } {
    const V = this.dims.vocabSize
    if (d.nonText) {
      throw new ServerError(`to_ints only supported for ModelInput with EncodedTextChunks, got ${d.nonText}`)
    }
    const tt = d.inputs.get('target_tokens')
    if (!tt) throw new ServerError("loss_fn_inputs field 'target_tokens' must be present for every datum")
    const w = d.inputs.get('weights')
    if (!w) throw new HttpError(400, "Missing 'weights' in loss_fn_inputs.")
    const Lin = d.tokens.length
    const Lt = tt.values.length
    // Compute grows with the square of the length: a longer datum would hold the trainer for minutes.
    if (Lin > SANDBOX_MAX_CONTEXT) {
      throw new ServerError(`This model's maximum context length is ${SANDBOX_MAX_CONTEXT} tokens. However, a datum has ${Lin} input tokens.`)
    }
    for (const t of d.tokens) if (!(t >= 0 && t < V)) throw new ServerError(`index ${t} is out of bounds for dimension 0 with size ${V}`)
    if (Lt > Lin) {
      throw new ServerError(
        `Size does not match at dimension 0 expected index [${Lt}, 1] to be no larger than self [${Lin}, ${V}] apart from dimension 1`,
      )
    }
    for (const t of tt.values) if (!(t >= 0 && t < V)) throw new ServerError(`index ${t} is out of bounds for dimension 1 with size ${V}`)
    if (w.values.length !== Lt) {
      throw new HttpError(
        409,
        `Input tensors must have the same shape. Got shapes: [torch.Size([1, ${Lt}]), torch.Size([1, ${w.values.length}])]`,
      )
    }
    return { input: Int32Array.from(d.tokens), targets: Int32Array.from(tt.values), weights: Float64Array.from(w.values) }
  }

  optimStep(owner: string, modelId: string, seqId: number | null | undefined, hp: AdamParams): Promise<FuturePayload> {
    return this.guarded(owner, modelId, seqId, async (m) => {
      const t0 = performance.now()
      const r = m.adam.apply(m.adapter, hp)
      this.count('optim_step', performance.now() - t0, 0)
      return {
        kind: 'json',
        body: {
          metrics: {
            'grad_norm:mean': r.gradNorm,
            'update_norm:mean': r.updateNorm,
            'learning_rate:mean': hp.learning_rate,
            'step:max': r.step,
          },
        },
      }
    })
  }

  private checkpointName(name: string | null | undefined, m: LiveModel, type: CheckpointType): string {
    // TuFT numbers unnamed checkpoints per run and advances the counter on named saves too.
    const key = type === 'training' ? 'training' : 'sampler'
    m.record.counters[key]++
    const n = name ?? `checkpoint-${String(m.record.counters[key]).padStart(4, '0')}`
    if (!isSafeSegment(n)) {
      throw new HttpError(400, `Invalid checkpoint name '${n}': use letters, digits, '.', '_' or '-' (no '/')`)
    }
    return n
  }

  private saveCheckpoint(m: LiveModel, type: CheckpointType, name: string): CheckpointRecord {
    const t0 = performance.now()
    const time = now()
    const meta: CheckpointMeta = {
      format: 'sandbox-lora-v1',
      model_id: m.record.training_run_id,
      name,
      checkpoint_type: type,
      base_model: m.record.base_model,
      owner: m.record.model_owner,
      lora: m.record.lora,
      time,
      step: m.adam.step,
      tensors: m.adapter.shapes,
      has_optimizer: type === 'training',
    }
    const size = this.store.writeCheckpoint(meta, m.adapter, type === 'training' ? m.adam : null)
    const rec: CheckpointRecord = {
      checkpoint_id: name,
      checkpoint_type: type,
      time,
      tinker_path: `tinker://${m.record.training_run_id}/${dirKind(type)}/${name}`,
      size_bytes: size,
      public: false,
      expires_at: null,
    }
    m.record.checkpoints = m.record.checkpoints.filter((c) => !(c.checkpoint_id === name && c.checkpoint_type === type))
    m.record.checkpoints.push(rec)
    this.store.saveRun(m.record)
    this.count(type === 'training' ? 'save_weights' : 'save_weights_for_sampler', performance.now() - t0, 0)
    return rec
  }

  saveWeights(owner: string, modelId: string, seqId: number | null | undefined, name: string | null | undefined): Promise<FuturePayload> {
    return this.guarded(owner, modelId, seqId, async (m) => {
      const rec = this.saveCheckpoint(m, 'training', this.checkpointName(name, m, 'training'))
      return { kind: 'json', body: { path: rec.tinker_path, type: null } }
    })
  }

  saveForSampler(
    owner: string,
    req: { model_id: string; seq_id?: number | null; path?: string | null; sampling_session_seq_id?: number | null },
  ): Promise<FuturePayload> {
    return this.guarded(owner, req.model_id, req.seq_id, async (m) => {
      const rec = this.saveCheckpoint(m, 'sampler', this.checkpointName(req.path, m, 'sampler'))
      if (!req.path && req.sampling_session_seq_id !== null && req.sampling_session_seq_id !== undefined) {
        const sid = this.createSamplingSession(owner, { session_id: m.record.session_id, model_path: rec.tinker_path })
        return { kind: 'json', body: { path: null, sampling_session_id: sid, type: null } }
      }
      return { kind: 'json', body: { path: rec.tinker_path, sampling_session_id: null, type: null } }
    })
  }

  /** Reads a checkpoint's metadata for a `tinker://` path, enforcing ownership. */
  private checkpointMeta(owner: string, tinkerPath: string): CheckpointMeta {
    const p = parseTinkerPath(tinkerPath)
    if (!p) throw new ServerError(`Invalid tinker path: ${tinkerPath}`)
    const meta = this.store.readMeta(p.modelId, p.type, p.name)
    if (!meta) throw new HttpError(404, `Failed to read metadata for checkpoint ${tinkerPath}.`)
    if (meta.owner !== owner) throw new HttpError(403, 'You do not have permission to access this resource.')
    return meta
  }

  loadWeights(owner: string, modelId: string, seqId: number | null | undefined, tinkerPath: string, optimizer: boolean): Promise<FuturePayload> {
    // TuFT looks the checkpoint up before its seq_id guard: a missing one fails without a sequence conflict.
    let meta: CheckpointMeta
    try {
      meta = this.checkpointMeta(owner, tinkerPath)
    } catch (err) {
      return Promise.reject(err)
    }
    return this.guarded(owner, modelId, seqId, async (m) => {
      const mine = m.record.lora
      const diffs: string[] = []
      if (meta.base_model !== m.record.base_model) diffs.push(`base model ${meta.base_model} ≠ ${m.record.base_model}`)
      if (meta.lora.rank !== mine.rank) diffs.push(`LoRA rank ${meta.lora.rank} ≠ ${mine.rank}`)
      if (meta.lora.alpha !== mine.alpha) diffs.push(`LoRA alpha ${meta.lora.alpha} ≠ ${mine.alpha}`)
      for (const k of ['train_attn', 'train_mlp', 'train_unembed'] as const) {
        if (meta.lora[k] !== mine[k]) diffs.push(`target modules differ (${k} ${meta.lora[k]} ≠ ${mine[k]})`)
      }
      if (diffs.length) throw new HttpError(400, `Cannot load checkpoint ${tinkerPath}: ${diffs.join('; ')}`)
      const t0 = performance.now()
      this.store.loadWeights(meta, m.adapter)
      m.adapter.zeroGrad()
      if (!optimizer || !this.store.loadOptimizer(meta, m.adapter, m.adam)) m.adam.reset()
      this.count('load_weights', performance.now() - t0, 0)
      return { kind: 'json', body: { path: tinkerPath, model_id: null, type: null } }
    })
  }

  weightsInfo(owner: string, tinkerPath: string): unknown {
    const p = parseTinkerPath(tinkerPath)
    const meta = p ? this.store.readMeta(p.modelId, p.type, p.name) : null
    if (!meta || meta.owner !== owner) throw new UnhandledError(`Unknown checkpoint: ${tinkerPath}`)
    // TuFT answers null for train_*; the real flags let create_training_client_from_state rebuild the same run.
    return {
      base_model: meta.base_model,
      is_lora: true,
      lora_rank: meta.lora.rank,
      train_unembed: meta.lora.train_unembed,
      train_mlp: meta.lora.train_mlp,
      train_attn: meta.lora.train_attn,
    }
  }

  // ── REST listings ──────────────────────────────────────────────────────────────────────────────────
  private runJson(r: RunRecord): unknown {
    const last = (t: CheckpointType): CheckpointRecord | null =>
      [...r.checkpoints].reverse().find((c) => c.checkpoint_type === t) ?? null
    return {
      training_run_id: r.training_run_id,
      base_model: r.base_model,
      model_owner: r.model_owner,
      is_lora: true,
      corrupted: r.corrupted,
      lora_rank: r.lora_rank,
      last_request_time: r.last_request_time,
      last_checkpoint: last('training'),
      last_sampler_checkpoint: last('sampler'),
      user_metadata: r.user_metadata,
    }
  }

  listRuns(owner: string, limit: number, offset: number): unknown {
    const all = [...this.runs.values()]
      .filter((r) => r.model_owner === owner)
      .sort((a, b) => b.last_request_time.localeCompare(a.last_request_time))
    return {
      training_runs: all.slice(offset, offset + limit).map((r) => this.runJson(r)),
      cursor: { offset, limit, total_count: all.length },
    }
  }

  private ownedRun(owner: string, id: string): RunRecord {
    const r = this.runs.get(id)
    if (!r || r.model_owner !== owner) throw new UnhandledError(`Unknown training run: ${id}`)
    return r
  }

  getRun(owner: string, id: string): unknown {
    return this.runJson(this.ownedRun(owner, id))
  }

  listRunCheckpoints(owner: string, id: string, limit: number, offset: number): unknown {
    const all = this.ownedRun(owner, id).checkpoints
    return { checkpoints: all.slice(offset, offset + limit), cursor: { offset, limit, total_count: all.length } }
  }

  listAllCheckpoints(owner: string, limit: number, offset: number): unknown {
    const all = [...this.runs.values()]
      .filter((r) => r.model_owner === owner)
      .flatMap((r) => r.checkpoints.filter((c) => c.checkpoint_type === 'training'))
      .sort((a, b) => b.time.localeCompare(a.time))
    return { checkpoints: all.slice(offset, offset + limit), cursor: { offset, limit, total_count: all.length } }
  }

  /** `{checkpoint}` in REST paths is `name`, `weights/name` or `sampler_weights/name` (PROTO §4.11). */
  private checkpointsAt(owner: string, runId: string, checkpoint: string): { run: RunRecord; found: CheckpointRecord[] } {
    const run = this.ownedRun(owner, runId)
    const m = /^(?:(weights|sampler_weights)\/)?([^/]+)$/.exec(checkpoint)
    if (!m || !isSafeSegment(m[2])) throw new UnhandledError(`Unknown checkpoint: ${checkpoint}`)
    const type = m[1] ? (m[1] === 'weights' ? 'training' : 'sampler') : null
    const found = run.checkpoints.filter((c) => c.checkpoint_id === m[2] && (type === null || c.checkpoint_type === type))
    if (!found.length) throw new UnhandledError(`Unknown checkpoint: ${checkpoint}`)
    return { run, found }
  }

  deleteCheckpoint(owner: string, runId: string, checkpoint: string): void {
    const { run, found } = this.checkpointsAt(owner, runId, checkpoint)
    for (const c of found) this.store.deleteCheckpoint(runId, c.checkpoint_type, c.checkpoint_id)
    run.checkpoints = run.checkpoints.filter((c) => !found.includes(c))
    this.store.saveRun(run)
  }

  setPublic(owner: string, runId: string, checkpoint: string, value: boolean): void {
    const { run, found } = this.checkpointsAt(owner, runId, checkpoint)
    for (const c of found) c.public = value
    this.store.saveRun(run)
  }

  /** TuFT's archive "download" is a redirect to the checkpoint folder on the server's own disk. */
  archiveUrl(owner: string, runId: string, checkpoint: string): string {
    const { found } = this.checkpointsAt(owner, runId, checkpoint)
    return pathToFileURL(this.store.checkpointDir(runId, found[0].checkpoint_type, found[0].checkpoint_id)).href
  }

  // ── sampling ───────────────────────────────────────────────────────────────────────────────────────
  createSamplingSession(owner: string, req: { session_id: string; base_model?: string | null; model_path?: string | null }): string {
    const session = this.sessions.get(req.session_id)
    if (!session || session.owner !== owner) {
      throw new HttpError(404, `Failed to create sampling session: Session ${req.session_id} not found.`)
    }
    let adapter: Adapter | null = null
    let baseModel = req.base_model ?? null
    if (req.model_path) {
      const p = parseTinkerPath(req.model_path)
      const meta = p ? this.store.readMeta(p.modelId, p.type, p.name) : null
      if (!meta) throw new HttpError(404, `Failed to create sampling session: Failed to read metadata for checkpoint ${req.model_path}.`)
      if (meta.owner !== owner) throw new HttpError(403, 'Failed to create sampling session: You do not have permission to access this resource.')
      adapter = this.newAdapter(meta.lora)
      this.store.loadWeights(meta, adapter)
      baseModel = meta.base_model
    } else if (!this.servedModel(baseModel)) {
      throw new HttpError(404, `Failed to create sampling session: Unknown model: ${baseModel ?? 'None'}`)
    }
    const id = randomUUID()
    this.samplers.set(id, { id, owner, sessionId: session.id, baseModel: baseModel ?? this.models[0].name, modelPath: req.model_path ?? null, adapter })
    session.samplerIds.push(id)
    return id
  }

  samplerInfo(owner: string, id: string): unknown {
    const s = this.samplers.get(id)
    if (!s || s.owner !== owner) throw new UnhandledError(`Unknown sampler: ${id}`)
    const p = s.modelPath ? parseTinkerPath(s.modelPath) : null
    return { sampler_id: id, base_model: s.baseModel, model_path: p ? this.store.checkpointDir(p.modelId, p.type, p.name) : null }
  }

  async sample(
    owner: string,
    req: {
      sampling_session_id?: string | null
      seq_id?: number | null
      prompt: number[]
      num_samples: number
      max_tokens?: number | null
      seed?: number | null
      stop?: string | string[] | number[] | null
      temperature: number
      top_k: number
      top_p: number
      prompt_logprobs?: boolean | null
      topk_prompt_logprobs: number
    },
  ): Promise<FuturePayload> {
    const sid = req.sampling_session_id
    const s = sid ? this.samplers.get(sid) : undefined
    if (!s) throw new HttpError(404, `Session ${sid ?? 'None'} not found.`)
    if (s.owner !== owner) throw new HttpError(403, 'You do not have permission to access this resource.')
    if (req.seq_id === null || req.seq_id === undefined) throw new HttpError(409, 'Missing sequence ID in the request.')
    const V = this.dims.vocabSize
    if (req.prompt.length === 0) throw new HttpError(400, 'The prompt must contain at least one token.')
    for (const t of req.prompt) if (!(t >= 0 && t < V)) throw new HttpError(400, `Token id ${t} is out of vocabulary (0…${V - 1}).`)
    const maxTokens = req.max_tokens ?? DEFAULT_MAX_TOKENS
    // vLLM's own argument checks (SamplingParams), plus a CPU-sized bound on samples per call.
    if (maxTokens < 1) throw new HttpError(400, `max_tokens must be at least 1, got ${maxTokens}.`)
    if (req.num_samples < 1 || req.num_samples > SANDBOX_MAX_NUM_SAMPLES) {
      throw new HttpError(400, `num_samples must be between 1 and ${SANDBOX_MAX_NUM_SAMPLES} on the sandbox, got ${req.num_samples}.`)
    }
    if (req.topk_prompt_logprobs < 0) throw new HttpError(400, `topk_prompt_logprobs must be non-negative, got ${req.topk_prompt_logprobs}.`)
    if (req.topk_prompt_logprobs > SANDBOX_MAX_TOPK_PROMPT_LOGPROBS) {
      throw new HttpError(400, `Requested prompt logprobs of ${req.topk_prompt_logprobs}, which is greater than max allowed: ${SANDBOX_MAX_TOPK_PROMPT_LOGPROBS}`)
    }
    const maxContext = this.servedModel(s.baseModel)?.maxContext ?? SANDBOX_MAX_CONTEXT
    if (req.prompt.length + maxTokens > maxContext) throw new HttpError(400, contextTooLong(maxContext, req.prompt.length, maxTokens))
    // TuFT iterates `stop`: a bare string is a list of one-character stop strings; ints are token ids.
    const stopList: Array<string | number> = req.stop === null || req.stop === undefined ? [] : typeof req.stop === 'string' ? [...req.stop] : req.stop
    const stopTokens = [...EOS_TOKENS, ...stopList.filter((x): x is number => typeof x === 'number')]
    const stopStrings = stopList.filter((x): x is string => typeof x === 'string' && x.length > 0)
    let hitsStopString: ((tokens: number[]) => Promise<boolean>) | undefined
    if (stopStrings.length) {
      this.stopDecoder ??= loadStopStringDecoder()
      const dec = await this.stopDecoder
      if (dec) {
        hitsStopString = async (tokens) => {
          const text = await dec(tokens)
          return stopStrings.some((x) => text.includes(x))
        }
      }
    }
    const base = this.baseModel()
    const t0 = performance.now()
    const sequences = []
    for (let i = 0; i < req.num_samples; i++) {
      const seed = req.seed !== null && req.seed !== undefined ? req.seed + i : (this.seed * 7919 + req.seq_id * 131 + i) >>> 0
      sequences.push(
        await generate(base, s.adapter, req.prompt, {
          maxTokens,
          temperature: req.temperature,
          topK: req.top_k,
          topP: req.top_p,
          seed,
          stopTokens,
          hitsStopString,
        }),
      )
    }
    const out: SampleOutput = { sequences, promptLogprobs: null, topkPromptLogprobs: null }
    if (req.prompt_logprobs) {
      const scored = await scorePrompt(base, s.adapter, req.prompt, req.topk_prompt_logprobs)
      out.promptLogprobs = scored.logprobs
      out.topkPromptLogprobs = scored.topk
    }
    this.count('sample', performance.now() - t0, sequences.reduce((n, q) => n + q.tokens.length, 0))
    return { kind: 'sample', out }
  }

  // ── OpenAI-compatible route ─────────────────────────────────────────────────────────────────────────
  private readonly chatAdapters = new Map<string, { time: string; adapter: Adapter }>()

  /**
   * TuFT's model resolver: a served model name, or a `tinker://` checkpoint path (weights or sampler_weights)
   * whose base model is served. TuFT reads any checkpoint on its disk here; the sandbox also requires the caller
   * to own it or the checkpoint to be public, as create_sampling_session does.
   */
  resolveChatModel(owner: string, field: string): { served: ServedModel; adapter: Adapter | null; loraId: string | null } {
    const direct = this.servedModel(field)
    if (direct) return { served: direct, adapter: null, loraId: null }
    const p = field.startsWith('tinker://') ? parseTinkerPath(field) : null
    const meta = p ? this.store.readMeta(p.modelId, p.type, p.name) : null
    if (!p || !meta) throw new HttpError(404, `Unknown model: ${field}`)
    const served = this.servedModel(meta.base_model)
    if (!served) throw new HttpError(404, `Unknown model: ${field}`)
    const rec = this.runs.get(p.modelId)?.checkpoints.find((c) => c.checkpoint_id === p.name && c.checkpoint_type === p.type)
    if (meta.owner !== owner && !rec?.public) throw new HttpError(403, 'You do not have permission to access this resource.')
    const cached = this.chatAdapters.get(field)
    if (cached && cached.time === meta.time) return { served, adapter: cached.adapter, loraId: p.modelId }
    const adapter = this.newAdapter(meta.lora)
    this.store.loadWeights(meta, adapter)
    // A few recent adapters stay loaded, as vLLM keeps LoRAs it has served.
    if (this.chatAdapters.size >= 4) this.chatAdapters.delete(this.chatAdapters.keys().next().value as string)
    this.chatAdapters.set(field, { time: meta.time, adapter })
    return { served, adapter, loraId: p.modelId }
  }

  /** The caller's sampler checkpoints whose base model is served: what `GET /oai/api/v1/models` lists besides the bases. */
  chatCheckpoints(owner: string): Array<{ path: string; baseModel: string; time: string }> {
    return [...this.runs.values()]
      .filter((r) => r.model_owner === owner && this.servedModel(r.base_model))
      .flatMap((r) => r.checkpoints.filter((c) => c.checkpoint_type === 'sampler').map((c) => ({ path: c.tinker_path, baseModel: r.base_model, time: c.time })))
  }

  async generateChat(adapter: Adapter | null, prompt: number[], p: SampleParams): Promise<Sampled> {
    const t0 = performance.now()
    const out = await generate(this.baseModel(), adapter, prompt, p)
    this.count('chat_completions', performance.now() - t0, out.tokens.length)
    return out
  }

  close(): void {
    this.compute?.close()
    for (const m of this.live.values()) this.store.saveRun(m.record)
  }
}
