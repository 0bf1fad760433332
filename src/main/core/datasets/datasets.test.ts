import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet'
import { MAX_CONVERSATION_CHARS } from '../../../shared/defaults'
import { StudioError } from '../../../shared/result'
import { openDb, type Db } from '../store'
import { NO_ROBOTS_JSON_COPY, NO_ROBOTS_JSONL, hasNoRobots, readChatRows } from '../../../../tests/helpers/fixtures'
import { NO_ROBOTS_ID, chatParquet, noRobotsRepo, startHubMirror, unusedLocalUrl, type HubMirror } from '../../../../tests/helpers/hub-mirror'
import { ZSTD_FIXTURE, syntheticRows, syntheticZstdParquet, zstdAvailable } from '../../../../tests/helpers/synthetic-chat'
import { deleteDataset, getDataset, importDataset, listDatasets, loadConversations, pageConversations, type ImportReport } from '.'

let dir: string
let db: Db
const prevHome = process.env.TUFT_STUDIO_HOME
const prevEndpoint = process.env.HF_ENDPOINT

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datasets-test-'))
  process.env.TUFT_STUDIO_HOME = dir
  delete process.env.HF_ENDPOINT
  db = openDb(path.join(dir, 'studio.sqlite'))
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
  if (prevHome === undefined) delete process.env.TUFT_STUDIO_HOME
  else process.env.TUFT_STUDIO_HOME = prevHome
  if (prevEndpoint === undefined) delete process.env.HF_ENDPOINT
  else process.env.HF_ENDPOINT = prevEndpoint
})

const write = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, name)
  fs.writeFileSync(p, content)
  return p
}
const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n'

async function failure(p: Promise<unknown>): Promise<StudioError> {
  try {
    await p
  } catch (err) {
    if (err instanceof StudioError) return err
    throw err
  }
  throw new Error('expected a failure')
}

/** The rows the hub mirror serves as both splits of no_robots. */
const CHAT_ROWS = readChatRows()

const reasons = (r: ImportReport) => Object.fromEntries(r.rejections.map((g) => [g.reason, g.count]))

