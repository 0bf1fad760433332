/**
 * Checks a base-model folder before TuFT is started on it, without loading any weights: config.json (architecture,
 * context length, a parameter estimate), the tokenizer files, and every `*.safetensors` file's header — the 8-byte
 * little-endian header length and the JSON header it announces, whose tensor offsets must fit in the file (a
 * truncated download fails here rather than minutes into TuFT's start-up).
 *
 * The folder may be one the page typed (see docs/security-model.md), so what comes back is facts only: numbers,
 * booleans, the names of the folder's *.safetensors files, identifier-shaped names (architecture, model type, dtype)
 * and messages of our own. No other text of the files is echoed: not a parse error's excerpt, not a tensor or
 * shard name, not a value that does not look like the name it stands for.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  LOCAL_SERVER_MAX_MODEL_LEN_CAP,
  LOCAL_SERVER_MAX_MODEL_LEN_FALLBACK,
  SAFETENSORS_MAX_HEADER_BYTES,
} from '../../../shared/defaults'
import type {
  ModelFolderProblem,
  ModelFolderReport,
  SafetensorsFileReport,
} from '../../../shared/local-server'

/** Bytes per element of the safetensors dtypes. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
}

type TensorEntry = { dtype?: unknown; shape?: unknown; data_offsets?: unknown }

/** A name from a file that is shown as a fact (Qwen3ForCausalLM, qwen3, bfloat16, BF16); anything else is not echoed. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/
const identifier = (v: unknown): string | null => (typeof v === 'string' && IDENTIFIER.test(v) ? v : null)
/** A shard name an index may list: a plain *.safetensors file name in the same folder. */
const SHARD_NAME = /^[\w.-]{1,200}\.safetensors$/

