import { fileDownloadInfo } from '@huggingface/hub'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { HUB_DOWNLOAD_RETRIES, HUB_IDLE_TIMEOUT_MS } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import { downloadsDir } from '../store'
import { resolveHubEndpoint, resolveHubToken } from './endpoint'
import { HubIdleTimeout, codeForStatus, toHubError } from './errors'
import { proxiedFetch } from './proxy'
import { makeHubFetch, type HubCallOptions, type HubFetchRecord, type HubProgress, type RepoType } from './hub-fetch'

export type DownloadHubFileOptions = HubCallOptions & {
  repoType: RepoType
  repo: string
  /** Path inside the repository, e.g. `data/test-00000-of-00001.parquet`. */
  path: string
  /** Branch, tag or commit; default `main`. */
  revision?: string
  /** Where the finished file goes. The partial file lives in `partialDir` (default downloadsDir()). */
  dest: string
  partialDir?: string
  /** Automatic Range resumes after a dropped connection within this call. */
  retries?: number
  onProgress?: (p: HubProgress) => void
}

export type DownloadedFile = {
  file: string
  size: number
  etag: string
  /** The commit the hub served (X-Repo-Commit) when it says so, else the requested revision. */
  revision: string
  /** Bytes that were already on disk from an earlier, interrupted attempt. */
  resumedFrom: number
}

/**
 * Downloads one hub file. @huggingface/hub finds its size, ETag and final URL (`fileDownloadInfo`, which
 * speaks the hub's resolve protocol, including xet-backed files); the bytes are then streamed here so
 * they can be resumed: the partial file and its ETag are kept in downloadsDir(), a dropped connection
 * is resumed with `Range` (a few times automatically, or by calling again later), and a server that
 * ignores Range or an ETag that changed restarts the file from zero.
 */
export async function downloadHubFile(opts: DownloadHubFileOptions): Promise<DownloadedFile> {
  const endpoint = resolveHubEndpoint(opts.endpoint)
  const token = resolveHubToken(opts.token)
  const revision = opts.revision ?? 'main'
  const record: HubFetchRecord = {}
  const hubFetch = makeHubFetch({ token, signal: opts.signal, idleTimeoutMs: opts.idleTimeoutMs }, record)
  const where = `${endpoint}/${opts.repoType === 'dataset' ? 'datasets/' : ''}${opts.repo}/resolve/${revision}/${opts.path}`
  let info
  try {
    info = await fileDownloadInfo({
      repo: { type: opts.repoType, name: opts.repo },
      path: opts.path,
      revision,
      hubUrl: endpoint,
      fetch: hubFetch,
    })
  } catch (err) {
    const e = toHubError(err, { url: where, stage: 'request', signal: opts.signal })
    // Proxies that drop Range (or ETags) answer the 0-0 probe with a plain 200 the library rejects;
    // our own probe reads the size from Content-Length and falls back to it as the version tag.
    if (!/Expected size|Invalid file size|Expected ETag/.test(e.message)) throw e
    info = { url: where, size: undefined, etag: undefined }
  }
  if (!info) throw new StudioError('hf-not-found', `${opts.path} not found in ${opts.repo} at ${endpoint}`, { url: where })
  const key = `${endpoint}|${opts.repoType}|${opts.repo}|${revision}|${opts.path}`
  const got = await downloadUrlToFile({
    url: info.url,
    size: info.size,
    etag: info.etag,
    key,
    token,
    dest: opts.dest,
    partialDir: opts.partialDir,
    signal: opts.signal,
    idleTimeoutMs: opts.idleTimeoutMs,
    retries: opts.retries,
    label: opts.path,
    onProgress: opts.onProgress,
  })
  return { ...got, revision: record.commit ?? revision }
}

export type UrlDownload = {
  url: string
  /** Known size and ETag (from the hub's resolve probe); probed here when absent. */
  size?: number
  etag?: string
  /** Identifies the file across calls so an interrupted partial can be found again. */
  key: string
  token?: string
  dest: string
  partialDir?: string
  signal?: AbortSignal
  idleTimeoutMs?: number
  retries?: number
  label?: string
  onProgress?: (p: HubProgress) => void
}

