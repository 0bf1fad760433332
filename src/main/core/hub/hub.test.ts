import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { studioCodeOf } from '../../../../tests/helpers/rejection'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { StudioError } from '../../../shared/result'
import { NO_ROBOTS_ID, QWEN_ID, noRobotsRepo, startHubMirror, unusedLocalUrl, type HubMirror } from '../../../../tests/helpers/hub-mirror'
import { downloadHubFile, findDatasetSplits, resolveHubEndpoint, splitOfPath, splitsFromTree, toHubError } from '.'

const TEST_FILE = 'data/test-00000-of-00001.parquet'


describe('resolveHubEndpoint', () => {
  it('prefers the explicit setting, then HF_ENDPOINT, then huggingface.co', () => {
    expect(resolveHubEndpoint('http://mirror.local/', { HF_ENDPOINT: 'https://hf-mirror.com' })).toBe('http://mirror.local')
    expect(resolveHubEndpoint(undefined, { HF_ENDPOINT: 'https://hf-mirror.com/' })).toBe('https://hf-mirror.com')
    expect(resolveHubEndpoint(undefined, {})).toBe('https://huggingface.co')
    expect(() => resolveHubEndpoint('ftp://x', {})).toThrow(/http/)
  })
})

describe('split discovery from file names', () => {
  it('follows the hub naming conventions', () => {
    expect(splitOfPath('data/test-00000-of-00001.parquet')).toBe('test')
    expect(splitOfPath('data/train-00003-of-00010-5f4d1c2a.parquet')).toBe('train')
    expect(splitOfPath('default/partial-train/0000.parquet')).toBe('train')
    expect(splitOfPath('default/validation/0001.parquet')).toBe('validation')
    expect(splitOfPath('validation.jsonl')).toBe('validation')
    expect(splitOfPath('train/part_a.jsonl')).toBe('train')
    expect(splitOfPath('data/train_0.jsonl')).toBe('train')
  })

  it('reduces names derived from file names to valid split names', () => {
    expect(splitOfPath('data/My Data.jsonl')).toBe('My_Data')
    expect(splitOfPath('data/..-00000-of-00001.parquet')).toBe('train')
    expect(splitOfPath('.../x.jsonl')).toBe('x')
    expect(splitOfPath('data/\x1b[31mred.jsonl')).toBe('_31mred')
  })

  it('prefers data/ and parquet, orders train before test', () => {
    const s = splitsFromTree([
      { path: 'README.md', size: 1 },
      { path: 'data/test-00000-of-00001.parquet', size: 1 },
      { path: 'data/train-00001-of-00002.parquet', size: 1 },
      { path: 'data/train-00000-of-00002.parquet', size: 1 },
      { path: 'data/train.jsonl', size: 1 },
      { path: 'other/train-00000-of-00001.parquet', size: 1 },
    ])
    expect(s.map((x) => x.split)).toEqual(['train', 'test'])
    expect(s[0].files.map((f) => f.path)).toEqual(['data/train-00000-of-00002.parquet', 'data/train-00001-of-00002.parquet'])
  })
})

