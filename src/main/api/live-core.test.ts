/**
 * The contract's handlers over the real engine: a temp data folder, the built-in sandbox over loopback,
 * real chat data (the no_robots fixture, or the sample conversations on a lone clone) and the built-in
 * Qwen3 tokenizer — the wizard's whole path without a browser.
 */
import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHAT_JSONL, readChatRows } from '../../../tests/helpers/fixtures'
import { builtinTokenizerFiles, startSandbox, type SandboxHandle } from '../../sandbox'
import { unusedLocalUrl } from '../../../tests/helpers/hub-mirror'
import type { ChannelName, OutputOf, ProgressEvent, RunEventView } from '../../shared/contract'
import type { Result } from '../../shared/result'
import { createStudioApp, type StudioApp } from './app'
import { createLiveCore } from './live-core'
import { createKeyFileSecretStore } from './secret-store'

const ROWS = readChatRows().length
const MODEL_TOKENIZER = 'Qwen/Qwen3-4B-Instruct-2507'
const WRONG_KEY = 'tml-wrong-key-for-the-other-server'

let home: string
let app: StudioApp
let other: SandboxHandle
const progress: ProgressEvent[] = []
const runEvents: RunEventView[] = []

async function call<C extends ChannelName>(channel: C, input: unknown = {}): Promise<OutputOf<C>> {
  const r = (await app.dispatch(channel, input)) as Result<OutputOf<C>>
  if (!r.ok) throw new Error(`${channel} failed: ${r.code}: ${r.message}`)
  return r.value
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-live-'))
  process.env.TUFT_STUDIO_HOME = home
  app = createStudioApp({ mode: 'browser', version: 'test', dataDir: home, secrets: createKeyFileSecretStore(home), core: createLiveCore, env: { HF_ENDPOINT: 'http://127.0.0.1:9' } })
  app.events.attach((event, payload) => {
    if (event === 'progress') progress.push(payload as ProgressEvent)
    if (event === 'run') runEvents.push(payload as RunEventView)
  })
  other = await startSandbox({ apiKeys: ['tml-the-right-key-123456'] })
})

afterAll(async () => {
  await app?.close()
  await other?.close()
})

describe('connection step', () => {
  it('starts the sandbox and tests it in one go', async () => {
    const status = await call('sandboxStart')
    expect(status.running).toBe(true)
    const report = await call('connectionTest', { url: 'sandbox' })
    expect(report.isSandbox).toBe(true)
    expect(report.capabilities.supported_models[0]).toMatchObject({ model_name: 'sandbox/qwen3-tiny', tokenizer_id: MODEL_TOKENIZER })
    expect(report.capabilities.supported_models[0].max_lora_rank).toBeGreaterThan(0)
  })

  it('explains a rejected key with its source, without revealing it', async () => {
    await call('apiKeySet', { key: WRONG_KEY })
    const r = await app.dispatch('connectionTest', { url: other.url })
    expect(r).toMatchObject({ ok: false, code: 'invalid-api-key', details: { keySource: 'settings', envSet: false, server: other.url } })
    expect(JSON.stringify(r)).not.toContain(WRONG_KEY)
    await call('apiKeyClear')
  })

  it('a fixed sandbox port that another program holds gets its own code; a free one is used', async () => {
    const net = await import('node:net')
    const holder = net.createServer()
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
    const taken = (holder.address() as { port: number }).port
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-live-port-'))
    const fixed = createStudioApp({ mode: 'browser', version: 'test', dataDir: dir, secrets: createKeyFileSecretStore(dir), core: createLiveCore, env: {}, sandboxPort: taken })
    try {
      expect(await fixed.dispatch('sandboxStart', {})).toMatchObject({ ok: false, code: 'sandbox-port-taken', details: { port: taken } })
      await new Promise((r) => holder.close(r))
      expect(await fixed.dispatch('sandboxStart', {})).toMatchObject({ ok: true, value: { running: true, port: taken, url: `http://127.0.0.1:${taken}` } })
    } finally {
      holder.close()
      await fixed.close()
    }
  })

  it('reports an unreachable server with its code', async () => {
    const r = await app.dispatch('connectionTest', { url: 'http://127.0.0.1:9' })
    expect(r).toMatchObject({ ok: false, code: 'server-unreachable' })
  })
})

