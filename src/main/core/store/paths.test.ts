import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { childPath, resourcePath, studioHome } from './paths'

describe('paths', () => {
  it('TUFT_STUDIO_HOME overrides the OS app-data folder', () => {
    expect(studioHome({ TUFT_STUDIO_HOME: '/tmp/x-home' })).toBe('/tmp/x-home')
    expect(studioHome({})).not.toBe('/tmp/x-home')
  })

  it('finds shipped resources from the source tree, honours TUFT_STUDIO_RESOURCES, and says null when absent', () => {
    const config = resourcePath(path.join('tokenizers', 'qwen3-4b-instruct-2507', 'tokenizer_config.json'), {})
    expect(config && fs.existsSync(config)).toBe(true)
    expect(resourcePath(path.join('datasets', 'sample-chat.jsonl'), {})).toMatch(/resources[\\/]datasets[\\/]sample-chat\.jsonl$/)
    expect(resourcePath('no-such-file.bin', {})).toBeNull()

    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'res-'))
    fs.mkdirSync(path.join(other, 'datasets'))
    fs.writeFileSync(path.join(other, 'datasets', 'sample-chat.jsonl'), '{}\n')
    expect(resourcePath(path.join('datasets', 'sample-chat.jsonl'), { TUFT_STUDIO_RESOURCES: other })).toBe(
      path.join(other, 'datasets', 'sample-chat.jsonl'),
    )
    expect(resourcePath(path.join('tokenizers', 'x.json'), { TUFT_STUDIO_RESOURCES: other })).toBeNull()
  })
})

describe('childPath', () => {
  const parent = path.join(os.tmpdir(), 'child-path-parent')
  it('joins plain names under the parent', () => {
    expect(childPath(parent, 'train', '0.parquet')).toBe(path.join(parent, 'train', '0.parquet'))
    expect(childPath(parent, '..x', 'a..b')).toBe(path.join(parent, '..x', 'a..b'))
  })
  it.each([['..'], ['.'], [''], ['../../x/owned'], ['a/b'], ['a\\b'], ['/etc'], ['a\0b'], ['\x1b[2J']])('refuses %j', (seg) => {
    expect(() => childPath(parent, 'ok', seg)).toThrow(expect.objectContaining({ code: 'invalid-input' }))
  })
})