describe('hub downloads through a local mirror', () => {
  let mirror: HubMirror
  let dir: string
  let expected: Buffer
  const prevHome = process.env.TUFT_STUDIO_HOME

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'))
    process.env.TUFT_STUDIO_HOME = dir
    mirror = await startHubMirror({ qwen: false })
    const file = noRobotsRepo().files[TEST_FILE]
    expected = typeof file === 'function' ? file() : file
  })
  afterEach(async () => {
    await mirror.close()
    fs.rmSync(dir, { recursive: true, force: true })
    if (prevHome === undefined) delete process.env.TUFT_STUDIO_HOME
    else process.env.TUFT_STUDIO_HOME = prevHome
  })

  const get = (extra: Partial<Parameters<typeof downloadHubFile>[0]> = {}) =>
    downloadHubFile({
      repoType: 'dataset',
      repo: NO_ROBOTS_ID,
      path: TEST_FILE,
      endpoint: mirror.url,
      dest: path.join(dir, 'out', 'test.parquet'),
      ...extra,
    })

  it('downloads with progress, ETag and the served commit', async () => {
    const seen: number[] = []
    const got = await get({ onProgress: (p) => seen.push(p.current) })
    expect(fs.readFileSync(got.file).equals(expected)).toBe(true)
    expect(got.size).toBe(expected.length)
    expect(got.etag).toContain(createHash('sha256').update(expected).digest('hex'))
    expect(got.revision).toMatch(/^[0-9a-f]{40}$/)
    expect(seen.at(-1)).toBe(expected.length)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
    expect(mirror.requests.some((r) => r.url.startsWith(`/datasets/${NO_ROBOTS_ID}/resolve/main/`))).toBe(true)
  })

  it('downloads model files without the /datasets prefix', async () => {
    await mirror.close()
    mirror = await startHubMirror({ noRobots: false })
    const got = await downloadHubFile({
      repoType: 'model',
      repo: QWEN_ID,
      path: 'tokenizer_config.json',
      endpoint: mirror.url,
      dest: path.join(dir, 'tc.json'),
    })
    expect(JSON.parse(fs.readFileSync(got.file, 'utf8')).eos_token).toBe('<|im_end|>')
    expect(mirror.requests.some((r) => r.url === `/${QWEN_ID}/resolve/main/tokenizer_config.json`)).toBe(true)
  })

  it('resumes with Range after a dropped connection', async () => {
    mirror.setFaults({ dropMidFile: { times: 1, afterBytes: 5000 } })
    const got = await get()
    expect(fs.readFileSync(got.file).equals(expected)).toBe(true)
    // Two body requests: the dropped one and its resume. Under load the client may not have taken
    // every byte sent before the socket died, so the resume point is at most the cut.
    const bodies = mirror.requests.filter((r) => r.url.includes('/resolve/') && r.range !== 'bytes=0-0')
    expect(bodies).toHaveLength(2)
    expect(bodies[1].range).toMatch(/^bytes=[1-9]\d*-$/)
    expect(bodies[1].status).toBe(206)
    expect(Number(/\d+/.exec(bodies[1].range as string)?.[0])).toBeLessThanOrEqual(5000)
  })

  it('keeps the partial file when retries run out and resumes on the next call', async () => {
    mirror.setFaults({ dropMidFile: { times: 1, afterBytes: 7000 } })
    const err = await get({ retries: 0 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StudioError)
    expect((err as StudioError).code).toBe('download-interrupted')
    const parts = fs.readdirSync(path.join(dir, 'downloads')).filter((f) => f.endsWith('.part'))
    expect(parts).toHaveLength(1)
    const kept = fs.statSync(path.join(dir, 'downloads', parts[0])).size
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThanOrEqual(7000)
    const got = await get()
    expect(got.resumedFrom).toBe(kept)
    expect(mirror.requests.at(-1)?.range).toBe(`bytes=${kept}-`)
    expect(fs.readFileSync(got.file).equals(expected)).toBe(true)
    expect(fs.readdirSync(path.join(dir, 'downloads'))).toEqual([])
  })

  it('re-fetches the whole file when a resumed file does not match its sha256 ETag', async () => {
    mirror.setFaults({ dropMidFile: { times: 1, afterBytes: 6000 } })
    await expect(get({ retries: 0 })).rejects.toThrow(/kept/)
    const part = fs.readdirSync(path.join(dir, 'downloads')).find((f) => f.endsWith('.part')) as string
    const bytes = fs.readFileSync(path.join(dir, 'downloads', part))
    bytes[100] ^= 0xff
    fs.writeFileSync(path.join(dir, 'downloads', part), bytes)
    const got = await get()
    expect(got.resumedFrom).toBe(bytes.length)
    expect(fs.readFileSync(got.file).equals(expected)).toBe(true)
    const bodies = mirror.requests.filter((r) => r.url.includes('/resolve/') && r.range !== 'bytes=0-0').map((r) => r.range ?? 'whole')
    expect(bodies).toEqual(['whole', `bytes=${bytes.length}-`, 'whole'])
  })

  it('restarts cleanly when the server ignores Range', async () => {
    mirror.setFaults({ dropMidFile: { times: 1, afterBytes: 3000 }, ignoreRange: true })
    const got = await get()
    expect(fs.readFileSync(got.file).equals(expected)).toBe(true)
  })

  it('restarts from zero when the file changed upstream (new ETag)', async () => {
    mirror.setFaults({ dropMidFile: { times: 1, afterBytes: 3000 } })
    await expect(get({ retries: 0 })).rejects.toThrow(/kept/)
    const changed = Buffer.concat([expected, Buffer.from('changed')])
    mirror.setFile(NO_ROBOTS_ID, TEST_FILE, changed)
    const got = await get()
    expect(got.resumedFrom).toBe(0)
    expect(fs.readFileSync(got.file).equals(changed)).toBe(true)
  })

  it('runs two simultaneous downloads of one file one after the other', async () => {
    const [a, b] = await Promise.all([get(), get({ dest: path.join(dir, 'out', 'again.parquet') })])
    expect(fs.readFileSync(a.file).equals(expected)).toBe(true)
    expect(fs.readFileSync(b.file).equals(expected)).toBe(true)
  })

  it('lets a local disk error (disk full) through with its own code instead of calling it a network error', async () => {
    const realOpen = fs.promises.open.bind(fs.promises)
    const spy = vi.spyOn(fs.promises, 'open').mockImplementation(async (...args: Parameters<typeof fs.promises.open>) => {
      const fh = await realOpen(...args)
      fh.write = (() => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))) as typeof fh.write
      return fh
    })
    try {
      const err = await get().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toMatchObject({ code: 'ENOSPC' })
      expect(err).not.toBeInstanceOf(StudioError)
    } finally {
      spy.mockRestore()
    }
  })

  it('cancels with an AbortSignal', async () => {
    mirror.setFaults({ stallMs: 5000 })
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    expect(await studioCodeOf(get({ signal: ac.signal }))).toBe('cancelled')
  })

  it('times out a stalled endpoint', async () => {
    mirror.setFaults({ stallMs: 3000 })
    expect(await studioCodeOf(get({ idleTimeoutMs: 300, retries: 0 }))).toBe('hf-timeout')
  })

  it('maps missing files, gated repos and refused connections to their codes', async () => {
    expect(await studioCodeOf(get({ path: 'data/nope.parquet' }))).toBe('hf-not-found')
    expect(await studioCodeOf(get({ repo: 'nobody/nothing' }))).toBe('hf-not-found')
    expect(await studioCodeOf(get({ endpoint: await unusedLocalUrl() }))).toBe('hf-unreachable')
    mirror.setFaults({ failRequests: { count: 1, status: 503 } })
    expect(await studioCodeOf(get())).toBe('hf-unreachable')
    mirror.setFaults({ refuse: true })
    expect(await studioCodeOf(get())).toBe('hf-unreachable')
    mirror.setFaults({})

    await mirror.close()
    mirror = await startHubMirror({ noRobots: false, qwen: false, token: 'secret-token', repos: [{ ...noRobotsRepo(), gated: true }] })
    expect(await studioCodeOf(get({ token: undefined }))).toBe('hf-auth-required')
    expect(await studioCodeOf(get({ token: 'wrong' }))).toBe('hf-auth-required')
    const got = await get({ token: 'secret-token' })
    expect(fs.readFileSync(got.file).equals(expected)).toBe(true)
  })

  it('lists a dataset’s splits from the tree, or from the parquet API when the tree has none', async () => {
    const tree = await findDatasetSplits({ repo: NO_ROBOTS_ID, endpoint: mirror.url })
    expect(tree.via).toBe('tree')
    expect(tree.splits.map((s) => s.split)).toEqual(['train', 'test'])
    expect(tree.splits[1].files[0].path).toBe(TEST_FILE)

    await mirror.close()
    mirror = await startHubMirror({ noRobots: false, qwen: false, repos: [{ ...noRobotsRepo(), parquetApiOnly: true }] })
    const api = await findDatasetSplits({ repo: NO_ROBOTS_ID, endpoint: mirror.url })
    expect(api.via).toBe('parquet-api')
    expect(api.splits.map((s) => s.split)).toEqual(['train', 'test'])
    expect(api.splits[1].files[0].url).toMatch(/\/api\/datasets\/HuggingFaceH4\/no_robots\/parquet\/default\/test\/0\.parquet$/)
  })
})