describe('hub import through a local mirror (the endpoint setting)', () => {
  let mirror: HubMirror
  beforeEach(async () => {
    mirror = await startHubMirror({ qwen: false })
  })
  afterEach(async () => {
    await mirror.close()
  })

  it('imports every split of no_robots from the parquet files, rows identical to the fixture', async () => {
    const phases = new Set<string>()
    const r = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { endpoint: mirror.url, onProgress: (p) => phases.add(p.phase) })
    expect(r.fromCache).toBe(false)
    expect(r.format).toBe('messages')
    expect(r.splits).toEqual([
      { split: 'train', rows: CHAT_ROWS.length, rejected: 0 },
      { split: 'test', rows: CHAT_ROWS.length, rejected: 0 },
    ])
    expect(r.source).toMatchObject({ kind: 'hub', repo: NO_ROBOTS_ID, endpoint: mirror.url })
    expect(r.revision).toMatch(/^[0-9a-f]{40}$/)
    expect(r.etag).toMatch(/[0-9a-f]{64}/)
    expect([...phases]).toEqual(expect.arrayContaining(['listing', 'downloading', 'parsing', 'saving']))
    const expected = CHAT_ROWS
    expect(loadConversations(db, NO_ROBOTS_ID, 'test')).toEqual(expected)
    const info = getDataset(db, NO_ROBOTS_ID)
    expect(info?.splits.map((s) => s.split)).toEqual(['train', 'test'])
    expect(info?.splits[1].files[0].path).toBe('data/test-00000-of-00001.parquet')
    // The staging download is removed once the rows are in SQLite.
    expect(fs.readdirSync(path.join(dir, 'downloads'), { recursive: true }).filter((f) => String(f).endsWith('.parquet'))).toEqual([])
  })

  it('uses HF_ENDPOINT when no endpoint is set, and imports one split on request', async () => {
    process.env.HF_ENDPOINT = mirror.url
    const r = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { name: 'nr' })
    expect(r.splits).toEqual([{ split: 'test', rows: CHAT_ROWS.length, rejected: 0 }])
    expect(mirror.requests.some((q) => q.url.includes('/resolve/') && q.url.includes('test-00000'))).toBe(true)
    expect(mirror.requests.some((q) => q.url.includes('train-00000'))).toBe(false)
    // A later import of the other split adds it next to the first.
    await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'train' }, { name: 'nr' })
    expect(getDataset(db, 'nr')?.splits.map((s) => `${s.split}:${s.rows}`)).toEqual([`test:${CHAT_ROWS.length}`, `train:${CHAT_ROWS.length}`])
    const missing = await failure(importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'validation' }, {}))
    expect(missing.code).toBe('hf-not-found')
    expect(missing.message).toContain('train, test')
  })

  it('resumes a download whose connection dropped mid-file', async () => {
    mirror.setFaults({ dropMidFile: { times: 2, afterBytes: 4096 } })
    const r = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: mirror.url })
    expect(r.splits[0].rows).toBe(CHAT_ROWS.length)
    expect(mirror.requests.filter((q) => /^bytes=[1-9]\d*-$/.test(q.range ?? '') && q.status === 206).length).toBeGreaterThanOrEqual(1)
    expect(loadConversations(db, NO_ROBOTS_ID, 'test')).toEqual(CHAT_ROWS)
  })

  it('survives two imports of the same dataset at once', async () => {
    const [a, b] = await Promise.all([
      importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: mirror.url }),
      importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: mirror.url }),
    ])
    expect([a.splits[0].rows, b.splits[0].rows]).toEqual([CHAT_ROWS.length, CHAT_ROWS.length])
    expect(loadConversations(db, NO_ROBOTS_ID, 'test')).toEqual(CHAT_ROWS)
    expect(fs.readdirSync(path.join(dir, 'downloads', 'datasets'))).toEqual([])
  })

  it('cancels a running import and stores nothing', async () => {
    mirror.setFaults({ stallMs: 5000 })
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 150)
    const e = await failure(importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: mirror.url, signal: ac.signal }))
    expect(e.code).toBe('cancelled')
    expect(listDatasets(db)).toEqual([])
  })

  it('serves the cached copy when the files are unchanged or the endpoint is unreachable', async () => {
    const first = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { endpoint: mirror.url })
    const resolvesBefore = mirror.requests.filter((q) => q.url.includes('/resolve/')).length
    const again = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { endpoint: mirror.url })
    expect(again.fromCache).toBe(true)
    expect(mirror.requests.filter((q) => q.url.includes('/resolve/')).length).toBe(resolvesBefore)

    const offline = await unusedLocalUrl()
    await mirror.close()
    db.close()
    db = openDb(path.join(dir, 'studio.sqlite'))
    const cached = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: offline })
    expect(cached.fromCache).toBe(true)
    expect(cached.splits).toEqual([{ split: 'test', rows: CHAT_ROWS.length, rejected: 0 }])
    expect(cached.revision).toBe(first.revision)
    expect(loadConversations(db, NO_ROBOTS_ID, 'train')).toHaveLength(CHAT_ROWS.length)
    mirror = await startHubMirror({ qwen: false })
  })

  it('re-downloads when the upstream file changed', async () => {
    await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: mirror.url })
    mirror.setFile(NO_ROBOTS_ID, 'data/test-00000-of-00001.parquet', chatParquet(CHAT_ROWS.slice(0, 10)))
    const r = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: mirror.url })
    expect(r.fromCache).toBe(false)
    expect(r.splits[0].rows).toBe(10)
    expect(loadConversations(db, NO_ROBOTS_ID, 'test')).toHaveLength(10)
  })

  it('fails with hf-unreachable when the endpoint is down and nothing is cached', async () => {
    const e = await failure(importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { endpoint: await unusedLocalUrl() }))
    expect(e.code).toBe('hf-unreachable')
    expect(e.message).toMatch(/fetch failed|ECONNREFUSED/)
  })

  it('works with a mirror that lacks the repo-info API and recursive listings, and reports unknown repos', async () => {
    mirror.setFaults({ failRequests: { count: 1, status: 404, match: '/revision/' }, ignoreRecursive: true })
    const r = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: mirror.url })
    expect(r.revision).toBe('main')
    expect(r.splits[0].rows).toBe(CHAT_ROWS.length)
    expect(mirror.requests.some((q) => q.url.startsWith(`/api/datasets/${NO_ROBOTS_ID}/tree/main/data?`))).toBe(true)
    expect((await failure(importDataset(db, { kind: 'hub', repo: 'nobody/nothing' }, { endpoint: mirror.url }))).code).toBe('hf-not-found')
  })

  it('needs a token for gated data', async () => {
    await mirror.close()
    mirror = await startHubMirror({ noRobots: false, qwen: false, token: 'tok', repos: [{ ...noRobotsRepo(), gated: true }] })
    expect((await failure(importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { endpoint: mirror.url }))).code).toBe('hf-auth-required')
    process.env.HF_TOKEN = 'tok'
    try {
      const r = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: mirror.url })
      expect(r.splits[0].rows).toBe(CHAT_ROWS.length)
    } finally {
      delete process.env.HF_TOKEN
    }
  })

  it('falls back to the parquet API when the tree lists no data files', async () => {
    await mirror.close()
    mirror = await startHubMirror({ noRobots: false, qwen: false, repos: [{ ...noRobotsRepo(), parquetApiOnly: true }] })
    const r = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: mirror.url })
    expect(r.splits).toEqual([{ split: 'test', rows: CHAT_ROWS.length, rejected: 0 }])
    expect(mirror.requests.some((q) => q.url === `/api/datasets/${NO_ROBOTS_ID}/parquet`)).toBe(true)
  })

  it('refuses split, config and file names from a hostile mirror and writes nothing outside its folder', async () => {
    await mirror.close()
    const hostile = (reply: (honest: Record<string, Record<string, string[]>>) => unknown) =>
      startHubMirror({ noRobots: false, qwen: false, repos: [{ ...noRobotsRepo(), parquetApiOnly: true, parquetApiReply: reply }] })
    // Deep enough below the test folder that a path climbing out of the staging folder still lands in it.
    const home = path.join(dir, 'a', 'b', 'c')
    process.env.TUFT_STUDIO_HOME = home
    mirror = await hostile((h) => ({ default: { '../../../../x/owned': h.default.test } }))
    const e = await failure(importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { endpoint: mirror.url }))
    expect(e.code).toBe('hf-bad-reply')
    expect(e.message).toContain('../../../../x/owned')
    expect(fs.readdirSync(dir, { recursive: true }).filter((f) => /owned|\.parquet$/.test(String(f)))).toEqual([])
    expect(listDatasets(db)).toEqual([])
    await mirror.close()

    mirror = await hostile((h) => ({ '../cfg': h.default }))
    expect((await failure(importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { endpoint: mirror.url }))).code).toBe('hf-bad-reply')
    await mirror.close()
    mirror = await hostile(() => ({ default: { test: ['file:///etc/passwd'] } }))
    expect((await failure(importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { endpoint: mirror.url }))).code).toBe('hf-bad-reply')
    await mirror.close()
    mirror = await hostile((h) => JSON.parse(`{"default": {"__proto__": ${JSON.stringify(h.default.test)}}}`))
    expect((await failure(importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID }, { endpoint: mirror.url }))).code).toBe('hf-bad-reply')
    await mirror.close()

    // A tree listing whose paths climb out of the repository is refused too.
    mirror = await startHubMirror({ noRobots: false, qwen: false, repos: [{ type: 'dataset', id: 'me/evil', files: { 'data/../../../escape.jsonl': Buffer.from('{}\n') } }] })
    expect((await failure(importDataset(db, { kind: 'hub', repo: 'me/evil' }, { endpoint: mirror.url }))).code).toBe('hf-bad-reply')
    expect(fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.jsonl'))).toEqual([])
  })

  it('sends the hub token only to the endpoint, not to another host the parquet API points at', async () => {
    await mirror.close()
    const other = await startHubMirror({ noRobots: true, qwen: false })
    mirror = await startHubMirror({
      noRobots: false,
      qwen: false,
      token: 'tok',
      repos: [{ ...noRobotsRepo(), parquetApiOnly: true, parquetApiReply: (h) => ({ default: { test: h.default.test.map((u) => u.replace(mirror.url, other.url)) } }) }],
    })
    try {
      const r = await importDataset(db, { kind: 'hub', repo: NO_ROBOTS_ID, split: 'test' }, { endpoint: mirror.url, token: 'tok' })
      expect(r.splits[0].rows).toBe(CHAT_ROWS.length)
      expect(mirror.requests.some((q) => q.auth === 'Bearer tok')).toBe(true)
      expect(other.requests.length).toBeGreaterThan(0)
      expect(other.requests.filter((q) => q.auth !== undefined)).toEqual([])
    } finally {
      await other.close()
    }
  })

  it('reads a hub dataset in ShareGPT JSON Lines', async () => {
    await mirror.close()
    const rows = [
      { conversations: [{ from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello!' }] },
      { conversations: [{ from: 'human', value: 'Bye' }] },
    ]
    mirror = await startHubMirror({ noRobots: false, qwen: false, repos: [{ type: 'dataset', id: 'me/sg', files: { 'train.jsonl': Buffer.from(jsonl(rows)) } }] })
    const r = await importDataset(db, { kind: 'hub', repo: 'me/sg' }, { endpoint: mirror.url })
    expect(r.format).toBe('sharegpt')
    expect(r.splits).toEqual([{ split: 'train', rows: 1, rejected: 1 }])
    expect(reasons(r)).toEqual({ 'no-assistant-turn': 1 })
  })
})

describe('local files', () => {
  it.skipIf(!hasNoRobots)('reads the no_robots JSON Lines and its upstream .json copy that is really JSON Lines', async () => {
    const a = await importDataset(db, { kind: 'file', path: NO_ROBOTS_JSONL }, {})
    expect(a).toMatchObject({ name: 'test', format: 'messages', fromCache: false, splits: [{ split: 'test', rows: 500, rejected: 0 }] })
    expect(a.etag).toMatch(/^[0-9a-f]{64}$/)
    const b = await importDataset(db, { kind: 'file', path: NO_ROBOTS_JSON_COPY, split: 'test' }, {})
    expect(b.splits).toEqual([{ split: 'test', rows: 500, rejected: 0 }])
    const convs = loadConversations(db, 'test_dataset', 'test')
    expect(convs.filter((c) => c.messages[0].role === 'system')).toHaveLength(500)
    expect(convs[1].messages.slice(1)).toEqual(readChatRows(NO_ROBOTS_JSONL)[1].messages)
  })

  it('reads a folder laid out like a hub snapshot, split by file name', async () => {
    const snap = path.join(dir, 'snapshot')
    fs.mkdirSync(path.join(snap, 'data'), { recursive: true })
    const rows = Array.from({ length: 160 }, (_, i) => CHAT_ROWS[i % CHAT_ROWS.length])
    fs.writeFileSync(path.join(snap, 'data', 'train-00000-of-00002.parquet'), chatParquet(rows.slice(0, 100)))
    fs.writeFileSync(path.join(snap, 'data', 'train-00001-of-00002.parquet'), chatParquet(rows.slice(100, 150)))
    fs.writeFileSync(path.join(snap, 'data', 'test-00000-of-00001.parquet'), chatParquet(rows.slice(150, 160)))
    fs.writeFileSync(path.join(snap, 'README.md'), '# card')
    const r = await importDataset(db, { kind: 'folder', path: snap }, {})
    expect(r.splits).toEqual([
      { split: 'train', rows: 150, rejected: 0 },
      { split: 'test', rows: 10, rejected: 0 },
    ])
    expect(loadConversations(db, 'snapshot', 'train')).toEqual(rows.slice(0, 150))
    expect(pageConversations(db, 'snapshot', 'train', 100, 1).rows[0].sourceRow).toBe(101)
    expect((await failure(importDataset(db, { kind: 'folder', path: snap, split: 'dev' }, {}))).code).toBe('not-found')
  })

  it('refuses a folder, a pipe or a device given as a file, with dataset-not-a-file', async () => {
    const snap = path.join(dir, 'folder.jsonl')
    fs.mkdirSync(snap)
    fs.writeFileSync(path.join(snap, 'train.jsonl'), jsonl([{ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }]))
    expect((await failure(importDataset(db, { kind: 'file', path: snap }, {}))).code).toBe('dataset-not-a-file')
    const fifo = path.join(dir, 'pipe.jsonl')
    execFileSync('mkfifo', [fifo])
    expect((await failure(importDataset(db, { kind: 'file', path: fifo }, {}))).code).toBe('dataset-not-a-file')
    expect((await failure(importDataset(db, { kind: 'file', path: '/dev/zero' }, {}))).code).toBe('dataset-not-a-file')
    expect(listDatasets(db)).toEqual([])
  })

  it('reads a JSON array and a {"data": [...]} wrapper', async () => {
    const rows = CHAT_ROWS.slice(0, 20)
    const a = await importDataset(db, { kind: 'file', path: write('arr.json', JSON.stringify(rows, null, 2)) }, {})
    expect(a.splits[0].rows).toBe(20)
    const misnamed = await importDataset(db, { kind: 'file', path: write('misnamed.jsonl', JSON.stringify(rows, null, 2)) }, {})
    expect(misnamed.splits[0].rows).toBe(20)
    const b = await importDataset(db, { kind: 'file', path: write('wrapped.json', JSON.stringify({ version: 1, data: rows })) }, {})
    expect(b.splits[0].rows).toBe(20)
    expect(loadConversations(db, 'wrapped', 'train')).toEqual(rows)
  })

  it('reads ZSTD-compressed, dictionary-encoded parquet with nested list<struct<content, role>>', async () => {
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(ZSTD_FIXTURE))
    const chunks = meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data))
    expect(meta.row_groups.length).toBeGreaterThan(1)
    expect(chunks.every((c) => c?.codec === 'ZSTD')).toBe(true)
    expect(chunks.find((c) => c?.path_in_schema.join('.') === 'messages.list.element.role')?.encodings).toContain('RLE_DICTIONARY')
    const r = await importDataset(db, { kind: 'file', path: ZSTD_FIXTURE }, { name: 'zstd' })
    expect(r.splits[0]).toEqual({ split: 'train', rows: 240, rejected: 0 })
    expect(loadConversations(db, 'zstd', 'train')).toEqual(syntheticRows(240))
  })

  it.runIf(zstdAvailable())('the committed ZSTD fixture is what the generator writes', () => {
    expect(syntheticZstdParquet().equals(fs.readFileSync(ZSTD_FIXTURE))).toBe(true)
  })

  it('reads GZIP and snappy parquet', async () => {
    const rows = syntheticRows(30)
    const gz = write('gz.parquet', chatParquet(rows, { codec: 'GZIP', compressors: { GZIP: (b) => zlib.gzipSync(b) } }))
    const sn = write('sn.parquet', chatParquet(rows, { dictionary: true, rowGroupSize: 7 }))
    await importDataset(db, { kind: 'file', path: gz }, {})
    await importDataset(db, { kind: 'file', path: sn }, {})
    expect(loadConversations(db, 'gz', 'train')).toEqual(rows)
    expect(loadConversations(db, 'sn', 'train')).toEqual(rows)
  })
})

