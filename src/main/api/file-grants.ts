/**
 * Files the user picked, handed to the page as opaque handles. The page is untrusted: it never names a path
 * for main to read. A path enters only from the desktop's open dialog (or a file the user dropped, whose path
 * Electron knows), and an upload in browser mode is streamed into a temporary copy inside the data folder.
 * Either way main keeps a short-lived grant (path, purpose, expiry) and the page gets a random handle it can
 * use for that purpose only. Plain Node: the Electron layer only shows the dialog.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform, type Readable } from 'node:stream'
import { z } from 'zod'
import { PICK_PURPOSES, type DialogPurpose, type PickPurpose, type PickedFile } from '../../shared/contract'
import { toFailure } from './errors'
import { ok, type Result } from '../../shared/result'
import { FILE_GRANT_TTL_MS, UPLOAD_MAX_DATASET_BYTES, UPLOAD_MAX_TOKENIZER_FILE_BYTES } from '../../shared/defaults'
import { StudioError, storageErrorOf } from '../../shared/result'

type Grant = { path: string; name: string; size: number; purpose: PickPurpose; kind: 'file' | 'folder'; temp: boolean; expiresAt: number }

/** What each purpose accepts, as a dialog filter and as the check every picked or uploaded name passes. */
export const PICK_RULES: Record<PickPurpose, { kind: 'file' | 'folder'; extensions: readonly string[]; names?: readonly string[]; maxUploadBytes: number }> = {
  dataset: { kind: 'file', extensions: ['jsonl', 'json', 'parquet'], maxUploadBytes: UPLOAD_MAX_DATASET_BYTES },
  'tokenizer-folder': { kind: 'folder', extensions: [], maxUploadBytes: 0 },
  'tokenizer-file': { kind: 'file', extensions: ['json'], names: ['tokenizer.json', 'tokenizer_config.json'], maxUploadBytes: UPLOAD_MAX_TOKENIZER_FILE_BYTES },
}

/**
 * The options of the desktop's open dialog for a purpose (Electron's `showOpenDialog` shape, as plain data so
 * it is tested without Electron): files with the purpose's filter (`filterName` is the localized name of the
 * file type), or a folder — for a checkpoint folder, one the dialog may create.
 */
