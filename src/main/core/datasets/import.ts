import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { REJECTION_EXAMPLES_PER_REASON } from '../../../shared/defaults'
import { storeNameSchema } from '../../../shared/names'
import { escapeControlChars } from '../../../shared/text'
import { i18nFor } from '../../../shared/i18n'
import { StudioError } from '../../../shared/result'
import {
  downloadHubFile,
  downloadUrlToFile,
  findDatasetSplits,
  resolveHubEndpoint,
  resolveHubToken,
  splitOfPath,
  splitsFromTree,
  type SplitFile,
} from '../hub'
import { childPath, downloadsDir, type Db } from '../store'
import { conversationWarnings, detectFormat, normalizeRow, parseMapping } from './normalize'
import { checkDataFile, excerptOf, excerptOfValue, fileKindOf, readRecords, type RawRecord } from './read-rows'
import { ImportStaging, getDataset, mergeGroups, type DatasetToSave, type SplitToSave, type StagedSplit } from './store'
import type {
  DatasetFormat,
  DatasetInfo,
  DatasetMapping,
  DatasetSource,
  ImportOptions,
  ImportProgress,
  ImportReport,
  ImportWarning,
  RejectionGroup,
  RejectionReason,
  RowExample,
  RowFact,
  RowRange,
  WarningGroup,
} from './types'

/** Rows looked at to pick a format when none is given (fewer when they are long: they wait in memory). */
const DETECT_SAMPLE = 200
const DETECT_SAMPLE_BYTES = 32 * 1024 * 1024

/** Counts rows per reason (a rejection or a warning) and keeps the first few as examples. */
class RowGroups<R extends string> {
  private by = new Map<R, { reason: R; count: number; examples: RowExample[] }>()
  total = 0
  add(reason: R, split: string, row: number, excerpt: string, fact?: RowFact, rows?: RowRange): void {
    this.total++
    let g = this.by.get(reason)
    if (!g) this.by.set(reason, (g = { reason, count: 0, examples: [] }))
    g.count++
    if (g.examples.length >= REJECTION_EXAMPLES_PER_REASON) return
    // Facts quote the data too (a parser message, a role): made as safe to print as the excerpt.
    const safe = fact && safeFact(fact)
    g.examples.push({ split, row, excerpt: escapeControlChars(excerpt), ...(safe ? { detail: shortened(EN.dataset.fact(safe)), fact: safe } : {}), ...(rows ? { rows } : {}) })
  }
  groups(): { reason: R; count: number; examples: RowExample[] }[] {
    return [...this.by.values()].sort((a, b) => b.count - a.count)
  }
}

/** Room for a rejection's detail, which may quote a parser message or a value. */
const DETAIL_CHARS = 300

