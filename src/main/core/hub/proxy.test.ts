/**
 * Hub traffic honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY for real: a local CONNECT proxy sees the tunnels,
 * NO_PROXY bypasses it, and a dead proxy makes the hub unreachable (so the variable is not silently ignored).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { StudioError } from '../../../shared/result'
import { NO_ROBOTS_ID, startHubMirror, unusedLocalUrl, type HubMirror } from '../../../../tests/helpers/hub-mirror'
import { startConnectProxy, type TestProxy } from '../../../../tests/helpers/http-servers'
import { downloadHubFile, findDatasetSplits, probeHub, proxyFor } from '.'

const TEST_FILE = 'data/test-00000-of-00001.parquet'
const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'] as const

let mirror: HubMirror
let proxy: TestProxy
let dir: string
const saved: Record<string, string | undefined> = {}

beforeAll(async () => {
  mirror = await startHubMirror({ qwen: false })
  proxy = await startConnectProxy()
})
afterAll(async () => {
  await mirror?.close()
  await proxy?.close()
})
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-proxy-'))
  for (const k of [...PROXY_VARS, 'TUFT_STUDIO_HOME']) saved[k] = process.env[k]
  for (const k of PROXY_VARS) delete process.env[k]
  process.env.TUFT_STUDIO_HOME = dir
  proxy.tunnels.length = 0
})
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  fs.rmSync(dir, { recursive: true, force: true })
})

const mirrorHost = (): string => new URL(mirror.url).host
const download = () =>
  downloadHubFile({ repoType: 'dataset', repo: NO_ROBOTS_ID, path: TEST_FILE, endpoint: mirror.url, dest: path.join(dir, 'out.parquet'), retries: 0 })

describe('hub requests and the proxy variables', () => {
  it('lists and downloads through HTTP_PROXY (the mirror is plain http), tunnelled with CONNECT', async () => {
    process.env.HTTP_PROXY = proxy.url
    const listing = await findDatasetSplits({ repo: NO_ROBOTS_ID, endpoint: mirror.url })
    expect(listing.splits.map((s) => s.split)).toContain('test')
    const got = await download()
    expect(fs.statSync(got.file).size).toBeGreaterThan(1000)
    expect(proxy.tunnels.length).toBeGreaterThan(0)
    expect(new Set(proxy.tunnels)).toEqual(new Set([mirrorHost()]))
  })

  it('reads the lower-case names too, and goes direct for hosts in NO_PROXY', async () => {
    process.env.http_proxy = proxy.url
    process.env.no_proxy = 'example.org, 127.0.0.1'
    await download()
    expect(proxy.tunnels).toEqual([])
  })

  it('fails as unreachable through a proxy that is down, instead of ignoring it', async () => {
    process.env.HTTP_PROXY = await unusedLocalUrl()
    const err = await download().then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(StudioError)
    expect((err as StudioError).code).toBe('hf-unreachable')
  })

  it('names the proxy a URL goes through, without credentials, as undici chooses it', () => {
    const env = { HTTPS_PROXY: 'http://user:secret@proxy.corp:3128', HTTP_PROXY: 'http://plain.corp:8080', NO_PROXY: '.internal.corp,mirror.local:8443' }
    expect(proxyFor('https://huggingface.co/api', env)).toEqual({ url: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY' })
    expect(proxyFor('http://mirror.example/api', env)).toEqual({ url: 'http://plain.corp:8080', variable: 'HTTP_PROXY' })
    expect(proxyFor('https://hub.internal.corp/x', env)).toBeNull()
    expect(proxyFor('https://mirror.local:8443/x', env)).toBeNull()
    expect(proxyFor('https://mirror.local/x', env)).toEqual({ url: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY' })
    // Only HTTP_PROXY set: https:// goes through it too (curl and undici agree).
    expect(proxyFor('https://hf-mirror.com', { HTTP_PROXY: 'http://plain.corp:8080' })).toEqual({ url: 'http://plain.corp:8080', variable: 'HTTP_PROXY' })
    expect(proxyFor('https://hf-mirror.com', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeNull()
    expect(proxyFor('https://hf-mirror.com', {})).toBeNull()
  })
})

describe('probing a hub endpoint', () => {
  it('counts any HTTP reply as reachable and a refused connection as unreachable, with the proxy used', async () => {
    expect(await probeHub({ endpoint: mirror.url, env: {} })).toEqual({ endpoint: mirror.url, reachable: true, proxy: null })
    const down = await probeHub({ endpoint: await unusedLocalUrl(), env: {} })
    expect(down).toMatchObject({ reachable: false, code: 'hf-unreachable', proxy: null })
    expect(await probeHub({ endpoint: mirror.url, env: { HTTP_PROXY: proxy.url } })).toMatchObject({ reachable: true, proxy: proxy.url })
    expect(proxy.tunnels).toEqual([mirrorHost()])
  })
})
