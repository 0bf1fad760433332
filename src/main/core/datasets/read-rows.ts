import fs from 'node:fs'
import path from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { MAX_JSON_ARRAY_FILE_BYTES, MAX_ROW_BYTES, REJECTION_EXCERPT_CHARS } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import type { RejectionReason } from './types'

/** One record of a data file: a parsed value, or why it could not be read. `row` is 1-based (line number for JSON Lines). */
export type RawRecord = { row: number; value: unknown } | { row: number; reason: RejectionReason; excerpt: string; detail?: string }

export type FileKind = 'jsonl' | 'json' | 'parquet'

export type ReadHooks = { signal?: AbortSignal; maxRowBytes?: number; onRows?: (rowsSoFar: number, total?: number) => void }

export const excerptOf = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > REJECTION_EXCERPT_CHARS ? `${flat.slice(0, REJECTION_EXCERPT_CHARS)}…` : flat
}

/** JSON.stringify that survives parquet's BigInt values and cycles never occur in parsed data. */
export const excerptOfValue = (v: unknown): string => {
  try {
    return excerptOf(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v))
  } catch {
    return excerptOf(String(v))
  }
}

/** By extension; files without a known one are sniffed (parquet magic, else JSON Lines). */
export function fileKindOf(file: string): FileKind {
  const ext = path.extname(file).toLowerCase()
  if (ext === '.parquet') return 'parquet'
  if (ext === '.json') return 'json'
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl'
  const fd = fs.openSync(file, 'r')
  try {
    const head = Buffer.alloc(4)
    fs.readSync(fd, head, 0, 4, 0)
    return head.toString('latin1') === 'PAR1' ? 'parquet' : 'jsonl'
  } finally {
    fs.closeSync(fd)
  }
}

export async function* readRecords(file: string, kind: FileKind, hooks: ReadHooks = {}): AsyncGenerator<RawRecord> {
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch (err) {
    throw new StudioError('dataset-file-unreadable', `Cannot read ${file}: ${(err as Error).message}`, { file })
  }
  if (!stat.isFile()) throw new StudioError('dataset-file-unreadable', `${file} is not a file`, { file })
  if (stat.size === 0) throw new StudioError('dataset-file-unreadable', `${file} is empty (0 bytes)`, { file })
  if (kind === 'parquet') yield* parquetRecords(file, hooks)
  else if (kind === 'jsonl' && !(await looksLikeJsonArray(file))) yield* jsonLines(file, hooks)
  else yield* jsonFile(file, stat.size, hooks)
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
    if (oversize) {
      const head = Buffer.concat(parts).subarray(0, 4 * REJECTION_EXCERPT_CHARS).toString('utf8')
      return { row: line, reason: 'row-too-large', excerpt: excerptOf(head), detail: `line longer than ${max} bytes` }
    }
    let text = Buffer.concat(parts, len).toString('utf8')
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    if (text.trim() === '') return undefined
    try {
      return { row: line, value: JSON.parse(text) }
    } catch (err) {
      return { row: line, reason: 'not-json', excerpt: excerptOf(text), detail: (err as Error).message }
    }
  }
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 })
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

/**
 * `.json`: a JSON array of rows, an object wrapping one (`{"data": [...]}`), a single row — or, as with
 * `datasets.to_json()` output, JSON Lines under a .json name (detected when the first line is a whole value).
 */
