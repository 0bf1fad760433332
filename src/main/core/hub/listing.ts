import { datasetInfo, listFiles, modelInfo } from '@huggingface/hub'
import { z } from 'zod'
import { StudioError } from '../../../shared/result'
import { resolveHubEndpoint, resolveHubToken } from './endpoint'
import { answeredButUnusable, toHubError } from './errors'
import { makeHubFetch, type HubCallOptions, type RepoType } from './hub-fetch'
import { declaredName, derivedSplitName, repoPath, replyUrl } from './names'

export type HubFileEntry = { path: string; size: number; oid?: string; directory?: true }

/** Every file of a repository at a revision (recursive tree listing, all pages); directories on request. */
export async function listHubFiles(
  opts: HubCallOptions & { repoType: RepoType; repo: string; revision?: string; path?: string; withDirectories?: boolean },
): Promise<HubFileEntry[]> {
  const endpoint = resolveHubEndpoint(opts.endpoint)
  const hubFetch = makeHubFetch({ ...opts, token: resolveHubToken(opts.token) })
  const url = `${endpoint}/api/${opts.repoType}s/${opts.repo}/tree/${opts.revision ?? 'main'}`
  const out: HubFileEntry[] = []
  try {
    for await (const e of listFiles({
      repo: { type: opts.repoType, name: opts.repo },
      revision: opts.revision,
      path: opts.path,
      recursive: true,
      hubUrl: endpoint,
      fetch: hubFetch,
    })) {
      if (e.type === 'file') out.push({ path: repoPath(e.path, url), size: e.lfs?.size ?? e.size, oid: e.lfs?.oid ?? e.oid })
      else if (e.type === 'directory' && opts.withDirectories) out.push({ path: repoPath(e.path, url), size: 0, directory: true })
    }
  } catch (err) {
    throw toHubError(err, { url, stage: 'request', signal: opts.signal })
  }
  return out
}

/** The commit sha a branch/tag resolves to (for provenance); the hub's `sha` field of the repo info. */
export async function resolveHubRevision(
  opts: HubCallOptions & { repoType: RepoType; repo: string; revision?: string },
): Promise<string> {
  const endpoint = resolveHubEndpoint(opts.endpoint)
  const hubFetch = makeHubFetch({ ...opts, token: resolveHubToken(opts.token) })
  const url = `${endpoint}/api/${opts.repoType}s/${opts.repo}/revision/${opts.revision ?? 'main'}`
  try {
    const params = { name: opts.repo, revision: opts.revision ?? 'main', hubUrl: endpoint, fetch: hubFetch }
    const info =
      opts.repoType === 'dataset'
        ? await datasetInfo({ ...params, additionalFields: ['sha'] })
        : await modelInfo({ ...params, additionalFields: ['sha'] })
    // Only a commit id is taken from the reply: the revision ends up in download URLs and provenance.
    return typeof info.sha === 'string' && /^[0-9a-f]{40}$/i.test(info.sha) ? info.sha : (opts.revision ?? 'main')
  } catch (err) {
    throw toHubError(err, { url, stage: 'request', signal: opts.signal })
  }
}

export type SplitFile = {
  /** Path inside the repo (tree listing) — or, from the parquet API, a full URL. */
  path?: string
  url?: string
  size?: number
  oid?: string
}
export type DatasetSplitFiles = {
  revision: string
  via: 'tree' | 'parquet-api'
  splits: { split: string; files: SplitFile[] }[]
}

const DATA_EXT = /\.(parquet|jsonl|json)$/i
const SHARD = /^(.+?)-\d{5}-of-\d{5}/

/**
 * The split a data file belongs to, following the hub's file-naming conventions:
 * `data/test-00000-of-00001.parquet` → test, `default/train/0000.parquet` (refs/convert/parquet) → train,
 * `default/partial-train/0000.parquet` → train, `validation.jsonl` → validation.
 */
export function splitOfPath(p: string): string {
  return derivedSplitName(rawSplitOfPath(p))
}

function rawSplitOfPath(p: string): string {
  const parts = p.split('/')
  const base = parts[parts.length - 1].replace(DATA_EXT, '')
  const shard = SHARD.exec(base)
  if (shard) return shard[1]
  if (/^\d+$/.test(base) && parts.length >= 2) return parts[parts.length - 2].replace(/^partial-/, '')
  // The hub's `{split}/**` convention: a folder named after a split (train/, test/, validation/ …).
  const dir = parts.slice(0, -1).reverse().find((d) => SPLIT_DIRS.has(d))
  if (dir) return dir
  return base.replace(/[-_.]\d+$/, '')
}

const SPLIT_DIRS = new Set(['train', 'training', 'validation', 'valid', 'val', 'dev', 'test', 'testing', 'eval', 'evaluation'])

