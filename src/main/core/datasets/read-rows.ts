import fs from 'node:fs'
import { isUtf8 } from 'node:buffer'
import path from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { MAX_JSON_DEPTH, MAX_ROW_BYTES, REJECTION_EXCERPT_CHARS } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import { escapeControlChars } from '../../../shared/text'
import { JsonScanner, JsonSyntaxError, nestingDeeperThan } from './json-scan'
import type { RejectionReason, RowFact, RowRange } from './types'

/**
 * One record of a data file: a parsed value (with the size of its text, when it had one), or why it could
 * not be read. `row` is 1-based (line number for JSON Lines).
 */
export type RawRecord = { row: number; value: unknown; bytes?: number } | { row: number; reason: RejectionReason; excerpt: string; fact?: RowFact; rows?: RowRange }

export type FileKind = 'jsonl' | 'json' | 'parquet'

export type ReadHooks = { signal?: AbortSignal; maxRowBytes?: number; onRows?: (rowsSoFar: number, total?: number) => void }

const CHUNK_BYTES = 1 << 20

/**
 * A short, single-line, terminal- and page-safe excerpt: whitespace runs become one space and control
 * characters are escaped (an excerpt of a bad row is printed by the CLI and shown in the app).
 */
export const excerptOf = (text: string): string => {
  const flat = escapeControlChars(text.slice(0, 4 * REJECTION_EXCERPT_CHARS).replace(/\s+/g, ' ').trim())
  return flat.length > REJECTION_EXCERPT_CHARS ? `${flat.slice(0, REJECTION_EXCERPT_CHARS)}…` : flat
}

/** JSON.stringify that survives parquet's BigInt values; anything it cannot print becomes a placeholder. */
export const excerptOfValue = (v: unknown): string => {
  try {
    return excerptOf(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? typeof v)
  } catch {
    // Only an unprintable value gets here (rows nested past MAX_JSON_DEPTH are rejected before this).
    return `(${typeof v})`
  }
}

/** By extension; files without a known one are sniffed (parquet magic, else JSON Lines). */
export function fileKindOf(file: string): FileKind {
  const ext = path.extname(file).toLowerCase()
  if (ext === '.parquet') return 'parquet'
  if (ext === '.json') return 'json'
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl'
  let head = ''
  try {
    // Opening a pipe would wait for a writer: only regular files are looked into.
    if (!fs.statSync(file).isFile()) return 'jsonl'
    const fd = fs.openSync(file, 'r')
    try {
      const buf = Buffer.alloc(4)
      fs.readSync(fd, buf, 0, 4, 0)
      head = buf.toString('latin1')
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    // Not readable as a file: readRecords says why.
  }
  return head === 'PAR1' ? 'parquet' : 'jsonl'
}

/** A regular file, or the reason it cannot be a data source (a folder, device, pipe or socket never is). */
export function checkDataFile(file: string): fs.Stats {
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new StudioError('dataset-file-unreadable', code === 'ENOENT' ? `No such file: ${file}` : `Cannot read ${file}: ${(err as Error).message}`, {
      file,
      ...(code === 'ENOENT' ? { why: 'missing' } : { why: 'unreadable', cause: (err as Error).message }),
    })
  }
  if (!stat.isFile()) {
    const is = stat.isDirectory() ? 'folder' : stat.isFIFO() ? 'pipe' : stat.isSocket() ? 'socket' : 'special'
    const what = { folder: 'a folder', pipe: 'a pipe', socket: 'a socket', special: 'a device or special file' }[is]
    throw new StudioError('dataset-not-a-file', `${file} is ${what}, not a data file`, { file, is })
  }
  return stat
}

/**
 * The records of one data file, streamed: JSON Lines line by line, a JSON array element by element,
 * parquet row group by row group. Memory stays bounded by the largest row (MAX_ROW_BYTES) or row group,
 * whatever the file's size.
 */
