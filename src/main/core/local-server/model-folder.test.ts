import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeModelFolder, QWEN3_TINY_CONFIG, writeSafetensors } from '../../../../tests/helpers/model-folder'
import { estimateParameters, inspectModelFolder, readSafetensorsHeader } from './model-folder'

const made: string[] = []
const folder = (o: Parameters<typeof makeModelFolder>[0] = {}): string => {
  const d = makeModelFolder(o)
  made.push(d)
  return d
}
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

describe('model folder check', () => {
  it('reads architecture, context and the exact parameter count from the headers, never the weights', () => {
    const dir = folder()
    const r = inspectModelFolder(dir)
    expect(r.problems).toEqual([])
    expect(r).toMatchObject({
      ok: true,
      architecture: 'Qwen3ForCausalLM',
      modelType: 'qwen3',
      maxContext: 40960,
      suggestedMaxModelLen: 32768,
      dtype: 'bfloat16',
      parametersSource: 'safetensors',
      parameters: 151936 * 64 + 128 * 64 + 64,
      suggestedName: path.basename(dir),
      files: { config: true, tokenizer: true, tokenizerConfig: true, chatTemplate: true },
    })
    expect(r.files.safetensors.map((f) => [f.file, f.tensors, f.dtypes])).toEqual([
      ['model-00001-of-00002.safetensors', 1, ['BF16']],
      ['model-00002-of-00002.safetensors', 2, ['BF16', 'F32']],
    ])
  })

  it('reports a truncated shard, a non-safetensors file and a shard the index names but the folder lacks', () => {
    const cut = inspectModelFolder(folder({ weights: 'truncated' }))
    expect(cut.ok).toBe(false)
    expect(cut.problems).toEqual([
      expect.objectContaining({
        kind: 'bad-weights',
        file: 'model-00002-of-00002.safetensors',
        message: expect.stringMatching(/cut short/),
      }),
    ])
    // The parameter count falls back to config.json when a header is unusable.
    expect(cut.parametersSource).toBe('config-estimate')

    const lfs = inspectModelFolder(folder({ weights: 'garbage' }))
    expect(lfs.problems[0]).toMatchObject({
      kind: 'bad-weights',
      message: expect.stringMatching(/not a safetensors file/),
    })

    const dir = folder()
    fs.rmSync(path.join(dir, 'model-00002-of-00002.safetensors'))
    expect(inspectModelFolder(dir).problems).toEqual([
      expect.objectContaining({ kind: 'missing-shard', file: 'model-00002-of-00002.safetensors' }),
    ])
  })

  it('names each missing piece: weights, config, tokenizer files; a missing chat template is only a warning', () => {
    const none = inspectModelFolder(folder({ weights: 'none', tokenizer: false, config: null }))
    expect(none.problems.map((p) => p.kind).sort()).toEqual([
      'missing-config',
      'missing-tokenizer',
      'missing-tokenizer-config',
      'no-weights',
    ])
    const noTemplate = inspectModelFolder(folder({ chatTemplate: false }))
    expect(noTemplate.ok).toBe(true)
    expect(noTemplate.warnings.join(' ')).toMatch(/no chat template/)
    expect(inspectModelFolder('/definitely/not/here').problems).toEqual([
      expect.objectContaining({ kind: 'not-a-folder' }),
    ])
  })

  it('rejects headers whose offsets disagree with dtype and shape', () => {
    const dir = folder()
    const file = path.join(dir, 'odd.safetensors')
    writeSafetensors(file, { w: { dtype: 'F32', shape: [4] } })
    const buf = fs.readFileSync(file)
    const n = Number(buf.readBigUInt64LE(0))
    const header = JSON.parse(buf.subarray(8, 8 + n).toString()) as Record<string, { shape: number[] }>
    header.w.shape = [5]
    const json = Buffer.from(JSON.stringify(header).padEnd(n, ' '))
    fs.writeFileSync(file, Buffer.concat([buf.subarray(0, 8), json, buf.subarray(8 + n)]))
    expect(readSafetensorsHeader(file)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/stores tensor 1 in 16 bytes, but F32\[5\] needs 20/),
    })
  })

  it('echoes nothing of the files but facts, whatever folder it is asked about', () => {
    const SECRET = 'tok_live_5ecret'
    // Files that look like a model's but hold someone's secrets, where each fact or message would carry text.
    const dir = folder({ config: { architectures: [`${SECRET} in a sentence`], model_type: { nested: SECRET }, torch_dtype: `x ${SECRET}`, max_position_embeddings: 4096 } })
    const header = Buffer.from(JSON.stringify({ [SECRET]: { dtype: 'F32', shape: [SECRET], data_offsets: [0, 16] } }))
    const length = Buffer.alloc(8)
    length.writeBigUInt64LE(BigInt(header.length))
    fs.writeFileSync(path.join(dir, 'odd.safetensors'), Buffer.concat([length, header, Buffer.alloc(16)]))
    fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: `../${SECRET}` } }))
    const report = inspectModelFolder(dir)
    expect(report).toMatchObject({ architecture: null, modelType: null, dtype: null, maxContext: 4096 })
    expect(JSON.stringify(report)).not.toContain(SECRET)
    expect(report.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        'model.safetensors.index.json lists a shard that is not a *.safetensors file name.',
        'odd.safetensors has a malformed entry for tensor 1.',
      ]),
    )
    // A config.json that is not JSON: the parser's message would quote it.
    fs.writeFileSync(path.join(dir, 'config.json'), `${SECRET} = 1`)
    const bad = inspectModelFolder(dir)
    expect(bad.problems).toContainEqual({ kind: 'bad-config', file: 'config.json', message: 'config.json is not valid JSON.', fact: { is: 'not-json' } })
    expect(JSON.stringify(bad)).not.toContain(SECRET)
  })

  it('estimates a decoder’s parameters from config.json (Qwen3-4B: about 4.0 B)', () => {
    const qwen3_4b = {
      hidden_size: 2560,
      num_hidden_layers: 36,
      intermediate_size: 9728,
      vocab_size: 151936,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      head_dim: 128,
      tie_word_embeddings: true,
    }
    const n = estimateParameters(qwen3_4b) as number
    expect(n / 1e9).toBeGreaterThan(3.9)
    expect(n / 1e9).toBeLessThan(4.1)
    expect(estimateParameters({ ...QWEN3_TINY_CONFIG, hidden_size: undefined })).toBeNull()
  })
})