type PartialMeta = { key: string; etag: string; size: number }

const SHA256_ETAG = /^(?:W\/)?"?([0-9a-f]{64})"?$/

/** Streams a URL to `dest` with resume; used for resolve URLs and for the parquet API's file URLs. */
export async function downloadUrlToFile(d: UrlDownload): Promise<Omit<DownloadedFile, 'revision'>> {
  // Two downloads of the same file in one process (e.g. a double-clicked import) would write the same
  // partial file; the second waits for the first instead.
  const previous = inFlight.get(d.key) ?? Promise.resolve()
  const run = previous.catch(() => undefined).then(() => downloadOnce(d))
  const settled = run.then(
    () => undefined,
    () => undefined,
  )
  inFlight.set(d.key, settled)
  try {
    return await run
  } finally {
    if (inFlight.get(d.key) === settled) inFlight.delete(d.key)
  }
}

const inFlight = new Map<string, Promise<void>>()

async function downloadOnce(d: UrlDownload): Promise<Omit<DownloadedFile, 'revision'>> {
  const idleMs = d.idleTimeoutMs ?? HUB_IDLE_TIMEOUT_MS
  const retries = d.retries ?? HUB_DOWNLOAD_RETRIES
  const label = d.label ?? d.url
  let size = d.size
  let etag = d.etag
  if (size === undefined || etag === undefined) ({ size, etag } = await probe(d, idleMs))

  const dir = d.partialDir ?? downloadsDir()
  fs.mkdirSync(dir, { recursive: true })
  const id = createHash('sha256').update(d.key).digest('hex').slice(0, 32)
  const partial = path.join(dir, `${id}.part`)
  const metaFile = path.join(dir, `${id}.part.json`)

  const meta = readMeta(metaFile)
  let offset = fs.existsSync(partial) ? fs.statSync(partial).size : 0
  if (!meta || meta.key !== d.key || meta.etag !== etag || meta.size !== size || offset > size) offset = 0
  if (offset === 0) fs.writeFileSync(partial, '')
  fs.writeFileSync(metaFile, JSON.stringify({ key: d.key, etag, size } satisfies PartialMeta))
  const resumedFrom = offset

  let attempt = 0
  // Bytes from two different responses were joined: verified against a sha256 ETag below.
  let spliced = offset > 0
  let verified = false
  for (;;) {
    if (offset >= size) {
      const m = SHA256_ETAG.exec(etag)
      if (!spliced || verified || !m || (await sha256File(partial)) === m[1]) break
      // A resumed file that does not hash to the ETag: fetch it whole, once. A clean full download is
      // then trusted, so an ETag that is not a content hash can never block a download.
      verified = true
      spliced = false
      offset = 0
      fs.writeFileSync(partial, '')
      continue
    }
    try {
      const r = await transfer(d, { partial, offset, size, idleMs, label })
      offset = r.offset
      if (!r.appended) spliced = false
    } catch (err) {
      // transfer() codes every network failure; anything else is a local file error and is not retried.
      if (!(err instanceof StudioError)) throw err
      const e = err
      const transient = e.code === 'download-interrupted' || e.code === 'hf-timeout'
      if (!transient || attempt >= retries) {
        if (e.code === 'download-interrupted' || e.code === 'cancelled' || e.code === 'hf-timeout') {
          const have = fs.existsSync(partial) ? fs.statSync(partial).size : 0
          throw new StudioError(e.code, `${e.message} (${have} of ${size} bytes kept; retry resumes)`, {
            ...e.details,
            bytesKept: have,
            size,
          })
        }
        throw e
      }
      attempt++
      offset = fs.statSync(partial).size
      if (offset > 0) spliced = true
      await sleep(200 * attempt, d.signal)
    }
  }
  fs.mkdirSync(path.dirname(d.dest), { recursive: true })
  moveFile(partial, d.dest)
  fs.rmSync(metaFile, { force: true })
  return { file: d.dest, size, etag, resumedFrom }
}