describe('dataset and template steps', () => {
  it('imports a local file with progress, then pages and previews it', async () => {
    const picked = app.files.grantPath(CHAT_JSONL, 'dataset')
    const report = await call('datasetImport', { opId: 'imp', source: { kind: 'picked', handle: picked.handle, split: 'test' }, name: 'no_robots' })
    expect(report.splits).toEqual([expect.objectContaining({ split: 'test', rows: ROWS })])
    expect(progress.some((p) => p.opId === 'imp')).toBe(true)
    const list = await call('datasetList')
    expect(list.map((d) => d.name)).toContain('no_robots')
    const page = await call('datasetPage', { name: 'no_robots', split: 'test', offset: 10, limit: 5 })
    expect(page.total).toBe(ROWS)
    expect(page.rows.map((r) => r.index)).toEqual([10, 11, 12, 13, 14])
    // Rows are numbered 1-based by their place in the file, as rejections are.
    expect(page.rows.map((r) => r.sourceRow)).toEqual([11, 12, 13, 14, 15])
    const rej = await call('datasetRejections', { name: 'no_robots' })
    expect(rej.splits[0].rows).toBe(ROWS)
  })

  it('renders the mask preview with the cut and weights on assistant tokens only', async () => {
    const info = await call('tokenizerLoad', { opId: 'tok', modelId: MODEL_TOKENIZER })
    expect(info.vocabSize).toBeGreaterThan(150_000)
    const full = await call('examplePreview', { modelId: MODEL_TOKENIZER, dataset: 'no_robots', split: 'test', row: 0, trainOn: 'all-assistant', maxLength: 4096 })
    expect(full.cutAt).toBeNull()
    const weighted = full.tokens.filter((t) => t.weight > 0).map((t) => t.text).join('')
    expect(weighted.endsWith('<|im_end|>')).toBe(true)
    expect(full.tokens.filter((t) => t.weight > 0).length).toBeGreaterThan(0)
    expect(full.tokens[0].text).toBe('<|im_start|>')
    expect(full.tokens[0].weight).toBe(0)
    const cut = await call('examplePreview', { modelId: MODEL_TOKENIZER, dataset: 'no_robots', split: 'test', row: 0, trainOn: 'all-assistant', maxLength: 16 })
    expect(cut.cutAt).toBe(16)
  })

  it('computes token statistics for the split', async () => {
    const stats = await call('tokenStats', { opId: 'stats', modelId: MODEL_TOKENIZER, dataset: 'no_robots', split: 'test', trainOn: 'all-assistant', maxLength: 128 })
    expect(stats.conversations).toBe(ROWS)
    expect(stats.histogram.counts.reduce((s, c) => s + c, 0)).toBe(ROWS)
    expect(stats.truncatedShare).toBeGreaterThan(0)
    expect(stats.truncatedShare).toBeLessThan(1)
  })

  it('deleting a dataset also deletes its tokenized caches', async () => {
    // A max length of its own: the same rows at the same settings would share the cache made for no_robots.
    const picked = app.files.grantPath(CHAT_JSONL, 'dataset')
    await call('datasetImport', { opId: 'imp-doomed', source: { kind: 'picked', handle: picked.handle, split: 'test' }, name: 'doomed' })
    await call('tokenStats', { opId: 'stats-doomed', modelId: MODEL_TOKENIZER, dataset: 'doomed', split: 'test', trainOn: 'all-assistant', maxLength: 96 })
    const db = new Database(path.join(home, 'studio.sqlite'), { readonly: true })
    const cached = db.prepare('SELECT COUNT(*) AS n FROM tokenized_sets WHERE dataset_name = ?')
    try {
      expect((cached.get('doomed') as { n: number }).n).toBeGreaterThan(0)
      expect(await call('datasetDelete', { name: 'doomed' })).toEqual({ deleted: true })
      expect((cached.get('doomed') as { n: number }).n).toBe(0)
      expect((cached.get('no_robots') as { n: number }).n).toBeGreaterThan(0)
    } finally {
      db.close()
    }
  })
})

