/**
 * "Download adapter". TuFT answers a checkpoint's archive request with a redirect to `file://<its checkpoint
 * folder>`: a path on the server's own disk, so it can be copied only when the server runs on this machine (the
 * local TuFT server, the sandbox). A hosted Tinker gives a signed https URL, which is downloaded. Anything else is
 * reported as where the weights live.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { AdapterDownload } from '../../../shared/server-browser'
import { StudioError } from '../../../shared/result'
import { parseCheckpointPath, type ArchiveUrl, type CheckpointRef, type TuftClient } from '../tuft'

export type DownloadProgress = {
  phase: 'locating' | 'copying' | 'downloading'
  current: number
  total: number
}

/** A folder a checkpoint was saved into: TuFT's (metadata.json, adapter/) or the sandbox's (meta.json). */
const looksLikeCheckpoint = (dir: string): boolean =>
  ['metadata.json', 'adapter', 'meta.json', 'adapter_config.json'].some((f) =>
    fs.existsSync(path.join(dir, f)),
  )

const isLoopback = (url: string): boolean => {
  try {
    return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(new URL(url).hostname)
  } catch {
    return false
  }
}

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = []
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name)
    if (e.isDirectory()) out.push(...listFiles(dir, r))
    else if (e.isFile()) out.push(r)
  }
  return out.sort()
}

/**
 * Saves a checkpoint's adapter under `destRoot/<run>/<weights|sampler_weights>/<name>/`: from a TuFT folder the PEFT
 * adapter and metadata.json, from a sandbox folder meta.json and adapter.bin. Optimizer state stays behind (it is for
 * resuming on the server, not for using the model). The copy is written next to its destination and renamed into
 * place, so it appears whole or not at all.
 */
export async function downloadAdapter(
  client: TuftClient,
  tinkerPath: string,
  destRoot: string,
  o: {
    signal?: AbortSignal
    onProgress?: (p: DownloadProgress) => void
    serverIsLocal?: boolean
    /**
     * Where the checkpoint's folder is on this machine, for a server that runs here: used when the server no longer
     * lists the run (it unloaded the run's model when the run ended, and then has no archive to hand out).
     */
    folderOnThisMachine?: (ref: CheckpointRef) => string | null
  } = {},
): Promise<AdapterDownload> {
  const ref = parseCheckpointPath(tinkerPath)
  o.onProgress?.({ phase: 'locating', current: 0, total: 1 })
  let archive: ArchiveUrl
  try {
    archive = await client.checkpointArchiveUrl(tinkerPath, o)
  } catch (err) {
    const plain = ![ref.trainingRunId, ref.name].some((s) => s === '.' || s === '..')
    const here = plain && err instanceof StudioError && err.code === 'not-found' ? o.folderOnThisMachine?.(ref) : null
    if (!here || !fs.existsSync(here) || !looksLikeCheckpoint(here)) throw err
    archive = { url: pathToFileURL(here).href, expires: null }
  }
  const dest = path.join(destRoot, ref.trainingRunId, ref.folder, ref.name)
  const tmp = `${dest}.partial-${process.pid}`
  const place = (): void => {
    fs.rmSync(dest, { recursive: true, force: true })
    fs.renameSync(tmp, dest)
  }

  if (archive.url.startsWith('file:')) {
    const serverPath = fileURLToPath(archive.url)
    const local =
      (o.serverIsLocal ?? isLoopback(client.server.url)) &&
      fs.existsSync(serverPath) &&
      fs.statSync(serverPath).isDirectory()
    if (!local || !looksLikeCheckpoint(serverPath))
      return { kind: 'on-server', serverPath, url: archive.url, expires: archive.expires }
    const root = serverPath
    const files = fs.existsSync(path.join(root, 'adapter'))
      ? [
          ...listFiles(root, 'adapter'),
          ...(fs.existsSync(path.join(root, 'metadata.json')) ? ['metadata.json'] : []),
        ]
      : listFiles(root).filter((f) => !/^optimizer(\.bin)?$/.test(f.split(path.sep)[0]))
    const total = files.reduce((n, f) => n + fs.statSync(path.join(root, f)).size, 0)
    fs.rmSync(tmp, { recursive: true, force: true })
    let done = 0
    try {
      for (const f of files) {
        if (o.signal?.aborted) throw new StudioError('cancelled', 'Cancelled.')
        fs.mkdirSync(path.dirname(path.join(tmp, f)), { recursive: true })
        fs.copyFileSync(path.join(root, f), path.join(tmp, f))
        done += fs.statSync(path.join(tmp, f)).size
        o.onProgress?.({ phase: 'copying', current: done, total })
      }
      place()
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true })
      throw err
    }
    return { kind: 'saved', dir: dest, files, bytes: done, from: serverPath }
  }

  if (/^https?:/i.test(archive.url)) {
    const res = await fetch(archive.url, { signal: o.signal })
    if (!res.ok || !res.body)
      throw new StudioError(
        'server-error',
        `Downloading the checkpoint archive failed (HTTP ${res.status}).`,
        { status: res.status, says: 'archive-download-failed' },
      )
    const name = path.basename(new URL(archive.url).pathname) || 'checkpoint-archive'
    const total = Number(res.headers.get('content-length') ?? 0)
    fs.mkdirSync(tmp, { recursive: true })
    let done = 0
    try {
      const counted = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream).on(
        'data',
        (c: Buffer) => {
          done += c.length
          o.onProgress?.({ phase: 'downloading', current: done, total })
        },
      )
      await pipeline(counted, fs.createWriteStream(path.join(tmp, name)))
      place()
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true })
      throw err
    }
    return { kind: 'saved', dir: dest, files: [name], bytes: done, from: archive.url }
  }
  return { kind: 'on-server', serverPath: null, url: archive.url, expires: archive.expires }
}
