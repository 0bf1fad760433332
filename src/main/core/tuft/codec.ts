import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import {
  ChunkSchema,
  DatumSchema,
  DType,
  EncodedTextChunkSchema,
  ForwardBackwardOutputSchema,
  ForwardBackwardRequestSchema,
  SampleResponseSchema,
  StopReason,
  TensorSchema,
  type BatchedTensor,
  type Tensor,
  readTensorBytes,
} from '../../../protocol'
import type { Datum } from '../../../shared/datum'
import { TuftError } from './errors'

/** One next-token SFT example (aligned: target[t] follows input[0..t]); the shared Datum shape. */
export type TuftDatum = Datum

export type LossFnOutput = { logprobs: number[] } & Record<string, number[]>

export type ForwardBackwardResult = {
  /** TuFT sends the loss function name; the SDK keeps the text after the last `:`. */
  loss_fn_output_type: string
  /** One entry per datum, in datum order. `logprobs[t]` = log p(target[t] | input[0..t]). */
  loss_fn_outputs: LossFnOutput[]
  /** `name:reduction` keys, e.g. `loss:sum` = −Σ weight·logprob. */
  metrics: Record<string, number>
}

export type StopReasonName = 'stop' | 'length'
export type SampledSequence = { tokens: number[]; logprobs?: number[]; stop_reason: StopReasonName }
export type SampleResult = {
  sequences: SampledSequence[]
  /** One per prompt token; null where the server has no value (always position 0). */
  prompt_logprobs?: (number | null)[]
  /** Per prompt position: null (no data) or up to k [token_id, logprob] pairs. */
  topk_prompt_logprobs?: ([number, number][] | null)[]
  prompt_cache_hit_tokens?: number
}

export type ForwardBackwardRequestInput = {
  modelId: string
  seqId: number
  datums: readonly TuftDatum[]
  lossFn: string
  lossFnConfig?: Record<string, number>
  forwardOnly: boolean
}

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

const checkInts = (xs: readonly number[], what: string, index: number) => {
  for (const x of xs)
    if (!Number.isInteger(x) || x < INT32_MIN || x > INT32_MAX)
      throw new TuftError('bad-datum', `Datum ${index}: ${what} must be 32-bit integers (found ${x})`, { datum: index })
}

const int32Bytes = (xs: readonly number[]): Uint8Array => {
  const out = new Uint8Array(xs.length * 4)
  const v = new DataView(out.buffer)
  xs.forEach((x, i) => v.setInt32(i * 4, x, true))
  return out
}

const int64Bytes = (xs: readonly number[]): Uint8Array => {
  const out = new Uint8Array(xs.length * 8)
  const v = new DataView(out.buffer)
  xs.forEach((x, i) => v.setBigInt64(i * 8, BigInt(x), true))
  return out
}

const float32Bytes = (xs: readonly number[]): Uint8Array => {
  const out = new Uint8Array(xs.length * 4)
  const v = new DataView(out.buffer)
  xs.forEach((x, i) => v.setFloat32(i * 4, x, true))
  return out
}

const denseTensor = (bytes: Uint8Array, dtype: DType, length: number): Tensor =>
  create(TensorSchema, { encoding: { case: 'dense', value: bytes }, dtype, shape: [BigInt(length)] })

/**
 * Builds the protobuf body of `/api/v1/forward_backward` as the SDK does (§6.3): int32 LE tokens in one
 * encoded_text chunk, `weights` float32 then `target_tokens` int64 (the SDK's insertion order, so the
 * bytes match its test vector), each with a 1-D shape.
 */
/** Client-side checks that would otherwise corrupt the binary encoding (lengths are the server's to judge). */
export const validateDatums = (datums: readonly TuftDatum[]) =>
  datums.forEach((d, i) => {
    checkInts(d.model_input, 'model_input tokens', i)
    checkInts(d.target_tokens, 'target_tokens', i)
    for (const w of d.weights)
      if (!Number.isFinite(w)) throw new TuftError('bad-datum', `Datum ${i}: weights must be finite numbers`, { datum: i })
  })