describe('toHubError', () => {
  const url = 'https://huggingface.co/x'
  const sys = (code: string, message: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) })

  it('keeps the original message and maps network errors', () => {
    const e = toHubError(sys('ENETUNREACH', 'connect ENETUNREACH 18.244.0.1:443'), { url, stage: 'request' })
    expect(e.code).toBe('hf-unreachable')
    expect(e.message).toContain('Network is unreachable')
    expect(e.message).toContain('connect ENETUNREACH 18.244.0.1:443')
    expect(toHubError(sys('ENOTFOUND', 'getaddrinfo ENOTFOUND huggingface.co'), { url, stage: 'request' }).code).toBe('hf-unreachable')
    const eyeballs = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new AggregateError([Object.assign(new Error('connect ENETUNREACH 2600::1:443'), { code: 'ENETUNREACH' }), Object.assign(new Error('connect ETIMEDOUT 1.2.3.4:443'), { code: 'ETIMEDOUT' })], ''), { code: 'ETIMEDOUT' }),
    })
    const agg = toHubError(eyeballs, { url, stage: 'request' })
    expect(agg.code).toBe('hf-unreachable')
    expect(agg.message).toContain('connect ENETUNREACH 2600::1:443')
    expect(toHubError(sys('EAI_AGAIN', 'getaddrinfo EAI_AGAIN huggingface.co'), { url, stage: 'request' }).code).toBe('hf-unreachable')
    expect(toHubError(sys('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'), { url, stage: 'request' }).code).toBe('hf-timeout')
    expect(toHubError(sys('ECONNRESET', 'read ECONNRESET'), { url, stage: 'body' }).code).toBe('download-interrupted')
    expect(toHubError(Object.assign(new Error('Api error with status 401'), { statusCode: 401 }), { url, stage: 'request' }).code).toBe('hf-auth-required')
    expect(toHubError(Object.assign(new Error('Api error with status 404'), { statusCode: 404 }), { url, stage: 'request' }).code).toBe('hf-not-found')
  })
})
