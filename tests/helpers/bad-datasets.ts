/**
 * Malformed dataset files, generated from a seed at test time (no committed corpus): truncation, foreign
 * encodings, byte-order marks, deep nesting, wrong types, huge rows, prototype keys, control characters,
 * mixed formats, broken parquet … over JSON Lines, JSON and parquet. Each case is a file name and its
 * bytes, plus import options for the few cases that need them; `badDatasetCases(seed, n)` lists them and
 * `case.build()` makes the bytes, so a test can build each one in its own test.
 */
import { parquetWriteBuffer } from 'hyparquet-writer'
import { MAX_CONVERSATION_CHARS, MAX_JSON_DEPTH, MAX_ROW_BYTES } from '../../src/shared/defaults'
import { CHAT_PARQUET_SCHEMA } from './hub-mirror'
import { syntheticRows, type SyntheticRow } from './synthetic-chat'
import { seededRandom } from '../../src/shared/seeded-random'

export type BadCase = {
  name: string
  family: string
  /** File name (its extension decides how the file is read). */
  file: string
  build: () => Buffer
  options?: { format?: 'messages' | 'sharegpt' | 'alpaca'; mapping?: Record<string, string> }
  /** What this file must lead to beyond the general rules: an error code, or a rejection reason in the report. */
  expect?: { code: string } | { reason: string }
}


type Rng = () => number
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1))
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]

const rowsFor = (rng: Rng, n = int(rng, 3, 40)): SyntheticRow[] => syntheticRows(n + int(rng, 0, 7)).slice(-n)
const jsonl = (rows: unknown[], eol = '\n'): Buffer => Buffer.from(rows.map((r) => JSON.stringify(r)).join(eol) + eol)
const json = (v: unknown, pretty: boolean): Buffer => Buffer.from(JSON.stringify(v, null, pretty ? 2 : undefined))

function parquet(rows: { messages: { role: unknown; content: unknown }[] }[], rowGroupSize = 16): Buffer {
  return Buffer.from(
    parquetWriteBuffer({
      schema: CHAT_PARQUET_SCHEMA,
      rowGroupSize,
      columnData: [
        { name: 'prompt', data: rows.map((_, i) => `p${i}`) },
        { name: 'prompt_id', data: rows.map((_, i) => `id${i}`) },
        { name: 'messages', data: rows.map((r) => r.messages) },
      ],
    }),
  )
}

/** Insert `bad` rows among good ones at random places. */
function sprinkle(rng: Rng, good: unknown[], bad: string[]): string[] {
  const lines = good.map((r) => JSON.stringify(r))
  for (const b of bad) lines.splice(int(rng, 0, lines.length), 0, b)
  return lines
}

const withRole = (role: unknown, content: unknown = 'x'): string =>
  JSON.stringify({ messages: [{ role, content }, { role: 'assistant', content: 'a' }] })

const CONTROL = ['\u001b[2J', '\u001b]0;owned\u0007', '\u0000', '\u0085', '\u202e', '\u2066', '\u0008\u0008\u0008', '\r']
const PROTO = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype']