export async function* readRecords(file: string, kind: FileKind, hooks: ReadHooks = {}): AsyncGenerator<RawRecord> {
  const stat = checkDataFile(file)
  if (stat.size === 0) throw new StudioError('dataset-file-unreadable', `${file} is empty (0 bytes)`, { file, why: 'empty' })
  if (kind === 'parquet') return yield* parquetRecords(file, hooks)
  const head = await readHead(file, 4096)
  refuseWideEncodings(file, head)
  const first = firstSignificantByte(head)
  if (kind === 'jsonl' && first !== 0x5b) return yield* jsonLines(file, hooks)
  yield* jsonText(file, hooks)
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r')
  try {
    const buf = Buffer.alloc(n)
    const { bytesRead } = await fh.read(buf, 0, n, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf]
const hasUtf8Bom = (b: Uint8Array): boolean => b[0] === UTF8_BOM[0] && b[1] === UTF8_BOM[1] && b[2] === UTF8_BOM[2]

function firstSignificantByte(head: Buffer): number | undefined {
  for (let i = hasUtf8Bom(head) ? 3 : 0; i < head.length; i++) {
    const c = head[i]
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return c
  }
  return undefined
}

/**
 * UTF-16 and UTF-32 text (a byte-order mark, or the NUL bytes every ASCII character of it carries) cannot
 * be read as UTF-8 at all: the whole file is refused with the encoding named. UTF-8 JSON has no NUL byte.
 */
function refuseWideEncodings(file: string, head: Buffer): void {
  let encoding: string | undefined
  if (head[0] === 0xff && head[1] === 0xfe) encoding = head[2] === 0 && head[3] === 0 ? 'UTF-32 (little-endian)' : 'UTF-16 (little-endian)'
  else if (head[0] === 0xfe && head[1] === 0xff) encoding = 'UTF-16 (big-endian)'
  else if (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) encoding = 'UTF-32 (big-endian)'
  else {
    let nul = 0
    for (const c of head) if (c === 0) nul++
    if (head.length >= 4 && nul * 4 >= head.length) encoding = head[0] === 0 ? 'UTF-16 or UTF-32 (big-endian)' : 'UTF-16 or UTF-32 (little-endian)'
  }
  if (encoding)
    throw new StudioError('dataset-not-utf8', `${path.basename(file)} is ${encoding} text; TuFT Studio reads UTF-8`, { file, encoding })
}

/**
 * Where UTF-8 decoding fails and what the bytes most likely are: high bytes that never form or start a
 * UTF-8 sequence are Latin-1 / Windows-1252 (the usual export from older tools and spreadsheets).
 */
function describeBadUtf8(b: Uint8Array, inValue = false): RowFact {
  let i = 0
  let firstBad = -1
  let latin1Like = true
  while (i < b.length) {
    const c = b[i]
    if (c < 0x80) {
      i++
      continue
    }
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0
    let ok = len > 0 && i + len <= b.length
    for (let k = 1; ok && k < len; k++) if ((b[i + k] & 0xc0) !== 0x80) ok = false
    if (ok) {
      latin1Like = false
      i += len
      continue
    }
    if (firstBad < 0) firstBad = i
    // A lead byte followed by a continuation byte is a cut or damaged UTF-8 sequence, not Latin-1.
    if (len > 0 && i + 1 < b.length && (b[i + 1] & 0xc0) === 0x80) latin1Like = false
    i++
  }
  const found = firstBad >= 0
  return { kind: 'not-utf8', byte: found ? firstBad + 1 : null, hex: found ? b[firstBad].toString(16).toUpperCase() : null, latin1: latin1Like, inValue }
}

/** The bytes of one row → its value, or why not: encoding, nesting depth, then JSON syntax. */
function decodeRow(row: number, bytes: Buffer): RawRecord {
  if (!isUtf8(bytes)) return { row, reason: 'not-utf8', excerpt: excerptOf(bytes.toString('utf8')), fact: describeBadUtf8(bytes) }
  if (nestingDeeperThan(bytes, MAX_JSON_DEPTH))
    return { row, reason: 'too-deeply-nested', excerpt: excerptOf(bytes.toString('utf8')), fact: { kind: 'too-deep', max: MAX_JSON_DEPTH } }
  const text = bytes.toString('utf8')
  try {
    return { row, value: JSON.parse(text), bytes: bytes.length }
  } catch (err) {
    return { row, reason: 'not-json', excerpt: excerptOf(text), fact: { kind: 'parser', message: (err as Error).message } }
  }
}

const tooLarge = (row: number, head: Buffer, max: number, what: 'line' | 'row'): RawRecord => ({
  row,
  reason: 'row-too-large',
  excerpt: excerptOf(head.toString('utf8')),
  fact: { kind: 'too-large', what, max },
})

const isBlank = (b: Buffer): boolean => {
  for (const c of b) if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false
  return true
}

/**
 * JSON Lines, streamed: lines are cut on raw bytes so a multi-gigabyte line never becomes a string
 * (it is rejected as row-too-large after MAX_ROW_BYTES); blank lines are skipped; a BOM and CRLF are fine.
 */
async function* jsonLines(file: string, hooks: ReadHooks): AsyncGenerator<RawRecord> {
  const max = hooks.maxRowBytes ?? MAX_ROW_BYTES
  let parts: Buffer[] = []
  let len = 0
  let oversize = false
  let line = 0
  let seen = 0
  const emit = (): RawRecord | undefined => {
    line++
    if (oversize) return tooLarge(line, Buffer.concat(parts).subarray(0, 4 * REJECTION_EXCERPT_CHARS), max, 'line')
    let bytes = Buffer.concat(parts, len)
    if (line === 1 && hasUtf8Bom(bytes)) bytes = bytes.subarray(3)
    if (isBlank(bytes)) return undefined
    return decodeRow(line, bytes)
  }
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES })
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (hooks.signal?.aborted) throw new StudioError('cancelled', 'Import cancelled')
      let start = 0
      for (;;) {
        const nl = chunk.indexOf(10, start)
        const piece = chunk.subarray(start, nl === -1 ? chunk.length : nl)
        if (!oversize) {
          if (len + piece.length > max) {
            oversize = true
            // Keep only the start of the line for the excerpt.
            parts.push(Buffer.from(piece.subarray(0, Math.max(0, 4 * REJECTION_EXCERPT_CHARS - len))))
          } else {
            parts.push(piece)
            len += piece.length
          }
        }
        if (nl === -1) break
        const rec = emit()
        parts = []
        len = 0
        oversize = false
        if (rec) {
          seen++
          yield rec
        }
        start = nl + 1
      }
      hooks.onRows?.(seen)
    }
  } finally {
    stream.destroy()
  }
  if (len > 0 || oversize) {
    const rec = emit()
    if (rec) yield rec
  }
}