describe('formats and mapping', () => {
  it('converts ShareGPT (human/gpt/system, row-level system prompt)', async () => {
    const p = write(
      'sg.jsonl',
      jsonl([
        { system: 'Be kind.', conversations: [{ from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello!' }] },
        { conversations: [{ from: 'system', value: 'S' }, { from: 'human', value: 'Q1' }, { from: 'gpt', value: 'A1' }, { from: 'human', value: 'Q2' }, { from: 'gpt', value: 'A2' }] },
        { conversations: [{ from: 'narrator', value: 'x' }, { from: 'gpt', value: 'y' }] },
      ]),
    )
    const r = await importDataset(db, { kind: 'file', path: p }, {})
    expect(r.format).toBe('sharegpt')
    expect(reasons(r)).toEqual({ 'unknown-role': 1 })
    expect(loadConversations(db, 'sg', 'train')).toEqual([
      { messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }] },
      {
        messages: [
          { role: 'system', content: 'S' },
          { role: 'user', content: 'Q1' },
          { role: 'assistant', content: 'A1' },
          { role: 'user', content: 'Q2' },
          { role: 'assistant', content: 'A2' },
        ],
      },
    ])
  })

  it('converts Alpaca (instruction + optional input → user, output → assistant)', async () => {
    const p = write(
      'alp.json',
      JSON.stringify([
        { instruction: 'Translate to French.', input: 'Good morning', output: 'Bonjour' },
        { instruction: 'Name a colour.', input: '', output: 'Blue' },
        { instruction: 'No answer', input: '' },
        { instruction: 'Empty answer', output: '  ' },
      ]),
    )
    const r = await importDataset(db, { kind: 'file', path: p }, { format: 'alpaca' })
    expect(r.format).toBe('alpaca')
    expect(reasons(r)).toEqual({ 'missing-fields': 1, 'empty-content': 1 })
    expect(loadConversations(db, 'alp', 'train')).toEqual([
      { messages: [{ role: 'user', content: 'Translate to French.\n\nGood morning' }, { role: 'assistant', content: 'Bonjour' }] },
      { messages: [{ role: 'user', content: 'Name a colour.' }, { role: 'assistant', content: 'Blue' }] },
    ])
  })

  it('auto-detects each format, and an explicit format overrides detection', async () => {
    const alp = write('a.jsonl', jsonl([{ instruction: 'I', output: 'O' }]))
    expect((await importDataset(db, { kind: 'file', path: alp }, {})).format).toBe('alpaca')
    const msgs = write('m.jsonl', jsonl([{ messages: [{ role: 'user', content: 'u' }, { role: 'assistant', content: 'a' }] }]))
    const forced = await failure(importDataset(db, { kind: 'file', path: msgs }, { format: 'sharegpt' }))
    expect(forced.code).toBe('dataset-no-usable-rows')
    expect((forced.details?.rejections as { reason: string }[])[0].reason).toBe('missing-messages')
    const unknown = await failure(importDataset(db, { kind: 'file', path: write('u.jsonl', jsonl([{ question: 'q', answer: 'a' }])) }, {}))
    expect(unknown.code).toBe('dataset-format-unknown')
    expect(unknown.message).toContain('question')
  })

  it('applies a column/role mapping (structured or flat form)', async () => {
    const rows = [{ dialog: [{ speaker: 'user', text: 'Hi' }, { speaker: 'bot', text: 'Hey' }] }, { dialog: [{ speaker: 'user', text: 'Yo' }, { speaker: 'robot', text: 'x' }] }]
    const p = write('mapped.jsonl', jsonl(rows))
    const r = await importDataset(db, { kind: 'file', path: p }, { mapping: { messagesField: 'dialog', roleField: 'speaker', contentField: 'text', roles: { bot: 'assistant' } } })
    expect(r.splits[0]).toEqual({ split: 'train', rows: 1, rejected: 1 })
    expect(reasons(r)).toEqual({ 'unknown-role': 1 })
    expect(r.rejections[0].examples[0].detail).toContain('robot')
    expect(loadConversations(db, 'mapped', 'train')).toEqual([{ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hey' }] }])
    const flat = await importDataset(db, { kind: 'file', path: p }, { name: 'flat', mapping: { messagesField: 'dialog', roleField: 'speaker', contentField: 'text', 'roles.bot': 'assistant', 'roles.robot': 'assistant' } })
    expect(flat.splits[0].rows).toBe(2)
    expect((await failure(importDataset(db, { kind: 'file', path: p }, { mapping: { 'roles.bot': 'wizard' } }))).code).toBe('invalid-input')
  })
})

describe('prototype names in data', () => {
  it('rejects roles named like built-in object properties as unknown roles', async () => {
    const good = { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }
    const withRole = (role: string) => `{"messages": [{"role": ${JSON.stringify(role)}, "content": "x"}, {"role": "assistant", "content": "a"}]}`
    const lines = [JSON.stringify(good), ...['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'].map(withRole)]
    const r = await importDataset(db, { kind: 'file', path: write('proto.jsonl', lines.join('\n')) }, {})
    expect(r.splits[0]).toEqual({ split: 'train', rows: 1, rejected: 6 })
    expect(reasons(r)).toEqual({ 'unknown-role': 6 })
    expect(loadConversations(db, 'proto', 'train')).toEqual([good])
    // ShareGPT's "from" goes through the same look-up.
    const sg = write('proto-sg.jsonl', `{"conversations": [{"from": "constructor", "value": "x"}, {"from": "gpt", "value": "a"}]}\n{"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]}\n`)
    expect(reasons(await importDataset(db, { kind: 'file', path: sg }, {}))).toEqual({ 'unknown-role': 1 })
  })

  it('never takes an inherited property for a field, and ignores prototype names in a role mapping', async () => {
    const p = write('fields.jsonl', jsonl([{ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }]))
    // No row has its own "constructor" or "toString" field, whatever every object inherits.
    const byMapping = await failure(importDataset(db, { kind: 'file', path: p }, { name: 'm1', format: 'messages', mapping: { messagesField: 'constructor' } }))
    expect(byMapping.code).toBe('dataset-no-usable-rows')
    expect(reasons({ rejections: byMapping.details?.rejections } as ImportReport)).toEqual({ 'missing-messages': 1 })
    const byRoleField = await failure(importDataset(db, { kind: 'file', path: p }, { name: 'm2', mapping: { roleField: 'toString' } }))
    expect(reasons({ rejections: byRoleField.details?.rejections } as ImportReport)).toEqual({ 'missing-role': 1 })
    const alpaca = write('alp.jsonl', jsonl([{ question: 'q', answer: 'a' }]))
    const byAlpaca = await failure(importDataset(db, { kind: 'file', path: alpaca }, { format: 'alpaca', mapping: { instructionField: 'constructor', outputField: 'valueOf' } }))
    expect(reasons({ rejections: byAlpaca.details?.rejections } as ImportReport)).toEqual({ 'missing-fields': 1 })

    const bot = write('bot.jsonl', '{"messages": [{"role": "user", "content": "q"}, {"role": "__proto__", "content": "a"}]}\n')
    const mapped = await failure(importDataset(db, { kind: 'file', path: bot }, { mapping: JSON.parse('{"roles": {"__proto__": "assistant"}}') as Record<string, string> }))
    expect(reasons({ rejections: mapped.details?.rejections } as ImportReport)).toEqual({ 'unknown-role': 1 })
    expect(listDatasets(db)).toEqual([])
  })
})

describe('bad input never crashes the import', () => {
  it('rejects each bad row with its reason and keeps the good ones', async () => {
    const good = { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }
    const lines = [
      '\uFEFF' + JSON.stringify(good),
      '{"messages": [{"role": "user", "content": "unterminated',
      '[1, 2, 3]',
      '42',
      JSON.stringify({ text: 'no messages here' }),
      JSON.stringify({ messages: 'user: hi' }),
      JSON.stringify({ messages: [{ role: 'user', content: '   ' }, { role: 'assistant', content: 'a' }] }),
      JSON.stringify({ messages: [{ role: 'user', content: 7 }, { role: 'assistant', content: 'a' }] }),
      JSON.stringify({ messages: [{ role: 'user', content: { text: 'x' } }, { role: 'assistant', content: 'a' }] }),
      JSON.stringify({ messages: [{ role: 'wizard', content: 'x' }, { role: 'assistant', content: 'a' }] }),
      JSON.stringify({ messages: [{ role: 'user', content: 'only a question' }] }),
      JSON.stringify({ messages: [] }),
      JSON.stringify({ messages: ['hi'] }),
      JSON.stringify({ messages: [{ content: 'no role' }, { role: 'assistant', content: 'a' }] }),
      JSON.stringify({ messages: [{ role: 'user' }, { role: 'assistant', content: 'a' }] }),
      '',
      JSON.stringify({ messages: [{ role: 'system', content: '' }, ...good.messages] }),
      '{"messages": [}',
    ]
    const r = await importDataset(db, { kind: 'file', path: write('bad.jsonl', lines.join('\r\n')) }, {})
    expect(r.splits[0]).toEqual({ split: 'train', rows: 2, rejected: 15 })
    expect(reasons(r)).toEqual({
      'not-json': 2,
      'not-an-object': 2,
      'missing-messages': 1,
      'messages-not-a-list': 1,
      'empty-content': 1,
      'non-string-content': 2,
      'unknown-role': 1,
      'no-assistant-turn': 1,
      'empty-conversation': 1,
      'message-not-an-object': 1,
      'missing-role': 1,
      'missing-content': 1,
    })
    const notJson = r.rejections.find((g) => g.reason === 'not-json')
    expect(notJson?.examples[0]).toMatchObject({ split: 'train', row: 2 })
    expect(notJson?.examples[0].excerpt).toContain('unterminated')
    expect(r.rejections.find((g) => g.reason === 'unknown-role')?.examples[0]).toMatchObject({ row: 10 })
    // The empty system prompt is dropped, the row kept.
    expect(loadConversations(db, 'bad', 'train')).toEqual([good, good])
    expect(getDataset(db, 'bad')?.rejections.map((g) => g.reason)).toContain('not-json')
  })

  it('keeps odd but usable rows with warnings apart from rejections, numbered like the preview', async () => {
    const u = (content: string) => ({ role: 'user', content })
    const a = (content: string) => ({ role: 'assistant', content })
    const lines = [
      { messages: [u('q'), a('a')] },
      { conversations: [{ from: 'gpt', value: 'Sure, here it is.' }, { from: 'human', value: 'thanks' }, { from: 'gpt', value: 'welcome' }] },
      { messages: [u('q1'), u('q2'), a('a')] },
      'not json',
      { messages: [{ role: 'system', content: 's' }, u('q'), a('a1'), a('a2'), u('and?')] },
      // A tool result between two assistant turns is how tool calls look: nothing to warn about.
      { messages: [u('q'), a('call'), { role: 'tool', content: '42' }, a('it is 42')] },
    ].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)))
    const r = await importDataset(db, { kind: 'file', path: write('odd.jsonl', lines.join('\n')) }, { format: 'messages' })
    // ShareGPT's field is missing under the messages format: a rejection, not a warning.
    expect(reasons(r)).toEqual({ 'not-json': 1, 'missing-messages': 1 })
    expect(r.splits[0]).toEqual({ split: 'train', rows: 4, rejected: 2 })
    expect(Object.fromEntries(r.warnings.map((g) => [g.reason, g.count]))).toEqual({
      'consecutive-user-turns': 1,
      'consecutive-assistant-turns': 1,
      'ends-with-user-turn': 1,
    })
    expect(r.warnings.find((g) => g.reason === 'consecutive-user-turns')?.examples[0]).toMatchObject({ row: 3, detail: 'turns 1 and 2 are both user' })
    expect(r.warnings.find((g) => g.reason === 'ends-with-user-turn')?.examples[0]).toMatchObject({ row: 5, excerpt: 'user: and?' })
    expect(r.warnings.find((g) => g.reason === 'consecutive-user-turns')?.examples[0].excerpt).toBe('user: q1 · user: q2')

    const sg = await importDataset(db, { kind: 'file', path: write('sg.jsonl', lines[1] + '\n') }, {})
    expect(sg.format).toBe('sharegpt')
    expect(sg.warnings).toEqual([expect.objectContaining({ reason: 'starts-with-assistant', count: 1 })])

    // Stored apart and read back apart; the preview's source rows are the numbers the report uses.
    const stored = getDataset(db, 'odd')
    expect(stored?.rejections.map((g) => g.reason).sort()).toEqual(['missing-messages', 'not-json'])
    expect(stored?.warnings.map((g) => g.reason).sort()).toEqual(['consecutive-assistant-turns', 'consecutive-user-turns', 'ends-with-user-turn'])
    expect(pageConversations(db, 'odd', 'train', 0, 10).rows.map((row) => row.sourceRow)).toEqual([1, 3, 5, 6])
  })

  it('reports an empty file clearly, and a file of only bad rows with the report', async () => {
    const empty = await failure(importDataset(db, { kind: 'file', path: write('empty.jsonl', '') }, {}))
    expect(empty.code).toBe('dataset-file-unreadable')
    expect(empty.message).toContain('empty')
    const blank = await failure(importDataset(db, { kind: 'file', path: write('blank.jsonl', '\n\n  \n') }, {}))
    expect(blank.code).toBe('dataset-no-usable-rows')
    const bad = await failure(importDataset(db, { kind: 'file', path: write('allbad.jsonl', 'nope\n{"messages": 3}\n') }, {}))
    expect(bad.code).toBe('dataset-no-usable-rows')
    expect(bad.message).toMatch(/not-json ×1.*messages-not-a-list ×1|messages-not-a-list ×1.*not-json ×1/)
    expect(bad.details?.rejections).toHaveLength(2)
    expect((await failure(importDataset(db, { kind: 'file', path: path.join(dir, 'missing.jsonl') }, {}))).code).toBe('dataset-file-unreadable')
    expect((await failure(importDataset(db, { kind: 'file', path: write('broken.json', '[{"messages": [') }, {}))).code).toBe('dataset-file-unreadable')
    expect(listDatasets(db)).toEqual([])
  })

  it('rejects a huge row without reading it into memory and keeps its neighbours', async () => {
    const good = JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] })
    const bigButFine = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(1_000_000) }, { role: 'assistant', content: 'ok' }] })
    const p = path.join(dir, 'huge.jsonl')
    const fd = fs.openSync(p, 'w')
    fs.writeSync(fd, good + '\n' + bigButFine + '\n{"messages":[{"role":"user","content":"')
    const block = Buffer.alloc(1 << 20, 'y')
    for (let i = 0; i < 20; i++) fs.writeSync(fd, block)
    fs.writeSync(fd, '"}]}\n' + good + '\n')
    fs.closeSync(fd)
    const r = await importDataset(db, { kind: 'file', path: p }, {})
    expect(r.splits[0]).toEqual({ split: 'train', rows: 3, rejected: 1 })
    expect(r.rejections[0]).toMatchObject({ reason: 'row-too-large', count: 1 })
    expect(r.rejections[0].examples[0].row).toBe(3)
    expect(r.rejections[0].examples[0].excerpt.length).toBeLessThan(200)
  })

  it('rejects a conversation longer than the character budget, which no context could hold, and keeps the rest', async () => {
    const good = { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }
    const half = 'w'.repeat(MAX_CONVERSATION_CHARS / 2)
    const atBudget = { messages: [{ role: 'user', content: half }, { role: 'assistant', content: half }] }
    const over = { messages: [{ role: 'user', content: half }, { role: 'assistant', content: `${half}!` }] }
    const r = await importDataset(db, { kind: 'file', path: write('long.jsonl', jsonl([good, over, atBudget])) }, {})
    expect(r.splits[0]).toEqual({ split: 'train', rows: 2, rejected: 1 })
    expect(r.rejections[0]).toMatchObject({ reason: 'conversation-too-long', count: 1 })
    expect(r.rejections[0].examples[0]).toMatchObject({ row: 2, detail: expect.stringContaining(`${(MAX_CONVERSATION_CHARS + 1).toLocaleString('en-US')} characters`) })
    expect(loadConversations(db, 'long', 'train').map((c) => c.messages[1].content.length)).toEqual([1, MAX_CONVERSATION_CHARS / 2])
  })

  it('reports a truncated parquet file as parquet-corrupt', async () => {
    const whole = chatParquet(CHAT_ROWS.slice(0, 50))
    const e = await failure(importDataset(db, { kind: 'file', path: write('cut.parquet', whole.subarray(0, Math.floor(whole.length / 2))) }, {}))
    expect(e.code).toBe('parquet-corrupt')
    const notParquet = await failure(importDataset(db, { kind: 'file', path: write('fake.parquet', 'this is not parquet at all') }, {}))
    expect(notParquet.code).toBe('parquet-corrupt')
  })
})