async function transfer(
  d: UrlDownload,
  s: { partial: string; offset: number; size: number; idleMs: number; label: string },
): Promise<{ offset: number; appended: boolean }> {
  const idle = new AbortController()
  let timer = setTimeout(() => idle.abort(new HubIdleTimeout(s.idleMs)), s.idleMs)
  const bump = () => {
    clearTimeout(timer)
    timer = setTimeout(() => idle.abort(new HubIdleTimeout(s.idleMs)), s.idleMs)
  }
  const signal = d.signal ? AbortSignal.any([d.signal, idle.signal]) : idle.signal
  const headers: Record<string, string> = { 'accept-encoding': 'identity' }
  if (d.token) headers.authorization = `Bearer ${d.token}`
  if (s.offset > 0) headers.range = `bytes=${s.offset}-`
  let offset = s.offset
  let fh: fs.promises.FileHandle | undefined
  try {
    let res: Response
    try {
      res = await proxiedFetch(d.url, { headers, signal })
    } catch (err) {
      throw toHubError(idle.signal.aborted ? idle.signal.reason : err, { url: d.url, stage: 'request', signal: d.signal })
    }
    if (res.status === 416 && offset === s.size) return { offset, appended: true }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel()
      throw new StudioError(codeForStatus(res.status), `HTTP ${res.status} ${res.statusText} from ${d.url}`, {
        url: d.url,
        status: res.status,
      })
    }
    const start = res.status === 206 ? Number(/bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1]) : 0
    // 200 to a Range request: the server ignored it (or the file changed), so start over cleanly.
    if (start !== offset) offset = 0
    fh = await fs.promises.open(s.partial, offset === 0 ? 'w' : 'a')
    if (!res.body) throw new StudioError('download-interrupted', `Empty response body from ${d.url}`, { url: d.url })
    let writing = false
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bump()
        const room = s.size - offset
        const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk
        writing = true
        await fh.write(part)
        writing = false
        offset += part.byteLength
        d.onProgress?.({ phase: 'downloading', current: offset, total: s.size, file: s.label })
        if (offset >= s.size) break
      }
    } catch (err) {
      // A failed write is the local disk's (full, read-only …), not the network's: it goes up as it is,
      // so the caller's storage error mapping sees its code.
      if (writing) throw err
      throw toHubError(idle.signal.aborted ? idle.signal.reason : err, { url: d.url, stage: 'body', signal: d.signal })
    }
    if (offset < s.size)
      throw new StudioError('download-interrupted', `Connection closed after ${offset} of ${s.size} bytes of ${s.label}`, {
        url: d.url,
      })
    return { offset, appended: s.offset > 0 && offset > 0 && start === s.offset }
  } finally {
    clearTimeout(timer)
    await fh?.close()
  }
}

async function probe(d: UrlDownload, idleMs: number): Promise<{ size: number; etag: string }> {
  const headers: Record<string, string> = { range: 'bytes=0-0', 'accept-encoding': 'identity' }
  if (d.token) headers.authorization = `Bearer ${d.token}`
  const signal = AbortSignal.any([AbortSignal.timeout(idleMs), ...(d.signal ? [d.signal] : [])])
  let res: Response
  try {
    res = await proxiedFetch(d.url, { headers, signal })
  } catch (err) {
    throw toHubError(err, { url: d.url, stage: 'request', signal: d.signal })
  }
  await res.body?.cancel()
  if (res.status !== 200 && res.status !== 206)
    throw new StudioError(codeForStatus(res.status), `HTTP ${res.status} ${res.statusText} from ${d.url}`, {
      url: d.url,
      status: res.status,
    })
  const total = res.headers.get('content-range')?.split('/')[1] ?? res.headers.get('content-length')
  const size = Number(total)
  if (!Number.isFinite(size))
    throw new StudioError('hf-unreachable', `${d.url} did not report a file size`, { url: d.url })
  const etag = res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? `size:${size}`
  return { size, etag }
}

function readMeta(file: string): PartialMeta | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PartialMeta
  } catch {
    return undefined
  }
}

function moveFile(from: string, to: string): void {
  try {
    fs.renameSync(from, to)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err
    fs.copyFileSync(from, to)
    fs.rmSync(from)
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new StudioError('cancelled', 'Download cancelled'))
    const t = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        reject(new StudioError('cancelled', 'Download cancelled'))
      },
      { once: true },
    )
  })
}