export const encodeForwardBackwardRequest = (input: ForwardBackwardRequestInput): Uint8Array => {
  validateDatums(input.datums)
  const data = input.datums.map((d) =>
    create(DatumSchema, {
      modelInput: [
        create(ChunkSchema, {
          chunk: { case: 'encodedText', value: create(EncodedTextChunkSchema, { tokens: int32Bytes(d.model_input) }) },
        }),
      ],
      lossFnInputs: {
        weights: denseTensor(float32Bytes(d.weights), DType.DTYPE_FLOAT32, d.weights.length),
        target_tokens: denseTensor(int64Bytes(d.target_tokens), DType.DTYPE_INT64, d.target_tokens.length),
      },
    }),
  )
  const msg = create(ForwardBackwardRequestSchema, {
    modelId: input.modelId,
    seqId: input.seqId,
    data,
    lossFn: input.lossFn,
    lossFnConfig: input.lossFnConfig ?? {},
    forwardOnly: input.forwardOnly,
  })
  return toBinary(ForwardBackwardRequestSchema, msg)
}

const readNumbers = (bytes: Uint8Array, dtype: DType): number[] => {
  const read = readTensorBytes(bytes, dtype)
  if ('problem' in read) throw new TuftError('server-error', `Unexpected tensor encoding from server: ${read.problem}`)
  return read.values
}

const splitBatched = (t: BatchedTensor, numDatums: number): number[][] => {
  const offsets = readNumbers(t.offsets, DType.DTYPE_INT64)
  const count = offsets.length > 0 ? offsets.length - 1 : numDatums
  const out: number[][] = []
  for (let i = 0; i < count; i++) out.push(readNumbers(t.data.subarray(offsets[i], offsets[i + 1]), t.dtype))
  return out
}

const outputType = (raw: string): string => {
  const i = raw.lastIndexOf(':')
  return i >= 0 ? raw.slice(i + 1) : raw
}

/** Decodes a protobuf `ForwardBackwardOutput` (§6.4): ArrayRecords with byte-offset-batched tensors. */
export const decodeForwardBackwardOutput = (bytes: Uint8Array): ForwardBackwardResult => {
  let msg
  try {
    msg = fromBinary(ForwardBackwardOutputSchema, bytes)
  } catch (e) {
    throw new TuftError('server-error', `Could not decode the server's ForwardBackwardOutput: ${(e as Error).message}`)
  }
  const outputs: LossFnOutput[] = []
  for (const rec of msg.lossFnOutputs) {
    const names = Object.keys(rec.fields)
    let n = Number(rec.numDatums)
    const perField = names.map((name) => splitBatched(rec.fields[name], n))
    if (n === 0 && perField.length > 0) n = perField[0].length
    for (let i = 0; i < n; i++) {
      const o: Record<string, number[]> = {}
      names.forEach((name, j) => (o[name] = perField[j][i] ?? []))
      outputs.push(o as LossFnOutput)
    }
  }
  return {
    loss_fn_output_type: msg.lossFnOutputs.length === 0 && !msg.lossFnOutputType ? 'ArrayRecord' : outputType(msg.lossFnOutputType),
    loss_fn_outputs: outputs,
    metrics: { ...msg.metrics },
  }
}

type JsonTensor = { data?: unknown; dtype?: unknown; shape?: unknown }

/** TuFT's JSON fallback for the same result (§7.3), used when the server ignores the protobuf Accept. */
export const parseForwardBackwardJson = (body: unknown): ForwardBackwardResult => {
  const o = body as { loss_fn_output_type?: unknown; loss_fn_outputs?: unknown; metrics?: unknown }
  if (!o || typeof o !== 'object' || !Array.isArray(o.loss_fn_outputs))
    throw new TuftError('server-error', 'Unexpected forward_backward result from server', { serverMessage: JSON.stringify(body).slice(0, 500) })
  const outputs = o.loss_fn_outputs.map((entry) => {
    const out: Record<string, number[]> = {}
    for (const [k, v] of Object.entries(entry as Record<string, JsonTensor>)) {
      const data = Array.isArray(v) ? v : v?.data
      if (Array.isArray(data)) out[k] = data.map((x) => (x === null ? Number.NaN : Number(x)))
    }
    return out as LossFnOutput
  })
  const metrics: Record<string, number> = {}
  if (o.metrics && typeof o.metrics === 'object')
    for (const [k, v] of Object.entries(o.metrics as Record<string, unknown>)) if (typeof v === 'number') metrics[k] = v
  return {
    loss_fn_output_type: typeof o.loss_fn_output_type === 'string' ? outputType(o.loss_fn_output_type) : 'ArrayRecord',
    loss_fn_outputs: outputs,
    metrics,
  }
}