/** What the first top-level value of a JSON text is, found by scanning it once without building it. */
type Shape =
  | { kind: 'empty' }
  | { kind: 'several'; firstOnOneLine: boolean }
  | { kind: 'array'; start: number; elements: number }
  | { kind: 'wrapper'; key: string; start: number; elements: number }
  | { kind: 'value'; start: number; end: number }

type Member = { key: string; start: number; isArray: boolean; elements: number; allObjects: boolean }

async function* chunksOf(file: string, start: number, signal?: AbortSignal): AsyncGenerator<{ chunk: Buffer; base: number }> {
  const stream = fs.createReadStream(file, { start, highWaterMark: CHUNK_BYTES })
  let base = start
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new StudioError('cancelled', 'Import cancelled')
      yield { chunk, base }
      base += chunk.length
    }
  } finally {
    stream.destroy()
  }
}

const notJson = (file: string, why: string): StudioError =>
  new StudioError('dataset-file-unreadable', `${path.basename(file)} is not valid JSON: ${why}`, { file, why: 'not-json', cause: why })

/**
 * Reads the first top-level value of a JSON text structurally (the whole file when it is one document)
 * and says what it is: a JSON array of rows, an object wrapping one (`{"data": [...]}`), a single row —
 * or the first of several values (JSON Lines under a .json name, whatever the length of its first line).
 */
