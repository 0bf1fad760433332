/**
 * Protobuf and JSON shapes of the sandbox's wire protocol, following TuFT's compat.py (PROTO §6, §7):
 * decoding ForwardBackwardRequest, encoding ForwardBackwardOutput (one ArrayRecord with byte offsets) and
 * SampleResponse, and their JSON fallbacks for clients that do not ask for protobuf.
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import {
  ArrayRecordSchema,
  BatchedTensorSchema,
  DType,
  ForwardBackwardOutputSchema,
  ForwardBackwardRequestSchema,
  SampleResponseSchema,
  SampledSequenceSchema,
  StopReason,
  TopkPromptLogprobsSchema,
  type Tensor,
  readTensorBytes,
} from '../protocol'
import { HttpError } from './errors'

export const LOSS_FNS = ['cross_entropy', 'importance_sampling', 'ppo', 'cispo', 'dro'] as const

export type WireTensor = { dtype: 'float32' | 'int64'; values: number[]; shape: number[] }
export type WireDatum = { tokens: number[]; inputs: Map<string, WireTensor>; nonText: string | null }
export type FwdBwdRequest = {
  modelId: string
  seqId: number
  data: WireDatum[]
  lossFn: string
  lossFnConfig: Record<string, number>
  forwardOnly: boolean
}

const invalid = (msg: string): HttpError => new HttpError(422, `Invalid protobuf request: ${msg}`)

function numbersOf(bytes: Uint8Array, dtype: DType): { values: number[]; kind: 'float32' | 'int64' } {
  const read = readTensorBytes(bytes, dtype)
  if ('problem' in read) throw invalid(read.problem)
  // TuFT widens int32 to int64 and bfloat16 to float32 (PROTO §6.3).
  const kind = dtype === DType.DTYPE_INT64 || dtype === DType.DTYPE_INT32 ? 'int64' : 'float32'
  return { values: read.values, kind }
}

function decodeTensor(name: string, t: Tensor): WireTensor {
  const shape = t.shape.map(Number)
  if (t.encoding.case === 'dense') {
    const { values, kind } = numbersOf(t.encoding.value, t.dtype)
    return { dtype: kind, values, shape: shape.length ? shape : [values.length] }
  }
  if (t.encoding.case === 'sparseCsr') {
    if (shape.length === 0) throw invalid(`sparse tensor '${name}' has no shape`)
    const sp = t.encoding.value
    const { values, kind } = numbersOf(sp.values, t.dtype)
    const crow = numbersOf(sp.crowIndices, DType.DTYPE_INT64).values
    const col = numbersOf(sp.colIndices, DType.DTYPE_INT64).values
    const cols = shape.length === 2 ? shape[1] : shape[0]
    const rows = shape.length === 2 ? shape[0] : 1
    const dense = new Array<number>(rows * cols).fill(0)
    for (let r = 0; r < rows; r++) for (let k = crow[r]; k < crow[r + 1]; k++) dense[r * cols + col[k]] = values[k]
    return { dtype: kind, values: dense, shape }
  }
  throw invalid(`tensor '${name}' has neither dense nor sparse_csr data`)
}

export function decodeForwardBackwardRequest(body: Uint8Array): FwdBwdRequest {
  let msg
  try {
    msg = fromBinary(ForwardBackwardRequestSchema, body)
  } catch (err) {
    throw invalid(`Error parsing message: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (!(LOSS_FNS as readonly string[]).includes(msg.lossFn)) throw invalid(`Unsupported loss_fn: '${msg.lossFn}'`)
  const data = msg.data.map((d): WireDatum => {
    const tokens: number[] = []
    let nonText: string | null = null
    for (const chunk of d.modelInput) {
      if (chunk.chunk.case === 'encodedText') {
        for (const t of numbersOf(chunk.chunk.value.tokens, DType.DTYPE_INT32).values) tokens.push(t)
      } else nonText ??= chunk.chunk.case === 'image' ? 'ImageChunk' : chunk.chunk.case === 'dmel' ? 'DmelChunk' : 'unknown chunk'
    }
    const inputs = new Map<string, WireTensor>()
    for (const [k, t] of Object.entries(d.lossFnInputs)) inputs.set(k, decodeTensor(k, t))
    return { tokens, inputs, nonText }
  })
  return {
    modelId: msg.modelId,
    seqId: msg.seqId,
    data,
    lossFn: msg.lossFn,
    lossFnConfig: { ...msg.lossFnConfig },
    forwardOnly: msg.forwardOnly,
  }
}

export type FwdBwdOutput = { lossFn: string; logprobs: Float32Array[]; metrics: Record<string, number> }

export function encodeForwardBackwardOutput(out: FwdBwdOutput): Uint8Array {
  const total = out.logprobs.reduce((n, a) => n + a.length, 0)
  const data = new Float32Array(total)
  const offsets = new BigInt64Array(out.logprobs.length + 1)
  let at = 0
  out.logprobs.forEach((a, i) => {
    data.set(a, at)
    at += a.length
    offsets[i + 1] = BigInt(at * 4)
  })
  const records = out.logprobs.length
    ? [
        create(ArrayRecordSchema, {
          typeTag: out.lossFn,
          numDatums: BigInt(out.logprobs.length),
          fields: {
            logprobs: create(BatchedTensorSchema, {
              data: new Uint8Array(data.buffer),
              offsets: new Uint8Array(offsets.buffer),
              dtype: DType.DTYPE_FLOAT32,
              trailingShape: [],
            }),
          },
        }),
      ]
    : []
  return toBinary(
    ForwardBackwardOutputSchema,
    create(ForwardBackwardOutputSchema, { lossFnOutputType: out.lossFn, lossFnOutputs: records, metrics: out.metrics }),
  )
}

export function forwardBackwardOutputJson(out: FwdBwdOutput): unknown {
  return {
    loss_fn_output_type: out.lossFn,
    loss_fn_outputs: out.logprobs.map((a) => ({
      logprobs: { data: Array.from(a), dtype: 'float32', shape: [a.length] },
    })),
    metrics: out.metrics,
  }
}

export type SampledSeq = { tokens: number[]; logprobs: number[]; stopReason: 'stop' | 'length' }
export type SampleOutput = {
  sequences: SampledSeq[]
  /** One per prompt token, null at position 0 (no context). */
  promptLogprobs: Array<number | null> | null
  /** Per prompt position: null or [tokenId, logprob] pairs, best first. */
  topkPromptLogprobs: Array<Array<[number, number]> | null> | null
}