const TOPK_EMPTY = -99999

/** Decodes a protobuf `SampleResponse` (§6.5). */
export const decodeSampleResponse = (bytes: Uint8Array): SampleResult => {
  let msg
  try {
    msg = fromBinary(SampleResponseSchema, bytes)
  } catch (e) {
    throw new TuftError('server-error', `Could not decode the server's SampleResponse: ${(e as Error).message}`)
  }
  const result: SampleResult = {
    sequences: msg.sequences.map((s) => {
      const seq: SampledSequence = {
        tokens: readNumbers(s.tokens, DType.DTYPE_INT32),
        stop_reason: s.stopReason === StopReason.LENGTH ? 'length' : 'stop',
      }
      if (s.logprobs !== undefined && s.logprobs.length > 0) seq.logprobs = readNumbers(s.logprobs, DType.DTYPE_FLOAT32)
      return seq
    }),
    prompt_cache_hit_tokens: msg.promptCacheHitTokens,
  }
  if (msg.promptLogprobs !== undefined)
    result.prompt_logprobs = readNumbers(msg.promptLogprobs, DType.DTYPE_FLOAT32).map((x) => (Number.isNaN(x) ? null : x))
  const topk = msg.topkPromptLogprobs
  if (topk && topk.k > 0) {
    const ids = readNumbers(topk.tokenIds, DType.DTYPE_INT32)
    const lps = readNumbers(topk.logprobs, DType.DTYPE_FLOAT32)
    const rows: ([number, number][] | null)[] = []
    for (let p = 0; p < topk.promptLength; p++) {
      const row: [number, number][] = []
      for (let j = 0; j < topk.k; j++) {
        const lp = lps[p * topk.k + j]
        if (lp === TOPK_EMPTY) break
        row.push([ids[p * topk.k + j], lp])
      }
      rows.push(row.length ? row : null)
    }
    result.topk_prompt_logprobs = rows
  }
  return result
}

/** TuFT's JSON fallback for sample results (§7.4). */
export const parseSampleJson = (body: unknown): SampleResult => {
  const o = body as { sequences?: unknown; prompt_logprobs?: unknown; topk_prompt_logprobs?: unknown }
  if (!o || typeof o !== 'object' || !Array.isArray(o.sequences))
    throw new TuftError('server-error', 'Unexpected sample result from server', { serverMessage: JSON.stringify(body).slice(0, 500) })
  const result: SampleResult = {
    sequences: o.sequences.map((s: { tokens?: unknown; logprobs?: unknown; stop_reason?: unknown }) => {
      const seq: SampledSequence = {
        tokens: Array.isArray(s.tokens) ? s.tokens.map(Number) : [],
        stop_reason: s.stop_reason === 'length' ? 'length' : 'stop',
      }
      if (Array.isArray(s.logprobs) && s.logprobs.length) seq.logprobs = s.logprobs.map(Number)
      return seq
    }),
  }
  if (Array.isArray(o.prompt_logprobs))
    result.prompt_logprobs = o.prompt_logprobs.map((x) => (x === null ? null : Number(x)))
  if (Array.isArray(o.topk_prompt_logprobs))
    result.topk_prompt_logprobs = o.topk_prompt_logprobs.map((row) =>
      Array.isArray(row) ? row.map((p) => [Number(p[0]), Number(p[1])] as [number, number]) : null,
    )
  return result
}
