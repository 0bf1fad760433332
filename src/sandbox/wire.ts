/**
 * Protobuf and JSON shapes of the sandbox's wire protocol, following TuFT's compat.py (PROTO §6, §7):
 * decoding ForwardBackwardRequest, encoding ForwardBackwardOutput (one ArrayRecord with byte offsets) and
 * SampleResponse, and their JSON fallbacks for clients that do not ask for protobuf.
 */
import { create, fromBinary, ScalarType, toBinary, type DescMessage } from '@bufbuild/protobuf'
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire'
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
import { SANDBOX_MAX_FWDBWD_FIELDS, SANDBOX_MAX_TENSOR_ELEMENTS } from '../shared/defaults'
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

/**
 * A tensor's shape, checked before anything is allocated from it: sizes are non-negative integers and the
 * element count stays within SANDBOX_MAX_TENSOR_ELEMENTS (a 200-byte sparse tensor can claim any shape).
 */
function checkedShape(name: string, t: Tensor): { shape: number[]; elements: number } {
  const shape = t.shape.map(Number)
  const shown = `[${shape.join(', ')}]`
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw invalid(`tensor '${name}' has an invalid shape ${shown}`)
  const elements = shape.reduce((a, b) => a * b, 1)
  if (elements > SANDBOX_MAX_TENSOR_ELEMENTS) {
    throw invalid(`tensor '${name}' of shape ${shown} has ${elements} elements; the sandbox accepts at most ${SANDBOX_MAX_TENSOR_ELEMENTS}`)
  }
  return { shape, elements }
}

/** The CSR invariants torch's `check_invariants` enforces; indices that break them would index anywhere. */
function checkCsr(name: string, rows: number, cols: number, crow: number[], col: number[], nnz: number): void {
  const bad = (what: string): HttpError => invalid(`sparse tensor '${name}': ${what}`)
  if (crow.length !== rows + 1) throw bad(`crow_indices has ${crow.length} entries, expected ${rows + 1}`)
  if (crow[0] !== 0) throw bad(`crow_indices must start at 0, got ${crow[0]}`)
  for (let r = 0; r < rows; r++) if (!(crow[r + 1] >= crow[r])) throw bad(`crow_indices must not decrease (row ${r}: ${crow[r]} → ${crow[r + 1]})`)
  if (crow[rows] !== nnz || col.length !== nnz) {
    throw bad(`crow_indices ends at ${crow[rows]} with ${col.length} col_indices, but there are ${nnz} values`)
  }
  for (const c of col) if (!(c >= 0 && c < cols)) throw bad(`column index ${c} is out of range for ${cols} columns`)
}

function decodeTensor(name: string, t: Tensor): WireTensor {
  if (t.encoding.case === 'dense') {
    const { shape, elements } = checkedShape(name, t)
    const { values, kind } = numbersOf(t.encoding.value, t.dtype)
    if (shape.length && elements !== values.length) {
      throw invalid(`tensor '${name}' has ${values.length} values, but its shape [${shape.join(', ')}] needs ${elements}`)
    }
    return { dtype: kind, values, shape: shape.length ? shape : [values.length] }
  }
  if (t.encoding.case === 'sparseCsr') {
    if (t.shape.length === 0) throw invalid(`sparse tensor '${name}' has no shape`)
    if (t.shape.length > 2) throw invalid(`sparse tensor '${name}' must be 1-D or 2-D, got ${t.shape.length} dimensions`)
    const { shape, elements } = checkedShape(name, t)
    const sp = t.encoding.value
    const { values, kind } = numbersOf(sp.values, t.dtype)
    const crow = numbersOf(sp.crowIndices, DType.DTYPE_INT64).values
    const col = numbersOf(sp.colIndices, DType.DTYPE_INT64).values
    const cols = shape.length === 2 ? shape[1] : shape[0]
    const rows = shape.length === 2 ? shape[0] : 1
    checkCsr(name, rows, cols, crow, col, values.length)
    const dense = new Array<number>(elements).fill(0)
    for (let r = 0; r < rows; r++) for (let k = crow[r]; k < crow[r + 1]; k++) dense[r * cols + col[k]] = values[k]
    return { dtype: kind, values: dense, shape }
  }
  throw invalid(`tensor '${name}' has neither dense nor sparse_csr data`)
}

const FIXED_WIDTH: Partial<Record<ScalarType, 4 | 8>> = {
  [ScalarType.FLOAT]: 4,
  [ScalarType.FIXED32]: 4,
  [ScalarType.SFIXED32]: 4,
  [ScalarType.DOUBLE]: 8,
  [ScalarType.FIXED64]: 8,
  [ScalarType.SFIXED64]: 8,
}

/** Elements of a packed repeated scalar: one per varint, or per fixed-size slot. */
function packedCount(bytes: Uint8Array, wire: 'varint' | 4 | 8): number {
  if (wire !== 'varint') return Math.ceil(bytes.length / wire)
  let n = 0
  for (const b of bytes) if ((b & 0x80) === 0) n++
  return n
}

/**
 * Walks the wire format without materialising anything and counts the fields a decode would create (every
 * element of a repeated field, unknown fields included). Decoding costs ~200 bytes of heap per field, so a
 * 16 MiB body of empty messages would otherwise cost gigabytes; past `budget.left` this throws 413.
 */
function countFields(desc: DescMessage, bytes: Uint8Array, budget: { left: number }): void {
  const reader = new BinaryReader(bytes)
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag()
    if (--budget.left < 0) {
      throw new HttpError(413, `Request too large: a forward_backward body may hold at most ${SANDBOX_MAX_FWDBWD_FIELDS} protobuf fields`)
    }
    const field = desc.fields.find((f) => f.number === no)
    if (wireType !== WireType.LengthDelimited || !field) {
      reader.skip(wireType, no)
      continue
    }
    const sub = reader.bytes()
    if (field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message')) {
      countFields(field.message, sub, budget)
    } else if (field.fieldKind === 'list' && field.listKind === 'scalar') {
      budget.left -= packedCount(sub, FIXED_WIDTH[field.scalar] ?? 'varint')
    } else if (field.fieldKind === 'map' && field.mapKind === 'message') {
      // A map entry is a message with the key as field 1 and the value as field 2.
      const entry = new BinaryReader(sub)
      while (entry.pos < entry.len) {
        const [eno, ewt] = entry.tag()
        if (eno === 2 && ewt === WireType.LengthDelimited) countFields(field.message, entry.bytes(), budget)
        else entry.skip(ewt, eno)
      }
    }
  }
}

export function decodeForwardBackwardRequest(body: Uint8Array): FwdBwdRequest {
  let msg
  try {
    countFields(ForwardBackwardRequestSchema, body, { left: SANDBOX_MAX_FWDBWD_FIELDS })
    msg = fromBinary(ForwardBackwardRequestSchema, body, { readUnknownFields: false })
  } catch (err) {
    if (err instanceof HttpError) throw err
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