describe('offline: the sample, what was tried on the hub, a tokenizer folder chosen for a model', () => {
  const OFFLINE_MODEL = 'acme/offline-model'
  let served: SandboxHandle | null = null
  afterAll(async () => {
    await served?.close()
  })

  it('imports the sample that ships with the app, and says which endpoints failed and what to try next', async () => {
    const sample = await call('datasetImport', { opId: 'sample', source: { kind: 'sample' } })
    expect(sample).toMatchObject({ name: 'sample-chat', format: 'messages', fromCache: false })
    expect(sample.splits[0].rows).toBeGreaterThan(50)
    expect(await call('hubProbe', {})).toMatchObject({ endpoint: 'http://127.0.0.1:9', reachable: false, code: 'hf-unreachable' })
    const first = await app.dispatch('datasetImport', { opId: 'hub-1', source: { kind: 'hub', repo: 'HuggingFaceH4/no_robots' } })
    expect(first).toMatchObject({ ok: false, code: 'hf-unreachable', details: { endpoint: 'http://127.0.0.1:9', triedEndpoints: ['http://127.0.0.1:9'], suggestedEndpoint: 'https://hf-mirror.com', proxy: null } })
    // The mirror typed into the field is the one used, and the next hint knows it failed too.
    const typed = await unusedLocalUrl()
    const second = await app.dispatch('datasetImport', { opId: 'hub-2', source: { kind: 'hub', repo: 'HuggingFaceH4/no_robots' }, endpoint: typed })
    expect(second).toMatchObject({ ok: false, code: 'hf-unreachable', details: { endpoint: typed, triedEndpoints: ['http://127.0.0.1:9', typed] } })
  })

  it('uses a tokenizer folder chosen for a model, remembered with its provenance, never a path named by the page', async () => {
    const tokDir = fs.mkdtempSync(path.join(os.tmpdir(), 'picked-tokenizer-'))
    const files = builtinTokenizerFiles()
    if (!files) throw new Error('the built-in tokenizer files are missing')
    fs.copyFileSync(files.tokenizerJson, path.join(tokDir, 'tokenizer.json'))
    // Without its config the folder is refused, and nothing is remembered.
    const half = app.files.grantPath(tokDir, 'tokenizer-folder')
    expect(await app.dispatch('tokenizerUseFolder', { opId: 'f0', modelId: OFFLINE_MODEL, folder: half.handle })).toMatchObject({ ok: false, code: 'tokenizer-not-found' })
    fs.copyFileSync(files.tokenizerConfig, path.join(tokDir, 'tokenizer_config.json'))
    // A model id that names a folder is not read as one: only a pick is.
    expect(await app.dispatch('tokenizerLoad', { opId: 'p', modelId: tokDir })).toMatchObject({ ok: false, code: 'tokenizer-not-found' })
    expect(await app.dispatch('tokenizerLoad', { opId: 'h', modelId: OFFLINE_MODEL })).toMatchObject({ ok: false, code: 'hf-unreachable' })

    const used = await call('tokenizerUseFolder', { opId: 'f1', modelId: OFFLINE_MODEL, folder: app.files.grantPath(tokDir, 'tokenizer-folder').handle })
    expect(used).toMatchObject({ modelId: OFFLINE_MODEL, provenance: { origin: 'folder', from: tokDir } })
    expect(used.provenance.at).toEqual(expect.any(String))
    const again = await call('tokenizerLoad', { opId: 'f2', modelId: OFFLINE_MODEL })
    expect(again).toMatchObject({ id: used.id, provenance: { origin: 'folder', from: tokDir } })
    const builtin = await call('tokenizerLoad', { opId: 'b', modelId: MODEL_TOKENIZER })
    expect(builtin.provenance.origin).toBe('builtin')

    // A TuFT-compatible server serving that model (its tokenizer on no hub we can reach) trains with it.
    served = await startSandbox({ apiKeys: ['tml-offline-model-key-42'], models: [{ name: OFFLINE_MODEL, maxContext: 2048, maxLoraRank: 16, tokenizer: files }] })
    await call('apiKeySet', { key: 'tml-offline-model-key-42' })
    const run = await call('runStart', {
      config: { server: { kind: 'remote', url: served.url }, baseModel: OFFLINE_MODEL, dataset: { name: 'sample-chat' }, rank: 8, batchSize: 2, maxLength: 256, steps: 2, evalEvery: 0, evalSetSize: 0 },
    })
    await expect.poll(async () => (await call('runGet', { runId: run.id })).status, { timeout: 120_000, interval: 250 }).toMatch(/completed|failed/)
    expect(await call('runGet', { runId: run.id })).toMatchObject({ status: 'completed', error: null, tokenizerId: OFFLINE_MODEL })
    await call('apiKeyClear')

    expect(await call('tokenizerForgetFolder', { modelId: OFFLINE_MODEL })).toEqual({ forgotten: true })
    expect(await app.dispatch('tokenizerLoad', { opId: 'f3', modelId: OFFLINE_MODEL })).toMatchObject({ ok: false, code: 'hf-unreachable' })
    fs.rmSync(tokDir, { recursive: true, force: true })
  }, 150_000)
})