/** Picks a dataset's data files per split from a tree listing: the default config, parquet preferred. */
export function splitsFromTree(files: HubFileEntry[]): { split: string; files: SplitFile[] }[] {
  let data = files.filter((f) => DATA_EXT.test(f.path) && !f.path.split('/').some((s) => s.startsWith('.')))
  for (const dir of ['data/', 'default/']) {
    const inDir = data.filter((f) => f.path.startsWith(dir))
    if (inDir.length > 0) {
      data = inDir
      break
    }
  }
  const bySplit = new Map<string, HubFileEntry[]>()
  for (const f of data) {
    const s = splitOfPath(f.path)
    bySplit.set(s, [...(bySplit.get(s) ?? []), f])
  }
  return [...bySplit.entries()]
    .map(([split, fs]) => {
      const parquet = fs.filter((f) => /\.parquet$/i.test(f.path))
      const chosen = (parquet.length > 0 ? parquet : fs).sort((a, b) => a.path.localeCompare(b.path))
      return { split, files: chosen.map((f) => ({ path: f.path, size: f.size, oid: f.oid })) }
    })
    .sort((a, b) => splitOrder(a.split) - splitOrder(b.split) || a.split.localeCompare(b.split))
}

const splitOrder = (s: string): number => {
  const i = ['train', 'validation', 'test'].indexOf(s)
  return i < 0 ? 3 : i
}

const ParquetApi = z.record(z.string(), z.record(z.string(), z.array(z.string())))

/**
 * `GET /api/datasets/{id}/parquet` → `{config: {split: [url…]}}`: the hub's auto-converted parquet,
 * for repos whose own files are not parquet/jsonl (e.g. script or CSV datasets). No library call exists.
 */
export async function parquetApiSplits(
  opts: HubCallOptions & { repo: string },
): Promise<{ split: string; files: SplitFile[] }[]> {
  const endpoint = resolveHubEndpoint(opts.endpoint)
  const url = `${endpoint}/api/datasets/${opts.repo}/parquet`
  const hubFetch = makeHubFetch({ ...opts, token: resolveHubToken(opts.token) })
  let body: unknown
  try {
    const res = await hubFetch(url, { headers: { accept: 'application/json' } })
    if (!res.ok) {
      await res.body?.cancel()
      throw Object.assign(new Error(`HTTP ${res.status} ${res.statusText}`), { statusCode: res.status })
    }
    body = await res.json()
  } catch (err) {
    throw toHubError(err, { url, stage: 'request', signal: opts.signal })
  }
  // Names are checked on the reply as sent: a schema parse would silently drop keys such as __proto__.
  if (typeof body === 'object' && body !== null)
    for (const [config, splits] of Object.entries(body)) {
      declaredName('config', config, url)
      if (typeof splits === 'object' && splits !== null) for (const split of Object.keys(splits)) declaredName('split', split, url)
    }
  const parsed = ParquetApi.safeParse(body)
  if (!parsed.success) throw new StudioError('hf-unreachable', `${url} did not return a config → split → urls map`, { url, badResponse: true })
  const configs = new Map(Object.entries(parsed.data))
  const config = configs.has('default') ? 'default' : [...configs.keys()][0]
  if (config === undefined) return []
  return Object.entries(configs.get(config) ?? {})
    .map(([split, urls]) => ({ split, files: urls.map((u) => ({ url: replyUrl(u, url).href })) }))
    .sort((a, b) => splitOrder(a.split) - splitOrder(b.split) || a.split.localeCompare(b.split))
}

/** A dataset repo's splits and their files: tree listing first, the parquet API when the tree has none. */
export async function findDatasetSplits(
  opts: HubCallOptions & { repo: string; revision?: string },
): Promise<DatasetSplitFiles> {
  let revision: string
  try {
    revision = await resolveHubRevision({ ...opts, repoType: 'dataset' })
  } catch (err) {
    // Some mirrors proxy files but not the repo-info API: keep the requested ref and let the tree
    // listing decide. Network failures and auth errors still surface as they are.
    if (!answeredButUnusable(err)) throw err
    revision = opts.revision ?? 'main'
  }
  let splits: DatasetSplitFiles['splits'] = []
  let treeError: unknown
  try {
    splits = splitsFromTree(await listDataFiles({ ...opts, revision }))
  } catch (err) {
    if (!answeredButUnusable(err)) throw err
    treeError = err
  }
  if (splits.length > 0) return { revision, via: 'tree', splits }
  try {
    return { revision, via: 'parquet-api', splits: await parquetApiSplits(opts) }
  } catch (err) {
    throw treeError ?? err
  }
}

/**
 * Recursive listing; a server that ignores `recursive=true` (some static mirrors) returns directories
 * without their files, so those directories are listed one by one (a few levels deep).
 */
async function listDataFiles(opts: HubCallOptions & { repo: string; revision: string }): Promise<HubFileEntry[]> {
  const files: HubFileEntry[] = []
  let pending: (string | undefined)[] = [undefined]
  for (let depth = 0; depth < 4 && pending.length > 0; depth++) {
    const next: string[] = []
    for (const dir of pending) {
      const entries = await listHubFiles({ ...opts, repoType: 'dataset', path: dir, withDirectories: true })
      const got = entries.filter((e) => !e.directory)
      files.push(...got)
      for (const d of entries.filter((e) => e.directory))
        if (!d.path.split('/').some((p) => p.startsWith('.')) && !got.some((f) => f.path.startsWith(d.path + '/'))) next.push(d.path)
    }
    pending = next
  }
  return files
}
