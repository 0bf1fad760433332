import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { studioCodeOf } from '../../../../tests/helpers/rejection'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MAX_JSON_DEPTH } from '../../../shared/defaults'
import { hasControlChars } from '../../../shared/text'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { CHAT_PARQUET_SCHEMA } from '../../../../tests/helpers/hub-mirror'
import { nestingDeeperThan } from './json-scan'
import { excerptOfValue, fileKindOf, readRecords, type RawRecord } from './read-rows'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-rows-'))
})
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const write = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, name)
  fs.writeFileSync(p, content)
  return p
}

async function read(file: string, maxRowBytes?: number): Promise<RawRecord[]> {
  const out: RawRecord[] = []
  for await (const r of readRecords(file, fileKindOf(file), { maxRowBytes })) out.push(r)
  return out
}


const values = (rs: RawRecord[]) => rs.map((r) => ('value' in r ? r.value : `${r.reason}@${r.row}`))
const row = (i: number) => ({ messages: [{ role: 'user', content: `q${i} "quoted" [x] {y} \\ ,:` }, { role: 'assistant', content: `a${i}` }] })

describe('JSON documents, streamed element by element', () => {
  it('reads a JSON array, pretty or compact, with a BOM, strings holding brackets and escaped quotes', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => row(i))
    expect(values(await read(write('pretty.json', `\uFEFF${JSON.stringify(rows, null, 2)}\n`)))).toEqual(rows)
    expect(values(await read(write('compact.json', JSON.stringify(rows))))).toEqual(rows)
    expect(values(await read(write('scalars.json', '[1, "two", null, true, {"a": [1, {"b": "]"}]}]')))).toEqual([1, 'two', null, true, { a: [1, { b: ']' }] }])
    expect(values(await read(write('empty-array.json', '[]')))).toEqual([])
  })

  it('rejects a broken element and keeps the others', async () => {
    const text = `[${JSON.stringify(row(1))}, {"messages": [1,]}, ${JSON.stringify(row(3))}]`
    expect(values(await read(write('one-bad.json', text)))).toEqual([row(1), 'not-json@2', row(3)])
  })

  it('follows an element across read chunks and rejects one over the row size limit', async () => {
    const big = { messages: [{ role: 'user', content: 'x'.repeat(3 << 20) }, { role: 'assistant', content: 'a' }] }
    const rs = await read(write('big.json', JSON.stringify([row(1), big, row(3)])))
    expect(values(rs)).toEqual([row(1), big, row(3)])
    const capped = await read(write('capped.json', JSON.stringify([row(1), big, row(3)])), 1 << 20)
    expect(values(capped)).toEqual([row(1), 'row-too-large@2', row(3)])
    expect(capped[1]).toMatchObject({ excerpt: expect.stringMatching(/^\{"messages".{20,}/) })
  })

  it('unwraps {"data": [...]} and keeps a single object as one row', async () => {
    const rows = [row(1), row(2)]
    expect(values(await read(write('wrapped.json', JSON.stringify({ version: 1, meta: { a: [1] }, data: rows, tail: 'x' }))))).toEqual(rows)
    expect(values(await read(write('single.json', JSON.stringify(row(7), null, 2))))).toEqual([row(7)])
    // An object that is itself a row is not a wrapper, even with a list of objects inside.
    expect(values(await read(write('row-with-list.json', JSON.stringify({ messages: row(1).messages, extra: [{ a: 1 }] }))))).toHaveLength(1)
  })

  it('tells JSON Lines under a .json name by content, whatever the length of its first line', async () => {
    const long = { messages: [{ role: 'user', content: 'y'.repeat(1_500_000) }, { role: 'assistant', content: 'a' }] }
    const text = [long, row(2), row(3)].map((r) => JSON.stringify(r)).join('\n') + '\n'
    expect(values(await read(write('lines.json', text)))).toEqual([long, row(2), row(3)])
    // A bad line further down is one rejected row, as in a .jsonl file.
    expect(values(await read(write('lines-bad.json', `${JSON.stringify(row(1))}\n{"messages": ]\n${JSON.stringify(row(3))}\n`)))).toEqual([row(1), 'not-json@2', row(3)])
  })

  it('refuses JSON that is truncated, structurally broken, or several pretty-printed values', async () => {
    expect(await studioCodeOf(read(write('cut.json', JSON.stringify([row(1), row(2)]).slice(0, -30))))).toBe('dataset-file-unreadable')
    expect(await studioCodeOf(read(write('mismatch.json', '[{"a": 1]}')))).toBe('dataset-file-unreadable')
    expect(await studioCodeOf(read(write('pretty-lines.json', `${JSON.stringify(row(1), null, 2)}\n${JSON.stringify(row(2), null, 2)}\n`)))).toBe('dataset-file-unreadable')
    expect(await studioCodeOf(read(write('after.json', '[1, 2] ]')))).toBe('dataset-file-unreadable')
  })

  it('reads a .jsonl that is really a pretty-printed array, and a .jsonl of one-line arrays as lines', async () => {
    expect(values(await read(write('arr.jsonl', JSON.stringify([row(1), row(2)], null, 2))))).toEqual([row(1), row(2)])
    expect(values(await read(write('arrays.jsonl', '[1, 2]\n[3]\n')))).toEqual([[1, 2], [3]])
  })
})