const TOPK_SENTINEL = -99999

export function encodeSampleResponse(out: SampleOutput): Uint8Array {
  const msg = create(SampleResponseSchema, {
    sequences: out.sequences.map((s) =>
      create(SampledSequenceSchema, {
        stopReason: s.stopReason === 'length' ? StopReason.LENGTH : StopReason.STOP,
        tokens: new Uint8Array(Int32Array.from(s.tokens).buffer),
        logprobs: new Uint8Array(Float32Array.from(s.logprobs).buffer),
      }),
    ),
    promptCacheHitTokens: 0,
  })
  if (out.promptLogprobs) {
    msg.promptLogprobs = new Uint8Array(Float32Array.from(out.promptLogprobs, (v) => (v === null ? NaN : v)).buffer)
  }
  if (out.topkPromptLogprobs) {
    const rows = out.topkPromptLogprobs
    const k = Math.max(0, ...rows.map((r) => r?.length ?? 0))
    const ids = new Int32Array(rows.length * k)
    const lps = new Float32Array(rows.length * k).fill(TOPK_SENTINEL)
    rows.forEach((r, i) => r?.forEach(([id, lp], j) => ((ids[i * k + j] = id), (lps[i * k + j] = lp))))
    msg.topkPromptLogprobs = create(TopkPromptLogprobsSchema, {
      tokenIds: new Uint8Array(ids.buffer),
      logprobs: new Uint8Array(lps.buffer),
      k,
      promptLength: rows.length,
    })
  }
  return toBinary(SampleResponseSchema, msg)
}

export function sampleResponseJson(out: SampleOutput): unknown {
  return {
    type: 'sample',
    sequences: out.sequences.map((s) => ({ stop_reason: s.stopReason, tokens: s.tokens, logprobs: s.logprobs })),
    prompt_logprobs: out.promptLogprobs,
    topk_prompt_logprobs: out.topkPromptLogprobs,
  }
}