describe('train, history, export, playground', () => {
  let runId = ''
  it('trains on the sandbox and pushes run events until completed', async () => {
    await call('settingsSet', { activeServer: 'sandbox' })
    const run = await call('runStart', {
      config: { dataset: { name: 'no_robots', split: 'test' }, rank: 8, learningRate: 1e-3, batchSize: 4, maxLength: 512, steps: 6, evalEvery: 3, evalSetSize: 16 },
    })
    runId = run.id
    await expect.poll(() => runEvents.find((e) => e.runId === runId && e.type === 'status' && ['completed', 'failed'].includes(e.status as string)), { timeout: 120_000, interval: 250 }).toBeTruthy()
    const detail = await call('runGet', { runId })
    expect(detail.error).toBeNull()
    expect(detail.status).toBe('completed')
    expect(runEvents.some((e) => e.runId === runId && e.type === 'metric')).toBe(true)
    const metrics = await call('runMetrics', { runId })
    expect(metrics.trainNll.length).toBe(6)
    expect(metrics.testNll.map(([s]) => s)).toEqual(expect.arrayContaining([0, 3, 6]))
    expect((await call('settingsGet')).wizardCompleted).toBe(true)
  }, 150_000)

  it('exports and samples without any key in the output', async () => {
    const py = await call('runExport', { runId, kind: 'python' })
    expect(py.content).toContain('import tinker')
    const key = app.sandbox.handle()?.apiKey ?? ''
    expect(key.length).toBeGreaterThan(8)
    for (const kind of ['csv', 'config', 'python'] as const) expect((await call('runExport', { runId, kind })).content).not.toContain(key)
    const sample = await call('playgroundSample', { runId, messages: [{ role: 'user', content: 'Write a haiku about rain.' }], maxTokens: 8, temperature: 0 })
    expect(sample.base.tokens).toBeGreaterThan(0)
    expect(sample.tuned?.tokens).toBeGreaterThan(0)
    const renamed = await call('runRename', { runId, name: 'first run' })
    expect(renamed.name).toBe('first run')
    expect((await call('runList')).map((r) => r.id)).toContain(runId)
    const settingsFile = fs.readFileSync(path.join(home, 'settings.json'), 'utf8')
    expect(settingsFile).not.toContain(key)
  }, 60_000)

  it('runs a small sweep and compares its cells', async () => {
    const sweep = await call('sweepStart', {
      config: { dataset: { name: 'no_robots', split: 'test' }, batchSize: 2, maxLength: 256, steps: 2, evalEvery: 2, evalSetSize: 8, rank: 8, learningRate: 1e-4 },
      ranks: [4, 8],
      learningRates: [1e-3],
      concurrency: 2,
    })
    await expect
      .poll(async () => (await call('sweepGet', { sweepId: sweep.id })).cells.filter((c) => c.status === 'completed').length, { timeout: 120_000, interval: 500 })
      .toBe(2)
    const cmp = await call('runCompare', { sweepId: sweep.id })
    expect(cmp.runs.map((r) => r.run.rank).sort()).toEqual([4, 8])
    expect(cmp.runs.every((r) => r.metrics.trainNll.length === 2)).toBe(true)
    expect((await call('sweepList')).map((s) => s.id)).toContain(sweep.id)
    expect(await app.dispatch('sweepCancel', { sweepId: sweep.id })).toMatchObject({ ok: false, code: 'invalid-input' })
  }, 150_000)

  it('reports cache size and clears downloads', async () => {
    const info = await call('cacheInfo')
    expect(info.location).toBe(home)
    expect(info.parts.find((p) => p.name === 'database')?.bytes).toBeGreaterThan(0)
    const after = await call('cacheClear', { what: 'downloads' })
    expect(after.parts.find((p) => p.name === 'downloads')?.bytes).toBe(0)
  })

  it('clears everything but the settings, and keeps working afterwards', async () => {
    await call('apiKeySet', { key: WRONG_KEY })
    const cleared = await call('cacheClear', { what: 'all' })
    expect(cleared.parts.find((p) => p.name === 'blobs')?.bytes).toBe(0)
    expect(await call('datasetList')).toEqual([])
    expect(await call('runList')).toEqual([])
    expect((await call('sandboxStatus')).running).toBe(false)
    expect((await call('settingsGet')).apiKey.set).toBe(true)
    const info = await call('tokenizerLoad', { opId: 'tok-again', modelId: MODEL_TOKENIZER })
    expect(info.vocabSize).toBeGreaterThan(150_000)
    const report = await call('datasetImport', { opId: 'imp-again', source: { kind: 'picked', handle: app.files.grantPath(CHAT_JSONL, 'dataset').handle, split: 'test' }, name: 'again' })
    expect(report.splits[0].rows).toBe(ROWS)
  }, 60_000)
})