async function shapeOf(file: string, signal?: AbortSignal): Promise<Shape> {
  let first: { start: number; byte: number } | undefined
  let end = -1
  let multiLine = false
  let second = false
  const members: Member[] = []
  let pendingKey = ''
  let topElements = 0
  const scanner: JsonScanner = new JsonScanner({
    valueStart: (depth, offset, byte) => {
      if (depth === 0) {
        if (!first) first = { start: offset, byte }
        else {
          // A second value: JSON Lines (or concatenated JSON). What follows is not this scan's business.
          second = true
          scanner.stop()
        }
      } else if (depth === 1) {
        if (first?.byte === 0x5b) topElements++
        else members.push({ key: pendingKey, start: offset, isArray: byte === 0x5b, elements: 0, allObjects: true })
      } else if (depth === 2 && first?.byte === 0x7b) {
        const m = members[members.length - 1]
        if (m?.isArray) {
          m.elements++
          if (byte !== 0x7b) m.allObjects = false
        }
      }
    },
    valueEnd: (depth, at) => {
      if (depth === 0 && end < 0) end = at
    },
    key: (raw) => {
      try {
        pendingKey = JSON.parse(`"${raw.toString('utf8')}"`) as string
      } catch {
        pendingKey = ''
      }
    },
    newline: () => {
      if (end < 0) multiLine = true
    },
  })
  let total = 0
  try {
    for await (const { chunk, base } of chunksOf(file, 0, signal)) {
      let c = chunk
      let b = base
      if (base === 0 && hasUtf8Bom(chunk)) {
        c = chunk.subarray(3)
        b = 3
      }
      scanner.feed(c, b)
      total = base + chunk.length
      if (second) break
    }
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw notJson(file, err.message)
    throw err
  }
  if (!second && !scanner.finish(total)) throw notJson(file, 'the text ends inside a value (is the file truncated?)')
  if (!first) return { kind: 'empty' }
  if (second) return { kind: 'several', firstOnOneLine: !multiLine }
  if (first.byte === 0x5b) return { kind: 'array', start: first.start, elements: topElements }
  if (first.byte === 0x7b) {
    // The one member holding a non-empty array of objects, unless the object is itself a row.
    const arrays = members.filter((m) => m.isArray && m.elements > 0 && m.allObjects)
    const isRow = members.some((m) => m.key === 'messages' || m.key === 'conversations')
    if (arrays.length === 1 && !isRow) return { kind: 'wrapper', key: arrays[0].key, start: arrays[0].start, elements: arrays[0].elements }
  }
  return { kind: 'value', start: first.start, end }
}

/**
 * `.json` (or a `.jsonl` that is really one JSON array): a JSON array of rows, an object wrapping one, a
 * single row — or JSON Lines under a .json name, as `datasets.to_json()` writes, told apart by content.
 */
async function* jsonText(file: string, hooks: ReadHooks): AsyncGenerator<RawRecord> {
  const shape = await shapeOf(file, hooks.signal)
  switch (shape.kind) {
    case 'empty':
      return
    case 'several':
      if (shape.firstOnOneLine) return yield* jsonLines(file, hooks)
      throw notJson(
        file,
        'it holds several JSON values that span lines; write one value per line (JSON Lines) or put them in one JSON array',
      )
    case 'array':
    case 'wrapper':
      return yield* arrayElements(file, shape.start, shape.elements, hooks)
    case 'value': {
      const max = hooks.maxRowBytes ?? MAX_ROW_BYTES
      const size = shape.end - shape.start
      const fh = await fs.promises.open(file, 'r')
      try {
        const buf = Buffer.alloc(Math.min(size, max))
        await fh.read(buf, 0, buf.length, shape.start)
        yield size > max ? tooLarge(1, buf.subarray(0, 4 * REJECTION_EXCERPT_CHARS), max, 'row') : decodeRow(1, buf)
      } finally {
        await fh.close()
      }
    }
  }
}

/**
 * The elements of the JSON array that starts at byte `start`, each as its own row: cut from the byte
 * stream by the scanner and parsed one by one, so a file of any size streams in bounded memory.
 */
async function* arrayElements(file: string, start: number, total: number, hooks: ReadHooks): AsyncGenerator<RawRecord> {
  const max = hooks.maxRowBytes ?? MAX_ROW_BYTES
  let parts: Buffer[] = []
  let len = 0
  let oversize = false
  let elementStart = -1
  let closed = false
  let row = 0
  const ready: RawRecord[] = []
  let chunk: Buffer = Buffer.alloc(0)
  let base = 0
  const take = (from: number, to: number): void => {
    const piece = chunk.subarray(from - base, to - base)
    if (oversize) return
    if (len + piece.length > max) {
      oversize = true
      parts.push(Buffer.from(piece.subarray(0, Math.max(0, 4 * REJECTION_EXCERPT_CHARS - len))))
      return
    }
    parts.push(piece)
    len += piece.length
  }
  const scanner: JsonScanner = new JsonScanner({
    valueStart: (depth, offset) => {
      if (depth === 1) elementStart = offset
    },
    valueEnd: (depth, end) => {
      if (depth === 0) {
        // The array closed: what follows it (the rest of a wrapper object) was checked by shapeOf.
        closed = true
        scanner.stop()
      }
      if (depth !== 1 || elementStart < 0) return
      take(Math.max(elementStart, base), end)
      row++
      ready.push(oversize ? tooLarge(row, Buffer.concat(parts), max, 'row') : decodeRow(row, Buffer.concat(parts, len)))
      parts = []
      len = 0
      oversize = false
      elementStart = -1
    },
  })
  hooks.onRows?.(0, total)
  try {
    for await (const next of chunksOf(file, start, hooks.signal)) {
      chunk = next.chunk
      base = next.base
      scanner.feed(chunk, base)
      if (elementStart >= 0) {
        take(Math.max(elementStart, base), base + chunk.length)
        elementStart = base + chunk.length
      }
      yield* ready.splice(0)
      hooks.onRows?.(row, total)
      if (closed) return
    }
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw notJson(file, err.message)
    throw err
  }
}