export function openDialogOptions(purpose: DialogPurpose, labels: { title?: string; filterName?: string }, defaultPath?: string): { title?: string; defaultPath?: string; properties: string[]; filters?: { name: string; extensions: string[] }[] } {
  const shown = { ...(labels.title ? { title: labels.title } : {}), ...(defaultPath ? { defaultPath } : {}) }
  if (purpose === 'model-folder') return { ...shown, properties: ['openDirectory', 'dontAddToRecent'] }
  if (purpose === 'checkpoint-folder') return { ...shown, properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'] }
  const rule = PICK_RULES[purpose]
  if (rule.kind === 'folder') return { ...shown, properties: ['openDirectory'] }
  return { ...shown, properties: ['openFile'], filters: [{ name: labels.filterName ?? '', extensions: [...rule.extensions] }] }
}

/** The name a purpose refuses, as an `invalid-input` failure naming the `file` field (the UI highlights it). */
function refuseName(name: string, purpose: PickPurpose): void {
  const rule = PICK_RULES[purpose]
  const base = path.basename(name)
  const ok = rule.names ? rule.names.includes(base) : rule.extensions.some((e) => base.toLowerCase().endsWith(`.${e}`))
  if (ok && !base.includes('\0')) return
  const wanted = rule.names ? rule.names.join(' or ') : rule.extensions.map((e) => `.${e}`).join(', ')
  const shown = JSON.stringify(base.length > 80 ? `${base.slice(0, 80)}…` : base)
  throw new StudioError('invalid-input', `${shown} is not a ${wanted} file`, {
    issues: [{ path: 'file', message: `must be a ${wanted} file` }],
    wanted: rule.names ?? rule.extensions,
    wantedNames: !!rule.names,
    name: base.length > 80 ? `${base.slice(0, 80)}…` : base,
  })
}

export class FileGrants {
  private readonly grants = new Map<string, Grant>()
  private readonly ttlMs: number
  private readonly now: () => number

  /** `uploadDir`: where uploads are copied (inside the data folder); emptied when the app starts and closes. */
  constructor(
    private readonly uploadDir: string,
    opts: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.ttlMs = opts.ttlMs ?? FILE_GRANT_TTL_MS
    this.now = opts.now ?? Date.now
    // Copies left by a process that was killed mid-import.
    fs.rmSync(uploadDir, { recursive: true, force: true })
  }

  /** A path from the desktop's dialog or a drop: checked for the purpose, then granted. */
  grantPath(picked: string, purpose: PickPurpose): PickedFile {
    const abs = path.resolve(picked)
    const rule = PICK_RULES[purpose]
    let stat: fs.Stats
    try {
      stat = fs.statSync(abs)
    } catch {
      throw new StudioError('dataset-file-unreadable', `Cannot read ${abs}`, { file: abs, why: 'unreadable' })
    }
    if (rule.kind === 'folder') {
      if (!stat.isDirectory()) throw new StudioError('invalid-input', `${abs} is not a folder`, { issues: [{ path: 'file', message: 'must be a folder' }] })
    } else {
      refuseName(abs, purpose)
      if (!stat.isFile()) throw new StudioError('dataset-not-a-file', `${abs} is not a regular file`, { file: abs, is: 'special' })
    }
    return this.add({ path: abs, name: path.basename(abs), size: rule.kind === 'file' ? stat.size : 0, purpose, kind: rule.kind, temp: false })
  }

  /**
   * Streams an upload into a temporary copy and grants it. Refused before a byte is written when the name does
   * not fit the purpose or the declared length is over the purpose's cap; cut off (and the copy deleted) as soon
   * as more bytes than the cap arrive, whatever was declared.
   */
  async receiveUpload(u: { purpose: PickPurpose; fileName: string; body: Readable; declaredBytes?: number }): Promise<PickedFile> {
    const rule = PICK_RULES[u.purpose]
    if (rule.kind !== 'file') throw new StudioError('invalid-input', 'A folder cannot be uploaded; upload its files', { issues: [{ path: 'purpose', message: 'must name a file purpose' }] })
    const name = path.basename(u.fileName.replace(/\\/g, '/'))
    refuseName(name, u.purpose)
    const cap = rule.maxUploadBytes
    if (u.declaredBytes !== undefined && u.declaredBytes > cap) throw tooLarge(name, cap)
    fs.mkdirSync(this.uploadDir, { recursive: true })
    // Our own name on disk (the user's name may hold anything); the extension keeps the format detection working.
    const dest = path.join(this.uploadDir, `${randomBytes(12).toString('hex')}${path.extname(name).toLowerCase()}`)
    let size = 0
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length
        done(size > cap ? tooLarge(name, cap) : null, chunk)
      },
    })
    try {
      await pipeline(u.body, counter, fs.createWriteStream(dest, { flags: 'wx', mode: 0o600 }))
    } catch (err) {
      fs.rmSync(dest, { force: true })
      if (err instanceof StudioError) throw err
      throw storageErrorOf(err) ?? new StudioError('cancelled', `The upload of ${name} did not complete`, { file: name })
    }
    return this.add({ path: dest, name, size, purpose: u.purpose, kind: 'file', temp: true })
  }

  /** The grant behind a handle for this purpose, or `file-grant-expired` (unknown, expired or another purpose's). */
  use(handle: string, purpose: PickPurpose): { path: string; name: string; temp: boolean } {
    this.sweep()
    const g = this.grants.get(handle)
    if (!g || g.purpose !== purpose) throw new StudioError('file-grant-expired', 'The chosen file is no longer available; choose it again', { purpose })
    return { path: g.path, name: g.name, temp: g.temp }
  }

  /** Ends a grant; an uploaded copy is deleted. */
  release(handle: string): boolean {
    const g = this.grants.get(handle)
    if (!g) return false
    this.grants.delete(handle)
    if (g.temp) fs.rmSync(g.path, { force: true })
    return true
  }

  /** Ends expired grants. */
  sweep(): void {
    const now = this.now()
    for (const [h, g] of this.grants) if (g.expiresAt <= now) this.release(h)
  }

  /** Ends every grant and deletes every uploaded copy (the app is closing). */
  close(): void {
    for (const h of [...this.grants.keys()]) this.release(h)
    fs.rmSync(this.uploadDir, { recursive: true, force: true })
  }

  private add(g: Omit<Grant, 'expiresAt'>): PickedFile {
    this.sweep()
    const handle = randomBytes(18).toString('base64url')
    this.grants.set(handle, { ...g, expiresAt: this.now() + this.ttlMs })
    return { handle, name: g.name, size: g.size, kind: g.kind }
  }
}

const tooLarge = (name: string, cap: number): StudioError =>
  new StudioError('file-too-large', `${name} is larger than the upload limit of ${Math.round(cap / 1024 ** 2).toLocaleString('en-US')} MB`, { file: name, limitBytes: cap })

const droppedSchema = z.object({ path: z.string().min(1).max(4096).refine((p) => !p.includes('\0')), purpose: z.enum(PICK_PURPOSES) }).strict()

/**
 * The desktop's "a file was dropped or chosen in the page" request, from the preload (which asked Electron for
 * the File's path; the page itself cannot send this). Checked like a dialog pick, as a Result.
 */
export function grantFromPreload(files: FileGrants, raw: unknown): Result<PickedFile> {
  const parsed = droppedSchema.safeParse(raw)
  if (!parsed.success) return toFailure(new StudioError('invalid-input', 'Not a picked file.'))
  try {
    return ok(files.grantPath(parsed.data.path, parsed.data.purpose))
  } catch (err) {
    return toFailure(err)
  }
}

export type UploadRequest = { purpose: string; fileName: string; declaredBytes?: number; body: Readable }
/** What the browser bridge's upload route calls: the upload as a Result, never an exception. */
export type UploadReceiver = (u: UploadRequest) => Promise<Result<PickedFile>>

export const uploadReceiver =
  (files: FileGrants): UploadReceiver =>
  async (u) => {
    const purpose = z.enum(PICK_PURPOSES).safeParse(u.purpose)
    if (!purpose.success || !u.fileName) return toFailure(new StudioError('invalid-input', 'An upload needs a purpose and a file name.', { issues: [{ path: 'purpose', message: 'unknown purpose' }] }))
    try {
      return ok(await files.receiveUpload({ purpose: purpose.data, fileName: u.fileName, body: u.body, declaredBytes: u.declaredBytes }))
    } catch (err) {
      return toFailure(err)
    }
  }