const shortened = (text: string): string => escapeControlChars(text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS)}…` : text)

/** The fact with the data it quotes (a parser's message, a role as found) cut short and made printable. */
function safeFact(f: RowFact): RowFact {
  if (f.kind === 'parser') return { ...f, message: shortened(f.message) }
  if (f.kind === 'turn-unknown-role') return { ...f, rawRole: escapeControlChars(f.rawRole) }
  return f
}

/** Details stay English for command lines and logs (the app words the facts in the reader's language). */
const EN = i18nFor('en').t

type ParsedSplit = { rejected: number; rejections: RejectionGroup[]; warnings: WarningGroup[] }

/** A file to read, and the name progress and reports show for it. */
type SourceFile = { path: string; label: string }

/**
 * Turns the records of one split's files into conversations, streamed into the split's staging writer,
 * and rejections. The format is fixed on the first rows seen (unless given) and then applied to every
 * row of every split.
 */
class SplitParser {
  format: DatasetFormat | undefined
  private buffered: RawRecord[] = []
  private bufferedBytes = 0
  private keysSeen = new Set<string>()
  constructor(
    readonly mapping: DatasetMapping | undefined,
    format: DatasetFormat | undefined,
  ) {
    this.format = format
  }

  async parse(
    files: SourceFile[],
    split: string,
    sink: StagedSplit,
    opts: { signal?: AbortSignal; onProgress?: (p: ImportProgress) => void },
  ): Promise<ParsedSplit> {
    const rejections = new RowGroups<RejectionReason>()
    const warnings = new RowGroups<ImportWarning>()
    const out = { split, sink, rejections, warnings }
    let rowOffset = 0
    for (const file of files) {
      let lastRow = 0
      const report = (rows: number, total?: number) =>
        opts.onProgress?.({ phase: 'parsing', current: rowOffset + rows, total: total !== undefined ? rowOffset + total : 0, split, file: file.label })
      let n = 0
      for await (const rec of readRecords(file.path, fileKindOf(file.path), { signal: opts.signal, onRows: report })) {
        if (++n % 2000 === 0 && opts.signal?.aborted) throw new StudioError('cancelled', 'Import cancelled')
        const shifted = { ...rec, row: rec.row + rowOffset }
        lastRow = rec.row
        if (!this.format) {
          this.buffered.push(shifted)
          if ('value' in rec && isPlainObject(rec.value)) for (const k of Object.keys(rec.value)) if (this.keysSeen.size < 200) this.keysSeen.add(k)
          if ('bytes' in rec) this.bufferedBytes += rec.bytes ?? 0
          if (this.buffered.length >= DETECT_SAMPLE || this.bufferedBytes >= DETECT_SAMPLE_BYTES) this.decide(out)
          continue
        }
        this.take(shifted, out)
      }
      rowOffset += lastRow
    }
    if (!this.format && this.buffered.length > 0) this.decide(out)
    return { rejections: rejections.groups(), rejected: rejections.total, warnings: warnings.groups() }
  }

  private decide(out: SplitSink): void {
    const values = this.buffered.flatMap((r) => ('value' in r ? [r.value] : []))
    const found = detectFormat(values, this.mapping)
    const objects = values.filter(isPlainObject).length
    if (!found && objects > 0) {
      const seen = [...this.keysSeen].map((k) => escapeControlChars(k.slice(0, 60)))
      throw new StudioError(
        'dataset-format-unknown',
        `No row has a "messages" list, ShareGPT "conversations" or Alpaca "instruction"/"output" fields (fields seen: ${seen.slice(0, 12).join(', ')}); pass --format or a column mapping`,
        { fieldsSeen: seen.slice(0, 50) },
      )
    }
    this.format = found ?? 'messages'
    const pending = this.buffered
    this.buffered = []
    this.bufferedBytes = 0
    for (const r of pending) this.take(r, out)
  }

  private take(rec: RawRecord, out: SplitSink): void {
    if ('reason' in rec) {
      out.rejections.add(rec.reason, out.split, rec.row, rec.excerpt, rec.fact, rec.rows)
      return
    }
    const res = normalizeRow(rec.value, this.format as DatasetFormat, this.mapping)
    if (!res.ok) return out.rejections.add(res.reason, out.split, rec.row, excerptOfValue(res.offending ?? rec.value), res.fact)
    out.sink.add(rec.row, JSON.stringify(res.conversation.messages))
    for (const w of conversationWarnings(res.conversation.messages))
      out.warnings.add(w.reason, out.split, rec.row, excerptOf(w.turns.map((m) => `${m.role}: ${m.content}`).join(' · ')), w.fact)
  }
}

type SplitSink = { split: string; sink: StagedSplit; rejections: RowGroups<RejectionReason>; warnings: RowGroups<ImportWarning> }

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

const isOffline = (e: unknown): boolean =>
  e instanceof StudioError && (e.code === 'hf-unreachable' || e.code === 'hf-timeout')

function reportFromCache(info: DatasetInfo, splits: string[] | undefined): ImportReport {
  const chosen = info.splits.filter((s) => !splits || splits.includes(s.split))
  return {
    datasetId: info.datasetId,
    name: info.name,
    format: info.format,
    splits: chosen.map((s) => ({ split: s.split, rows: s.rows, rejected: s.rejected })),
    rejections: mergeGroups(chosen.map((s) => s.rejections)),
    warnings: mergeGroups(chosen.map((s) => s.warnings)),
    source: info.source,
    revision: info.revision,
    etag: info.etag,
    importedAt: info.importedAt,
    fromCache: true,
  }
}

const sameOptions = (info: DatasetInfo, format: DatasetFormat | undefined, mapping: DatasetMapping | undefined): boolean =>
  (!format || info.format === format) && JSON.stringify(info.mapping ?? null) === JSON.stringify(mapping ?? null)

/**
 * Imports a dataset into the local store and returns the import report. Hub: the split (or every split)
 * is found by tree listing (parquet API as fallback), downloaded with resume, parsed and validated.
 * When the stored copy already matches the hub's files, or the hub cannot be reached and a copy is
 * stored, the stored copy is served (`fromCache: true`). Files: .jsonl, .json, .parquet.
 */
export async function importDataset(db: Db, source: DatasetSource, opts: ImportOptions = {}): Promise<ImportReport> {
  const mapping = parseMapping(opts.mapping)
  const format = opts.format && opts.format !== 'auto' ? opts.format : undefined
  if (source.kind === 'hub') return importHub(db, source, { ...opts, mapping, format })
  return importLocal(db, source, { ...opts, mapping, format })
}

type Resolved = Omit<ImportOptions, 'mapping' | 'format'> & { mapping: DatasetMapping | undefined; format: DatasetFormat | undefined }

/**
 * A local source: one data file (`file`), or a folder laid out like a hub snapshot (`folder`, which only
 * the command line offers). A file source must be a regular file: a folder, pipe or device is refused.
 */
async function importLocal(db: Db, source: Exclude<DatasetSource, { kind: 'hub' }>, opts: Resolved): Promise<ImportReport> {
  const file = path.resolve(source.path)
  let splitFiles: { split: string; files: string[] }[]
  if (source.kind === 'file') {
    checkDataFile(file)
    splitFiles = [{ split: source.split ?? defaultSplitOf(file), files: [file] }]
  } else {
    if (!fs.existsSync(file)) throw new StudioError('dataset-file-unreadable', `No such folder: ${file}`, { file, why: 'no-folder' })
    if (!fs.statSync(file).isDirectory()) throw new StudioError('dataset-not-a-file', `${file} is not a folder`, { file, is: 'not-a-folder' })
    splitFiles = folderSplits(file, source.split)
  }
  const recordedAs = opts.sourceLabel ?? file
  const name = storeName(opts.name ?? path.basename(recordedAs).replace(/\.(jsonl|ndjson|json|parquet)$/i, ''))
  refuseNameClash(getDataset(db, name), 'file', recordedAs)
  const staging = await ImportStaging.begin(db)
  try {
    const parser = new SplitParser(opts.mapping, opts.format)
    const splits: DatasetToSave['splits'] = []
    for (const s of splitFiles) {
      const rows = staging.split(s.split)
      const parsed = await parser.parse(
        s.files.map((f) => ({ path: f, label: path.basename(opts.sourceLabel ?? f) })),
        s.split,
        rows,
        opts,
      )
      const files = await Promise.all(s.files.map(async (f) => ({ path: opts.sourceLabel ?? f, size: fs.statSync(f).size, etag: await sha256File(f) })))
      splits.push({ split: s.split, rows, ...parsed, revision: null, etag: files.map((f) => f.etag).join(','), files })
    }
    const etag = splits.length === 1 && splits[0].files.length === 1 ? (splits[0].etag as string) : createHash('sha256').update(splits.map((s) => s.etag).join('|')).digest('hex')
    return await finish(staging, {
      name,
      source: { kind: 'file', path: recordedAs },
      revision: null,
      etag,
      format: parser.format ?? 'messages',
      mapping: opts.mapping,
      splits,
      onProgress: opts.onProgress,
    })
  } finally {
    await staging.discard()
  }
}

/** A local folder laid out like a hub dataset (e.g. a downloaded snapshot): its data files per split. */
function folderSplits(dir: string, split: string | undefined): { split: string; files: string[] }[] {
  const entries = (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((rel) => rel.split(path.sep).join('/'))
    .filter((rel) => fs.statSync(path.join(dir, rel)).isFile())
    .map((rel) => ({ path: rel, size: 0 }))
  const all = splitsFromTree(entries)
  if (all.length === 0) throw new StudioError('dataset-file-unreadable', `${dir} holds no .jsonl, .json or .parquet files`, { file: dir, why: 'no-data-files' })
  const chosen = all.filter((s) => !split || s.split === split)
  if (chosen.length === 0)
    throw new StudioError('not-found', `${dir} has no split "${split}" (it has ${all.map((s) => s.split).join(', ')})`, { splits: all.map((s) => s.split) })
  return chosen.map((s) => ({ split: s.split, files: s.files.map((f) => path.join(dir, f.path as string)) }))
}

async function importHub(db: Db, source: Extract<DatasetSource, { kind: 'hub' }>, opts: Resolved): Promise<ImportReport> {
  const endpoint = resolveHubEndpoint(opts.endpoint)
  const token = resolveHubToken(opts.token)
  const name = storeName(opts.name ?? source.repo)
  const cached = getDataset(db, name)
  refuseNameClash(cached, 'hub', source.repo)
  const cachedMatches = cached?.source.kind === 'hub' && cached.source.repo === source.repo
  const wanted = source.split ? [source.split] : undefined
  const hasWanted = (info: DatasetInfo) => (wanted ?? []).every((s) => info.splits.some((x) => x.split === s))

  // No total: how long a listing takes is unknown (the UI shows it as indeterminate, with Cancel).
  opts.onProgress?.({ phase: 'listing', current: 0, total: 0 })
  let listing
  try {
    listing = await findDatasetSplits({ repo: source.repo, revision: source.revision, endpoint, token, signal: opts.signal })
  } catch (err) {
    if (isOffline(err) && cached && cachedMatches && hasWanted(cached)) return reportFromCache(cached, wanted)
    throw err
  }
  const available = listing.splits.map((s) => s.split)
  if (available.length === 0)
    throw new StudioError('hf-not-found', `${source.repo} has no parquet or JSON data files at ${endpoint}`, { repo: source.repo })
  if (source.split && !available.includes(source.split))
    throw new StudioError('hf-not-found', `${source.repo} has no split "${source.split}" (it has ${available.join(', ')})`, {
      repo: source.repo,
      splits: available,
    })
  const chosen = listing.splits.filter((s) => !source.split || s.split === source.split)

  // Unchanged upstream (same commit and files) and same parse options: the stored copy is current.
  if (cached && cachedMatches && sameOptions(cached, opts.format, opts.mapping)) {
    const fresh = chosen.every((s) => {
      const have = cached.splits.find((x) => x.split === s.split)
      return have && have.revision === listing.revision && JSON.stringify(have.files.map(fileKey)) === JSON.stringify(s.files.map(fileKey))
    })
    if (fresh) return reportFromCache(cached, chosen.map((s) => s.split))
  }

  const total = chosen.flatMap((s) => s.files).reduce((a, f) => a + (f.size ?? 0), 0)
  // Staging folder per import call (parallel imports never share one); interrupted downloads resume
  // from their partial files in downloadsDir(), which are keyed by file, not by call.
  fs.mkdirSync(path.join(downloadsDir(), 'datasets'), { recursive: true })
  const workDir = fs.mkdtempSync(path.join(downloadsDir(), 'datasets', 'import-'))
  const staging = await ImportStaging.begin(db)
  try {
    const parser = new SplitParser(opts.mapping, opts.format)
    const splits: DatasetToSave['splits'] = []
    let done = 0
    for (const s of chosen) {
      const local: SourceFile[] = []
      const files: SplitToSave['files'] = []
      for (const [i, f] of s.files.entries()) {
        const base = f.path ? path.basename(f.path) : `${s.split}-${i}.parquet`
        // Local names are ours (index + data extension); the split name was validated by the listing.
        const dest = childPath(workDir, s.split, `${i}${f.path ? (/\.(parquet|jsonl|json)$/i.exec(f.path)?.[0] ?? '.parquet') : '.parquet'}`)
        const onProgress = (p: { current: number; total: number }) =>
          opts.onProgress?.({ phase: 'downloading', current: done + p.current, total: Math.max(total, done + p.total), split: s.split, file: base })
        const got = f.path
          ? await downloadHubFile({ repoType: 'dataset', repo: source.repo, path: f.path, revision: listing.revision, endpoint, token, dest, signal: opts.signal, onProgress })
          : await downloadUrlToFile({
              url: f.url as string,
              key: `${endpoint}|${f.url}`,
              // The token is for the endpoint the user chose, never for another host a reply points to.
              token: new URL(f.url as string).origin === new URL(endpoint).origin ? token : undefined,
              dest,
              signal: opts.signal,
              onProgress,
            })
        done += got.size
        local.push({ path: got.file, label: base })
        files.push({ ...(f.path ? { path: f.path } : { url: f.url }), size: got.size, etag: got.etag, ...(f.oid ? { oid: f.oid } : {}) })
      }
      const rows = staging.split(s.split)
      const parsed = await parser.parse(local, s.split, rows, opts)
      splits.push({ split: s.split, rows, ...parsed, revision: listing.revision, etag: files.map((f) => f.etag).join(','), files })
    }
    return await finish(staging, {
      name,
      source: { kind: 'hub', repo: source.repo, endpoint, revision: listing.revision },
      revision: listing.revision,
      etag: splits.map((s) => s.etag).join(',') || null,
      format: parser.format ?? 'messages',
      mapping: opts.mapping,
      splits,
      onProgress: opts.onProgress,
    })
  } finally {
    // The rows live in SQLite now (or the import failed and its rows are dropped): the downloaded
    // files are not needed either way.
    await staging.discard()
    fs.rmSync(workDir, { recursive: true, force: true })
  }
}

/** The name the dataset is stored under, by the rule the app addresses datasets with (so it can be found again). */
function storeName(raw: string): string {
  const parsed = storeNameSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const shown = JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)
  throw new StudioError('invalid-input', `Dataset name ${shown} ${parsed.error.issues[0]?.message ?? 'is not valid'}; choose another name (--name)`)
}

/** Checked before any download or parse, so a clash fails at once (the commit checks again, atomically). */
function refuseNameClash(existing: DatasetInfo | null, kind: 'hub' | 'file', ref: string): void {
  if (!existing) return
  const had = existing.source.kind === 'hub' ? existing.source.repo : existing.source.path
  if (existing.source.kind !== kind || had !== ref)
    throw new StudioError('invalid-input', `A dataset named "${existing.name}" already exists from ${existing.source.kind} ${had}; choose another name or delete it first`, {
      nameTaken: { name: existing.name, sourceKind: existing.source.kind, source: had },
    })
}

const KNOWN_SPLITS = new Set(['train', 'test', 'validation', 'valid', 'dev', 'eval'])

/** `test.jsonl` or `data/test-00000-of-00001.parquet` → test; anything else → train. */
function defaultSplitOf(file: string): string {
  const s = splitOfPath(path.basename(file))
  return KNOWN_SPLITS.has(s) ? s : 'train'
}

/** Identity of a split file for freshness checks: what the listing reports (path/url, size, oid). */
const fileKey = (f: SplitFile & { etag?: string }) => [f.path ?? f.url ?? '', f.size ?? null, f.oid ?? null]

async function finish(staging: ImportStaging, d: Omit<DatasetToSave, 'importedAt'> & { onProgress?: (p: ImportProgress) => void }): Promise<ImportReport> {
  const rejections = mergeGroups(d.splits.map((s) => s.rejections))
  const warnings = mergeGroups(d.splits.map((s) => s.warnings))
  const splitReports = d.splits.map((s) => ({ split: s.split, rows: s.rows.count, rejected: s.rejected }))
  if (d.splits.every((s) => s.rows.count === 0)) {
    const summary = rejections.map((g) => `${g.reason} ×${g.count}`).join(', ')
    const ex = rejections[0]?.examples[0]
    const example = ex ? ` (e.g. row ${ex.row}${ex.detail ? `, ${ex.detail}` : ''}: ${ex.excerpt.slice(0, 60)})` : ''
    throw new StudioError('dataset-no-usable-rows', `No usable rows in ${d.name}${summary ? `: ${summary}${example}` : ' (the file has no rows)'}`, {
      name: d.name,
      splits: splitReports,
      rejections,
    })
  }
  const rows = d.splits.reduce((a, s) => a + s.rows.count, 0)
  d.onProgress?.({ phase: 'saving', current: 0, total: rows })
  const importedAt = new Date().toISOString()
  const datasetId = await staging.commit({ ...d, importedAt })
  d.onProgress?.({ phase: 'saving', current: rows, total: rows })
  return {
    datasetId,
    name: d.name,
    format: d.format,
    splits: splitReports,
    rejections,
    warnings,
    source: d.source,
    revision: d.revision,
    etag: d.etag,
    importedAt,
    fromCache: false,
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