describe('the SQLite cache', () => {
  it('reopens 10,000 conversations in dataset order, pages them and deletes them', async () => {
    const base = CHAT_ROWS
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ messages: [...base[i % base.length].messages, { role: 'user', content: `n${i}` }, { role: 'assistant', content: `a${i}` }] }))
    const p = write('big.jsonl', jsonl(rows))
    await importDataset(db, { kind: 'file', path: p }, { name: 'big' })
    db.close()
    db = openDb(path.join(dir, 'studio.sqlite'))
    const loaded = loadConversations(db, 'big', 'train')
    expect(loaded).toHaveLength(10_000)
    expect(loaded).toEqual(rows)
    const page = pageConversations(db, 'big', 'train', 9_998, 5)
    expect(page.total).toBe(10_000)
    expect(page.rows.map((r) => r.index)).toEqual([9_998, 9_999])
    expect(page.rows[1].messages).toEqual(rows[9_999].messages)
    expect(page.rows[1].sourceRow).toBe(10_000)
    expect(getDataset(db, 'big')?.splits[0].contentHash).toMatch(/^[0-9a-f]{64}$/)
    expect(await deleteDataset(db, 'big')).toBe(true)
    expect(await deleteDataset(db, 'big')).toBe(false)
    expect(db.prepare('SELECT COUNT(*) AS n FROM dataset_rows').get()).toEqual({ n: 0 })
  })

  it('replaces a re-imported file, refuses a name clash, and reports missing datasets', async () => {
    const p = write('re.jsonl', jsonl([{ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }]))
    await importDataset(db, { kind: 'file', path: p }, {})
    const hash1 = getDataset(db, 're')?.splits[0].contentHash
    fs.appendFileSync(p, jsonl([{ messages: [{ role: 'user', content: 'q2' }, { role: 'assistant', content: 'a2' }] }]))
    await importDataset(db, { kind: 'file', path: p }, {})
    expect(loadConversations(db, 're', 'train')).toHaveLength(2)
    expect(getDataset(db, 're')?.splits[0].contentHash).not.toBe(hash1)
    const other = write('other.jsonl', fs.readFileSync(p))
    expect((await failure(importDataset(db, { kind: 'file', path: other }, { name: 're' }))).code).toBe('invalid-input')
    expect(() => loadConversations(db, 'nope', 'train')).toThrow(expect.objectContaining({ code: 'dataset-not-cached' }))
    expect(() => loadConversations(db, 're', 'test')).toThrow(expect.objectContaining({ code: 'not-found' }))
    expect(listDatasets(db).map((d) => d.name)).toEqual(['re'])
  })
})