async function* jsonFile(file: string, size: number, hooks: ReadHooks): AsyncGenerator<RawRecord> {
  const firstLine = await readFirstLine(file, 1 << 20)
  const trimmed = firstLine.replace(/^\uFEFF/, '').trim()
  // One value on the first line followed by more lines is JSON Lines; a file that is a single line is one document.
  const onlyLine = Buffer.byteLength(firstLine) >= size - 2
  if (!trimmed.startsWith('[') && !onlyLine) {
    let whole = false
    try {
      JSON.parse(trimmed)
      whole = true
    } catch {
      // Not a complete value on its own line: a pretty-printed object, parsed whole below.
    }
    if (whole || size > MAX_JSON_ARRAY_FILE_BYTES) {
      yield* jsonLines(file, hooks)
      return
    }
  }
  if (size > MAX_JSON_ARRAY_FILE_BYTES)
    throw new StudioError('dataset-file-unreadable', `${file} is a ${Math.round(size / 2 ** 20)} MB JSON array; convert it to JSON Lines (.jsonl) or parquet`, { file })
  let value: unknown
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new StudioError('dataset-file-unreadable', `${file} is not valid JSON: ${(err as Error).message}`, { file })
  }
  const rows = Array.isArray(value) ? value : wrappedRows(value)
  hooks.onRows?.(0, rows.length)
  for (let i = 0; i < rows.length; i++) {
    if (i % 1000 === 0 && hooks.signal?.aborted) throw new StudioError('cancelled', 'Import cancelled')
    yield { row: i + 1, value: rows[i] }
  }
}

/** `{"data": [...]}`-style wrappers: the one property holding an array of objects; else the object is one row. */
function wrappedRows(value: unknown): unknown[] {
  if (typeof value !== 'object' || value === null) return [value]
  const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x)))
  const obj = value as Record<string, unknown>
  if (arrays.length === 1 && !('messages' in obj) && !('conversations' in obj)) return arrays[0][1] as unknown[]
  return [value]
}

/** A `.jsonl` that is really a pretty-printed JSON array (`[` alone, or `[{` that does not close on line 1). */
async function looksLikeJsonArray(file: string): Promise<boolean> {
  const first = (await readFirstLine(file, 1 << 20)).replace(/^\uFEFF/, '').trim()
  if (!first.startsWith('[')) return false
  try {
    JSON.parse(first)
    return false
  } catch {
    return true
  }
}

async function readFirstLine(file: string, limit: number): Promise<string> {
  const fh = await fs.promises.open(file, 'r')
  try {
    const buf = Buffer.alloc(Math.min(limit, (await fh.stat()).size))
    await fh.read(buf, 0, buf.length, 0)
    const nl = buf.indexOf(10)
    return buf.subarray(0, nl === -1 ? buf.length : nl).toString('utf8')
  } finally {
    await fh.close()
  }
}

/**
 * Parquet via hyparquet (+ hyparquet-compressors for zstd/gzip/brotli/lz4), one row group at a time so
 * memory stays bounded. A file whose footer cannot be read is `parquet-corrupt`; a damaged row group
 * rejects just its rows and the rest are kept.
 */
async function* parquetRecords(file: string, hooks: ReadHooks): AsyncGenerator<RawRecord> {
  const buf = await asyncBufferFromFile(file)
  let meta: Awaited<ReturnType<typeof parquetMetadataAsync>>
  try {
    meta = await parquetMetadataAsync(buf)
  } catch (err) {
    throw new StudioError('parquet-corrupt', `${path.basename(file)} is not a readable parquet file (truncated or damaged): ${(err as Error).message}`, { file })
  }
  const total = Number(meta.num_rows)
  let rowStart = 0
  let failedGroups = 0
  for (const group of meta.row_groups) {
    if (hooks.signal?.aborted) throw new StudioError('cancelled', 'Import cancelled')
    const n = Number(group.num_rows)
    let rows: Record<string, unknown>[] | undefined
    let error: string | undefined
    try {
      rows = (await parquetReadObjects({ file: buf, metadata: meta, rowStart, rowEnd: rowStart + n, compressors })) as Record<string, unknown>[]
    } catch (err) {
      error = (err as Error).message
    }
    if (rows) {
      for (let i = 0; i < rows.length; i++) yield { row: rowStart + i + 1, value: rows[i] }
    } else {
      failedGroups++
      for (let i = 0; i < n; i++)
        yield { row: rowStart + i + 1, reason: 'unreadable-row-group', excerpt: `rows ${rowStart + 1}–${rowStart + n}`, detail: error }
    }
    rowStart += n
    hooks.onRows?.(rowStart, total)
  }
  if (failedGroups > 0 && failedGroups === meta.row_groups.length && total > 0)
    throw new StudioError('parquet-corrupt', `${path.basename(file)}: no row group could be decoded`, { file })
}