/** Each family makes one case from a generator; families are cycled until `n` cases exist. */
const FAMILIES: Record<string, (rng: Rng) => Omit<BadCase, 'name' | 'family'>> = {
  'truncated-jsonl': (rng) => {
    const b = jsonl(rowsFor(rng))
    return { file: 'cut.jsonl', build: () => b.subarray(0, int(rng, 1, b.length - 1)) }
  },
  'truncated-json-array': (rng) => {
    const b = json(rowsFor(rng), rng() < 0.5)
    return { file: 'cut.json', build: () => b.subarray(0, int(rng, 1, b.length - 1)) }
  },
  'truncated-parquet': (rng) => {
    const b = parquet(rowsFor(rng))
    return { file: 'cut.parquet', build: () => b.subarray(0, int(rng, 1, b.length - 1)) }
  },
  'flipped-bytes': (rng) => {
    const ext = pick(rng, ['jsonl', 'json', 'parquet'] as const)
    const rows = rowsFor(rng)
    return {
      file: `flipped.${ext}`,
      build: () => {
        const b = Buffer.from(ext === 'parquet' ? parquet(rows) : ext === 'json' ? json(rows, true) : jsonl(rows))
        for (let k = int(rng, 1, 12); k > 0; k--) b[int(rng, 0, b.length - 1)] = int(rng, 0, 255)
        return b
      },
    }
  },
  'latin-1': (rng) => {
    const text = jsonl(rowsFor(rng).map((r, i) => (i % 2 ? { messages: r.messages.map((m) => ({ ...m, content: `${m.content} café naïve Ærø` })) } : r))).toString('utf8')
    return { file: pick(rng, ['latin1.jsonl', 'latin1.json']), build: () => Buffer.from(text, 'latin1'), expect: { reason: 'not-utf8' } }
  },
  'utf-16': (rng) => {
    const text = jsonl(rowsFor(rng)).toString('utf8')
    const bom = rng() < 0.5
    const be = rng() < 0.5
    return {
      file: pick(rng, ['utf16.jsonl', 'utf16.json']),
      build: () => {
        const body = Buffer.from(text, 'utf16le')
        if (be) body.swap16()
        return bom ? Buffer.concat([Buffer.from(be ? [0xfe, 0xff] : [0xff, 0xfe]), body]) : body
      },
      expect: { code: 'dataset-not-utf8' },
    }
  },
  'broken-utf-8': (rng) => {
    const rows = rowsFor(rng)
    return {
      file: pick(rng, ['bad-utf8.jsonl', 'bad-utf8.json']),
      build: () => {
        const b = Buffer.from(jsonl(rows))
        // Lone continuation bytes, overlong forms, surrogates encoded in UTF-8, 0xFF.
        const junk = pick(rng, [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xe6, 0x97]])
        const at = b.indexOf(0x22, int(rng, 0, b.length - 1))
        return at < 0 ? b : Buffer.concat([b.subarray(0, at + 1), Buffer.from(junk), b.subarray(at + 1)])
      },
    }
  },
  'byte-order-marks': (rng) => {
    const rows = rowsFor(rng)
    const bom = '\uFEFF'
    const variant = int(rng, 0, 3)
    return {
      file: pick(rng, ['bom.jsonl', 'bom.json']),
      build: () => {
        const lines = rows.map((r) => JSON.stringify(r))
        if (variant === 0) return Buffer.from(bom + bom + lines.join('\n'))
        if (variant === 1) return Buffer.from(lines.map((l) => bom + l).join('\n'))
        if (variant === 2) return Buffer.from(bom)
        return Buffer.from(bom + JSON.stringify(rows, null, 2))
      },
    }
  },
  'deep-nesting': (rng) => {
    const depth = pick(rng, [MAX_JSON_DEPTH + 1, 1_000, 50_000, 400_000])
    const open = pick(rng, ['[', '{"a":'])
    const close = open === '[' ? ']' : '}'
    const nested = `${open.repeat(depth)}1${close.repeat(depth)}`
    // The row itself, or its messages, nested.
    const deep = rng() < 0.5 ? nested : `{"messages": ${nested}}`
    const ext = pick(rng, ['jsonl', 'json'] as const)
    const good = rowsFor(rng, 3)
    return {
      file: `deep.${ext}`,
      build: () =>
        Buffer.from(ext === 'json' ? `[${good.map((r) => JSON.stringify(r)).join(',')},${deep}]` : sprinkle(rng, good, [deep]).join('\n')),
    }
  },
  'wrong-types': (rng) => {
    const bad = pick(rng, [
      withRole(7),
      withRole(null),
      withRole(['user']),
      withRole({ user: true }),
      withRole('user', 12),
      withRole('user', { text: 'x' }),
      withRole('user', [{ type: 'image', url: 'x' }]),
      withRole('user', true),
      '{"messages": "user: hi"}',
      '{"messages": {"0": {"role": "user"}}}',
      '{"messages": 42}',
      '{"messages": ["hi", "there"]}',
      '{"messages": [null, null]}',
      '"just a string"',
      '12345',
      'null',
      '[]',
      '{"conversations": [{"from": 1, "value": 2}]}',
      '{"instruction": ["x"], "output": {"y": 1}}',
      '{"messages": [{"role": "user", "content": "\\ud800"}, {"role": "assistant", "content": "\\udfff"}]}',
      '{"messages": [{"role": "user", "content": "x", "content": 5}, {"role": "assistant", "content": "a"}]}',
      '{"messages": [{"role": "user", "content": 1e999}, {"role": "assistant", "content": "a"}]}',
    ])
    return { file: 'types.jsonl', build: () => Buffer.from(sprinkle(rng, rng() < 0.3 ? [] : rowsFor(rng), [bad, bad]).join('\n')) }
  },
  'huge-rows': (rng) => {
    const variant = int(rng, 0, 9)
    const good = rowsFor(rng, 3)
    return {
      file: 'huge.jsonl',
      build: () => {
        let bad: string
        // Past the byte limit is costly to write: one in ten cases.
        if (variant === 0) bad = `{"messages": [{"role": "user", "content": "${'y'.repeat(MAX_ROW_BYTES + 10)}"}]}`
        else if (variant < 4) bad = withRole('user', 'z'.repeat(MAX_CONVERSATION_CHARS + int(rng, 1, 1000)))
        else if (variant < 7) bad = JSON.stringify({ messages: Array.from({ length: int(rng, 20_000, 60_000) }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'k' })) })
        else bad = ' '.repeat(int(rng, 100_000, 2_000_000))
        return Buffer.from(sprinkle(rng, good, [bad]).join('\n'))
      },
    }
  },
  'prototype-keys': (rng) => {
    const key = pick(rng, PROTO)
    const bad = pick(rng, [
      withRole(key),
      `{"conversations": [{"from": "${key}", "value": "x"}, {"from": "gpt", "value": "a"}]}`,
      `{"__proto__": {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}}`,
      `{"messages": [{"__proto__": {"role": "user"}, "content": "q"}, {"role": "assistant", "content": "a"}]}`,
      `{"${key}": 1, "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}`,
      `{"instruction": "i", "output": "o", "__proto__": {"instruction": 5}}`,
    ])
    const mapping: Record<string, string> | undefined =
      rng() < 0.3 ? pick<Record<string, string>>(rng, [{ messagesField: key }, { roleField: key }, { contentField: key }, { [`roles.${key}`]: 'assistant' }]) : undefined
    return { file: 'proto.jsonl', build: () => Buffer.from(sprinkle(rng, rowsFor(rng, 4), [bad]).join('\n')), options: mapping ? { mapping } : undefined }
  },
  'control-characters': (rng) => {
    const c = pick(rng, CONTROL)
    const raw = rng() < 0.5
    const bad = raw ? `{"messages": [{"role": "user", "content": "${c}"}]}` : withRole(`user${c}`, `text ${c} end`)
    return { file: pick(rng, ['ctl.jsonl', 'ctl.json']), build: () => Buffer.from(sprinkle(rng, rowsFor(rng, 5), [bad, `junk ${c} line`]).join('\n')) }
  },
  'mixed-formats': (rng) => {
    const shapes = [
      (i: number) => ({ messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` }] }),
      (i: number) => ({ conversations: [{ from: 'human', value: `q${i}` }, { from: 'gpt', value: `a${i}` }] }),
      (i: number) => ({ instruction: `i${i}`, input: '', output: `o${i}` }),
      (i: number) => ({ question: `q${i}`, answer: `a${i}` }),
      (i: number) => [`q${i}`, `a${i}`],
    ]
    const rows = Array.from({ length: int(rng, 5, 60) }, (_, i) => pick(rng, shapes)(i))
    const format = rng() < 0.3 ? pick(rng, ['messages', 'sharegpt', 'alpaca'] as const) : undefined
    return { file: pick(rng, ['mixed.jsonl', 'mixed.json']), build: () => (rng() < 0.5 ? jsonl(rows) : json(rows, rng() < 0.5)), options: format ? { format } : undefined }
  },
  'line-endings-and-blanks': (rng) => {
    const rows = rowsFor(rng)
    const eol = pick(rng, ['\r\n', '\r', '\n\n\n', '\n \t \n', '\u2028'])
    return { file: 'eol.jsonl', build: () => (rng() < 0.2 ? Buffer.from(pick(rng, ['', '\n\n\n', '   ', '\r\n'])) : jsonl(rows, eol)) }
  },
  'json-shapes': (rng) => {
    const rows = rowsFor(rng)
    const v = pick(rng, [
      () => json({ data: rows, also: rows }, false),
      () => json({ version: 2, data: [] }, true),
      () => json({ rows: rows.map((r) => [r]) }, false),
      () => Buffer.from(JSON.stringify(rows).replace(/}]/, '},]')),
      () => Buffer.from(rows.map((r) => JSON.stringify(r, null, 2)).join('\n')),
      () => Buffer.from(`${JSON.stringify(rows)} ${JSON.stringify(rows)}`),
      () => json(rows.map((r) => JSON.stringify(r)), false),
      () => Buffer.from('[' + ']'.repeat(int(rng, 1, 5))),
      () => Buffer.from(`{"a": ${'['.repeat(20)}`),
      () => Buffer.from('{"messages": [] ] }'),
      () => Buffer.from(`${JSON.stringify(rows[0])}\n${'x'.repeat(int(rng, 1, 200))}`),
      () => json({ data: rows, messages: 1 }, true),
      () => json(42, false),
    ])
    return { file: pick(rng, ['shape.json', 'shape.jsonl']), build: v }
  },
  'parquet-shapes': (rng) => {
    const rows = rowsFor(rng)
    const v = pick(rng, [
      () => parquet(rows.map((r, i) => ({ messages: r.messages.map((m) => ({ ...m, role: i % 3 ? m.role : pick(rng, PROTO) })) }))),
      () => parquet(rows.map((r) => ({ messages: r.messages.map((m) => ({ ...m, content: Buffer.from(`${m.content} caf\xe9`, 'latin1') })) }))),
      () => parquet([]),
      () => parquet(rows.map((r) => ({ messages: r.messages.map((m) => ({ ...m, content: `${m.content}${pick(rng, CONTROL)}` })) }))),
      () => parquet(rows.map(() => ({ messages: [] }))),
      () => parquet(rows.map((r) => ({ messages: r.messages.map((m) => ({ role: m.role, content: null })) }))),
      () => Buffer.from(
        parquetWriteBuffer({ columnData: [{ name: 'text', data: rows.map((r) => JSON.stringify(r)) }, { name: 'n', data: rows.map((_, i) => i), type: 'INT32' }] }),
      ),
      () => Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'messages', data: rows.map((r) => JSON.stringify(r.messages)) }] })),
      () => Buffer.from('PAR1PAR1'),
      () => Buffer.from(jsonl(rows)),
      () => {
        const b = parquet(rows, 4)
        // Damage the middle (a data page), keep header and footer.
        for (let k = 0; k < 40; k++) b[int(rng, 4, Math.floor(b.length / 2))] ^= 0xff
        return b
      },
    ])
    return { file: 'shape.parquet', build: v }
  },
  'wrong-extension': (rng) => {
    const rows = rowsFor(rng)
    const v = pick(rng, [
      { file: 'actually-parquet.jsonl', build: () => parquet(rows) },
      { file: 'actually-parquet.json', build: () => parquet(rows) },
      { file: 'actually-jsonl.parquet', build: () => jsonl(rows) },
      { file: 'no-extension', build: () => parquet(rows) },
      { file: 'no-extension', build: () => jsonl(rows) },
      { file: 'gzip.jsonl', build: () => Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), jsonl(rows).subarray(0, 200)]) },
    ])
    return v
  },
}

/** `n` cases (at least one per family), each reproducible from `seed`. */
export function badDatasetCases(seed: number, n: number): BadCase[] {
  const families = Object.keys(FAMILIES)
  const out: BadCase[] = []
  for (let i = 0; i < Math.max(n, families.length); i++) {
    const family = families[i % families.length]
    // Each case has its own stream, so adding a family does not reshuffle the others.
    const rng = seededRandom(seed * 7919 + i)
    const c = FAMILIES[family](rng)
    out.push({ ...c, family, name: `${String(i).padStart(3, '0')} ${family} (${c.file})` })
  }
  return out
}