/** Reads and checks one safetensors header; never reads past it. */
export function readSafetensorsHeader(file: string): SafetensorsFileReport {
  const name = path.basename(file)
  const bad = (bytes: number, problem: string): SafetensorsFileReport => ({
    file: name,
    bytes,
    tensors: 0,
    parameters: 0,
    dtypes: [],
    ok: false,
    problem,
  })
  let fd: number
  try {
    fd = fs.openSync(file, 'r')
  } catch (err) {
    return bad(0, `cannot be opened (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
  }
  try {
    const size = fs.fstatSync(fd).size
    if (size < 8) return bad(size, `is ${size} bytes long, too short for a safetensors header`)
    const lenBuf = Buffer.alloc(8)
    fs.readSync(fd, lenBuf, 0, 8, 0)
    const n = lenBuf.readBigUInt64LE(0)
    if (n === 0n || n > BigInt(Math.min(SAFETENSORS_MAX_HEADER_BYTES, size - 8)))
      return bad(
        size,
        `announces a ${n}-byte header in a ${size}-byte file (not a safetensors file, or cut short)`,
      )
    const headerLen = Number(n)
    const header = Buffer.alloc(headerLen)
    fs.readSync(fd, header, 0, headerLen, 8)
    let json: Record<string, TensorEntry>
    try {
      json = JSON.parse(header.toString('utf8')) as Record<string, TensorEntry>
    } catch {
      return bad(size, 'has a header that is not valid JSON')
    }
    if (!json || typeof json !== 'object' || Array.isArray(json))
      return bad(size, 'has a header that is not a JSON object')
    const dataLen = size - 8 - headerLen
    let tensors = 0
    let parameters = 0
    let end = 0
    const dtypes = new Set<string>()
    // Tensors are named by their position, not their key: keys are the file's text.
    for (const [key, t] of Object.entries(json)) {
      if (key === '__metadata__') continue
      const nth = tensors + 1
      const shape = t?.shape
      const offsets = t?.data_offsets
      const dtype = identifier(t?.dtype)
      if (
        dtype === null ||
        !Array.isArray(shape) ||
        !shape.every((d) => Number.isInteger(d) && d >= 0) ||
        !Array.isArray(offsets) ||
        offsets.length !== 2
      )
        return bad(size, `has a malformed entry for tensor ${nth}`)
      const [a, b] = offsets as number[]
      const count = (shape as number[]).reduce((p, d) => p * d, 1)
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < a)
        return bad(size, `has invalid offsets for tensor ${nth}`)
      const width = DTYPE_BYTES[dtype]
      if (width !== undefined && b - a !== count * width)
        return bad(
          size,
          `stores tensor ${nth} in ${b - a} bytes, but ${dtype}${JSON.stringify(shape)} needs ${count * width}`,
        )
      tensors++
      parameters += count
      end = Math.max(end, b)
      dtypes.add(dtype)
    }
    if (end > dataLen)
      return bad(
        size,
        `is cut short: its tensors need ${end} bytes of data but the file has ${dataLen} (an incomplete download?)`,
      )
    return { file: name, bytes: size, tensors, parameters, dtypes: [...dtypes].sort(), ok: true }
  } finally {
    fs.closeSync(fd)
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** A decoder-only transformer's parameter count from config.json (embeddings, attention, MLP, norms); null when unknown. */
export function estimateParameters(c: Record<string, unknown>): number | null {
  const text = (c.text_config && typeof c.text_config === 'object' ? c.text_config : c) as Record<
    string,
    unknown
  >
  const h = num(text.hidden_size)
  const layers = num(text.num_hidden_layers)
  const inter = num(text.intermediate_size)
  const vocab = num(text.vocab_size)
  const heads = num(text.num_attention_heads)
  if (!h || !layers || !inter || !vocab || !heads) return null
  const kv = num(text.num_key_value_heads) ?? heads
  const headDim = num(text.head_dim) ?? h / heads
  const experts = num(text.num_experts) ?? num(text.num_local_experts) ?? 1
  const moeInter = num(text.moe_intermediate_size) ?? inter
  const attn = h * heads * headDim + 2 * h * kv * headDim + heads * headDim * h
  const mlp = experts > 1 ? experts * 3 * h * moeInter + h * experts : 3 * h * inter
  const tied = text.tie_word_embeddings === true || c.tie_word_embeddings === true
  return Math.round(layers * (attn + mlp + 2 * h) + vocab * h * (tied ? 1 : 2) + h)
}

/** The context length keys TuFT's embedded mode reads, in its order. */
function contextOf(c: Record<string, unknown>): number | null {
  const text = (c.text_config && typeof c.text_config === 'object' ? c.text_config : c) as Record<
    string,
    unknown
  >
  for (const k of ['max_position_embeddings', 'n_positions', 'seq_length']) {
    const v = num(text[k]) ?? num(c[k])
    if (v) return v
  }
  return null
}

/** `~/models/x` → an absolute path, as a shell would expand it. */
export const expandHome = (p: string): string => path.resolve(p.trim().replace(/^~(?=$|[\\/])/, os.homedir()))

export function inspectModelFolder(dir: string): ModelFolderReport {
  const abs = expandHome(dir)
  const problems: ModelFolderProblem[] = []
  const warnings: string[] = []
  const report: ModelFolderReport = {
    path: abs,
    ok: false,
    architecture: null,
    modelType: null,
    maxContext: null,
    suggestedMaxModelLen: LOCAL_SERVER_MAX_MODEL_LEN_FALLBACK,
    parameters: null,
    parametersSource: null,
    weightBytes: 0,
    dtype: null,
    suggestedName: path.basename(abs),
    files: { config: false, tokenizer: false, tokenizerConfig: false, chatTemplate: false, safetensors: [] },
    problems,
    warnings,
  }
  let entries: string[]
  try {
    if (!fs.statSync(abs).isDirectory()) throw new Error('not a folder')
    entries = fs.readdirSync(abs)
  } catch {
    problems.push({ kind: 'not-a-folder', message: `${abs} is not a folder that can be read.` })
    return report
  }
  const has = (f: string) => entries.includes(f)

  let config: Record<string, unknown> | null = null
  if (!has('config.json'))
    problems.push({
      kind: 'missing-config',
      file: 'config.json',
      message: 'config.json is missing: TuFT and transformers need it to build the model.',
    })
  else {
    report.files.config = true
    try {
      config = JSON.parse(fs.readFileSync(path.join(abs, 'config.json'), 'utf8')) as Record<string, unknown>
    } catch {
      // The parser's message quotes the file's text: not echoed.
      problems.push({ kind: 'bad-config', file: 'config.json', message: 'config.json is not valid JSON.', fact: { is: 'not-json' } })
    }
    if (config !== null && (typeof config !== 'object' || Array.isArray(config))) {
      problems.push({ kind: 'bad-config', file: 'config.json', message: 'config.json is not a JSON object.', fact: { is: 'not-object' } })
      config = null
    }
  }
  if (config) {
    report.architecture = identifier(Array.isArray(config.architectures) ? config.architectures[0] : null)
    report.modelType = identifier(config.model_type)
    report.maxContext = contextOf(config)
    if (report.maxContext)
      report.suggestedMaxModelLen = Math.min(report.maxContext, LOCAL_SERVER_MAX_MODEL_LEN_CAP)
    report.dtype = identifier(config.torch_dtype ?? config.dtype)
  }

  report.files.tokenizer = has('tokenizer.json')
  report.files.tokenizerConfig = has('tokenizer_config.json')
  const tokenizerFiles = [
    ['tokenizer.json', 'missing-tokenizer', report.files.tokenizer],
    ['tokenizer_config.json', 'missing-tokenizer-config', report.files.tokenizerConfig],
  ] as const
  for (const [file, kind, present] of tokenizerFiles) if (!present) problems.push({ kind, file, message: `${file} is missing.` })
  if (report.files.tokenizerConfig) {
    try {
      const tc = JSON.parse(fs.readFileSync(path.join(abs, 'tokenizer_config.json'), 'utf8')) as {
        chat_template?: unknown
      }
      report.files.chatTemplate = Boolean(tc.chat_template) || has('chat_template.jinja')
    } catch {
      problems.push({
        kind: 'missing-tokenizer-config',
        file: 'tokenizer_config.json',
        message: 'tokenizer_config.json is not valid JSON.',
        fact: { is: 'not-json' },
      })
    }
    if (!report.files.chatTemplate)
      warnings.push(
        'The tokenizer has no chat template: chat fine-tuning and the OpenAI-compatible chat route need one (use the instruct/chat variant).',
      )
  }

  const weights = entries.filter((f) => f.endsWith('.safetensors')).sort()
  if (has('model.safetensors.index.json')) {
    try {
      const index = JSON.parse(fs.readFileSync(path.join(abs, 'model.safetensors.index.json'), 'utf8')) as {
        weight_map?: Record<string, string>
      }
      const shards = new Set(Object.values(index.weight_map ?? {}))
      for (const shard of shards)
        if (typeof shard !== 'string' || !SHARD_NAME.test(shard)) {
          problems.push({
            kind: 'bad-weights',
            file: 'model.safetensors.index.json',
            message: 'model.safetensors.index.json lists a shard that is not a *.safetensors file name.',
            fact: { is: 'bad-shard-name' },
          })
          break
        }
      for (const shard of shards)
        if (typeof shard === 'string' && SHARD_NAME.test(shard) && !has(shard))
          problems.push({
            kind: 'missing-shard',
            file: shard,
            message: `${shard} is listed in model.safetensors.index.json but missing.`,
          })
    } catch {
      problems.push({
        kind: 'bad-weights',
        file: 'model.safetensors.index.json',
        message: 'model.safetensors.index.json is not valid JSON.',
        fact: { is: 'not-json' },
      })
    }
  }
  if (weights.length === 0) {
    const other = entries.some((f) => /^pytorch_model.*\.bin$/.test(f))
    problems.push({
      kind: 'no-weights',
      ...(other ? { fact: { is: 'bin-only' } as const } : {}),
      message: other
        ? 'The folder has only pytorch_model*.bin weights; save the model as *.safetensors (TuFT Studio checks safetensors headers before starting).'
        : 'The folder has no *.safetensors weights.',
    })
  }
  for (const f of weights) {
    const r = readSafetensorsHeader(path.join(abs, f))
    report.files.safetensors.push(r)
    report.weightBytes += r.bytes
    if (!r.ok) problems.push({ kind: 'bad-weights', file: f, message: `${f} ${r.problem}.`, fact: { is: 'bad-header' } })
  }
  const all = report.files.safetensors
  if (all.length > 0 && all.every((r) => r.ok)) {
    report.parameters = all.reduce((s, r) => s + r.parameters, 0)
    report.parametersSource = 'safetensors'
  } else if (config) {
    report.parameters = estimateParameters(config)
    report.parametersSource = report.parameters === null ? null : 'config-estimate'
  }
  report.ok = problems.length === 0
  return report
}