/** Marks a parquet string whose bytes are not UTF-8 (hyparquet would otherwise substitute U+FFFD silently). */
class NotUtf8 {
  constructor(readonly bytes: Uint8Array) {}
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** A row holding a NotUtf8 anywhere (an explicit stack: parquet nesting follows the file's schema). */
function invalidStringIn(row: unknown): NotUtf8 | undefined {
  const stack: unknown[] = [row]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v instanceof NotUtf8) return v
    if (Array.isArray(v)) stack.push(...v)
    else if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) stack.push(...Object.values(v))
  }
  return undefined
}

/**
 * Parquet via hyparquet (+ hyparquet-compressors for zstd/gzip/brotli/lz4), one row group at a time so
 * memory stays bounded by the largest row group (the hub writes them a few MB each). A file whose footer
 * cannot be read is `parquet-corrupt`; a damaged row group rejects just its rows and the rest are kept.
 */
async function* parquetRecords(file: string, hooks: ReadHooks): AsyncGenerator<RawRecord> {
  const buf = await asyncBufferFromFile(file)
  let meta: Awaited<ReturnType<typeof parquetMetadataAsync>>
  try {
    meta = await parquetMetadataAsync(buf)
  } catch (err) {
    throw new StudioError('parquet-corrupt', `${path.basename(file)} is not a readable parquet file (truncated or damaged): ${(err as Error).message}`, { file, cause: (err as Error).message })
  }
  const total = Number(meta.num_rows)
  let rowStart = 0
  let failedGroups = 0
  let sawInvalid = false
  const parsers = {
    stringFromBytes: (bytes: Uint8Array | undefined): unknown => {
      if (!bytes) return bytes
      try {
        return strictUtf8.decode(bytes)
      } catch {
        sawInvalid = true
        return new NotUtf8(bytes)
      }
    },
  }
  for (const group of meta.row_groups) {
    if (hooks.signal?.aborted) throw new StudioError('cancelled', 'Import cancelled')
    const n = Number(group.num_rows)
    let rows: Record<string, unknown>[] | undefined
    let error: string | undefined
    sawInvalid = false
    try {
      rows = (await parquetReadObjects({ file: buf, metadata: meta, rowStart, rowEnd: rowStart + n, compressors, parsers })) as Record<string, unknown>[]
    } catch (err) {
      error = (err as Error).message
    }
    if (rows) {
      for (let i = 0; i < rows.length; i++) {
        const bad = sawInvalid ? invalidStringIn(rows[i]) : undefined
        if (bad) {
          const bytes = Buffer.from(bad.bytes.buffer, bad.bytes.byteOffset, bad.bytes.byteLength)
          yield { row: rowStart + i + 1, reason: 'not-utf8', excerpt: excerptOf(bytes.toString('utf8')), fact: describeBadUtf8(bytes, true) }
        } else yield { row: rowStart + i + 1, value: rows[i] }
      }
    } else {
      failedGroups++
      for (let i = 0; i < n; i++)
        yield { row: rowStart + i + 1, reason: 'unreadable-row-group', excerpt: `rows ${rowStart + 1}–${rowStart + n}`, rows: { first: rowStart + 1, last: rowStart + n }, ...(error !== undefined ? { fact: { kind: 'parser', message: error } as const } : {}) }
    }
    rowStart += n
    hooks.onRows?.(rowStart, total)
  }
  if (failedGroups > 0 && failedGroups === meta.row_groups.length && total > 0)
    throw new StudioError('parquet-corrupt', `${path.basename(file)}: no row group could be decoded`, { file })
}