describe('encodings', () => {
  it('rejects a Latin-1 row with a reason naming the encoding, and keeps UTF-8 rows', async () => {
    const latin1 = Buffer.from('{"messages": [{"role": "user", "content": "caf\xe9"}, {"role": "assistant", "content": "ok"}]}', 'latin1')
    const utf8 = Buffer.from(`${JSON.stringify({ messages: [{ role: 'user', content: 'café 日本' }, { role: 'assistant', content: 'ok' }] })}\n`)
    const rs = await read(write('mixed.jsonl', Buffer.concat([utf8, latin1, Buffer.from('\n'), utf8])))
    expect(values(rs)).toEqual([expect.any(Object), 'not-utf8@2', expect.any(Object)])
    expect(rs[1]).toMatchObject({ fact: { kind: 'not-utf8', byte: expect.any(Number), hex: 'E9', latin1: true, inValue: false } })
    // Inside a JSON array too.
    const arr = Buffer.concat([Buffer.from('['), utf8.subarray(0, -1), Buffer.from(','), latin1, Buffer.from(']')])
    expect(values(await read(write('mixed.json', arr)))).toEqual([expect.any(Object), 'not-utf8@2'])
    // A broken multi-byte sequence is not called Latin-1.
    const cut = Buffer.concat([Buffer.from('{"messages": "'), Buffer.from('日').subarray(0, 2), Buffer.from('x"}')])
    expect((await read(write('cut-utf8.jsonl', cut)))[0]).toMatchObject({ reason: 'not-utf8', fact: { latin1: false } })
  })

  it('refuses a UTF-16 or UTF-32 file as a whole, naming its encoding', async () => {
    const text = `${JSON.stringify(row(1))}\n`
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    const err = await read(write('utf16.jsonl', le)).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'dataset-not-utf8', message: expect.stringContaining('UTF-16 (little-endian)') })
    expect(await studioCodeOf(read(write('utf16-nobom.json', Buffer.from(text, 'utf16le'))))).toBe('dataset-not-utf8')
    const be = Buffer.from(text, 'utf16le').swap16()
    expect(await studioCodeOf(read(write('utf16be.jsonl', Buffer.concat([Buffer.from([0xfe, 0xff]), be]))))).toBe('dataset-not-utf8')
  })

  it('rejects a parquet row whose text is not UTF-8 instead of replacing bytes silently', async () => {
    const latin1 = Buffer.from('caf\xe9', 'latin1')
    const pq = parquetWriteBuffer({
      schema: CHAT_PARQUET_SCHEMA,
      columnData: [
        { name: 'prompt', data: ['p1', 'p2'] },
        { name: 'prompt_id', data: ['i1', 'i2'] },
        { name: 'messages', data: [[{ content: latin1, role: 'user' }, { content: 'a', role: 'assistant' }], row(2).messages] },
      ],
    })
    const rs = await read(write('latin1.parquet', Buffer.from(pq)))
    expect(values(rs)).toEqual(['not-utf8@1', { prompt: 'p2', prompt_id: 'i2', messages: row(2).messages }])
    expect(rs[0]).toMatchObject({ fact: { kind: 'not-utf8', latin1: true, inValue: true } })
  })
})

describe('rows that would overflow the stack', () => {
  it('rejects a row nested deeper than MAX_JSON_DEPTH with its own reason, in JSON Lines and arrays', async () => {
    const deep = `{"messages": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`
    const lines = await read(write('deep.jsonl', `${JSON.stringify(row(1))}\n${deep}\n${JSON.stringify(row(3))}\n`))
    expect(values(lines)).toEqual([row(1), 'too-deeply-nested@2', row(3)])
    expect(values(await read(write('deep.json', `[${JSON.stringify(row(1))}, ${deep}]`)))).toEqual([row(1), 'too-deeply-nested@2'])
    // At the limit is fine.
    const ok = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`
    expect(values(await read(write('at-limit.jsonl', `${ok}\n`)))).toHaveLength(1)
    expect(values(await read(write('at-limit.jsonl', `${ok}\n`)))[0]).not.toBe('too-deeply-nested@1')
  })

  it('measures nesting outside strings only, and cheaply for ordinary rows', () => {
    expect(nestingDeeperThan(Buffer.from(`{"a": "${'['.repeat(500)}"}`), 10)).toBe(false)
    expect(nestingDeeperThan(Buffer.from(`${'{"a":'.repeat(11)}1${'}'.repeat(11)}`), 10)).toBe(true)
    expect(nestingDeeperThan(Buffer.from(`${'['.repeat(10)}${']'.repeat(10)}`), 10)).toBe(false)
  })

  it('excerpts any value without throwing', () => {
    let deep: unknown = []
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(excerptOfValue(deep)).toBe('(object)')
    expect(excerptOfValue({ n: 10n })).toBe('{"n":"10"}')
  })
})

describe('excerpts', () => {
  it('escapes control characters, so a terminal or the page never acts on them', async () => {
    const rs = await read(write('ctl.jsonl', 'not json \x1b[2J\x1b]0;owned\x07 \u202Egnp.exe\n'))
    expect(rs[0]).toMatchObject({ reason: 'not-json' })
    const ex = (rs[0] as { excerpt: string }).excerpt
    expect(ex).toContain('\\u001b[2J')
    expect(ex).toContain('\\u202e')
    expect(hasControlChars(ex)).toBe(false)
  })
})

describe('what is not a data file', () => {
  it('refuses a folder and a named pipe with dataset-not-a-file, without reading from the pipe', async () => {
    expect(await studioCodeOf(read(dir))).toBe('dataset-not-a-file')
    const fifo = path.join(dir, 'pipe.jsonl')
    execFileSync('mkfifo', [fifo])
    expect(await studioCodeOf(read(fifo))).toBe('dataset-not-a-file')
    expect(await studioCodeOf(read(path.join(dir, 'missing.jsonl')))).toBe('dataset-file-unreadable')
  })
})
