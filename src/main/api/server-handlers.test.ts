/**
 * The contract's local-server, server-browser and "Use this model" channels over the real engine: a fake `tuft`
 * (the sandbox behind TuFT's command line) started from a small model folder, browsed and called like a real one.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelName, OutputOf, StudioEvents } from '../../shared/contract'
import type { Result } from '../../shared/result'
import { FAKE_TUFT_BIN, freePort } from '../../../tests/helpers/local-tuft'
import { makeModelFolder } from '../../../tests/helpers/model-folder'
import { repoRoot } from '../../../tests/helpers/fixtures'
import { en } from '../../shared/ui-strings'
import { zhCN } from '../../shared/ui-strings.zh-cn'
import { createTuftClient } from '../core/tuft'
import { createStudioApp, type StudioApp } from './app'
import { createLiveCore } from './live-core'
import { createKeyFileSecretStore } from './secret-store'

let home: string
let model: string
let port: number
let app: StudioApp
const seen: { [E in keyof StudioEvents]?: StudioEvents[E][] } = {}
const trained = { runId: '', sampler: '' }

const newApp = (extraEnv: Record<string, string> = {}): StudioApp => {
  const a = createStudioApp({
    mode: 'browser',
    version: 'test',
    dataDir: home,
    secrets: createKeyFileSecretStore(home),
    core: createLiveCore,
    env: {
      PATH: process.env.PATH,
      TUFT_BIN: FAKE_TUFT_BIN,
      TUFT_HOME: path.join(home, 'dot-tuft'),
      HF_ENDPOINT: 'http://127.0.0.1:9',
      ...extraEnv,
    },
  })
  a.events.attach((event, payload) => ((seen[event] ??= []) as unknown[]).push(payload))
  return a
}

async function call<C extends ChannelName>(
  channel: C,
  input: unknown = {},
  on: StudioApp = app,
): Promise<OutputOf<C>> {
  const r = (await on.dispatch(channel, input)) as Result<OutputOf<C>>
  if (!r.ok) throw new Error(`${channel} failed: ${r.code}: ${r.message}`)
  return r.value
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-server-'))
  process.env.TUFT_STUDIO_HOME = home
  model = makeModelFolder()
  port = await freePort()
  app = newApp()
})
afterAll(async () => {
  await app?.close()
  for (const d of [home, model]) fs.rmSync(d, { recursive: true, force: true })
})

const config = () => ({ models: [{ path: model, name: 'qwen-local', maxLoraRank: 16 }], port })

describe('local server channels', () => {
  it('validate their inputs before anything runs', async () => {
    expect(await app.dispatch('localServerInspect', { path: 'a\0b' })).toMatchObject({
      ok: false,
      code: 'invalid-input',
    })
    expect(await app.dispatch('localServerStart', { opId: 'x', config: { models: [] } })).toMatchObject({
      ok: false,
      code: 'invalid-input',
    })
    expect(
      await app.dispatch('localServerStart', { opId: 'x', config: { ...config(), configOut: '/etc/x' } }),
    ).toMatchObject({ ok: false, code: 'invalid-input' })
    expect(await app.dispatch('serverCheckpointDelete', { tinkerPath: '/etc/passwd' })).toMatchObject({
      ok: false,
      code: 'invalid-input',
    })
    expect(fs.existsSync(path.join(home, 'local-server'))).toBe(false)
  })

  it('detect, inspect and plan show what will run before it starts', async () => {
    expect(await call('localServerDetect')).toMatchObject({
      found: true,
      via: 'TUFT_BIN',
      command: [FAKE_TUFT_BIN],
    })
    expect(await call('localServerInspect', { path: model })).toMatchObject({
      ok: true,
      architecture: 'Qwen3ForCausalLM',
      maxContext: 40960,
    })
    const plan = await call('localServerPlan', { config: config() })
    expect(plan).toMatchObject({
      url: `http://127.0.0.1:${port}`,
      problems: [],
      models: [{ name: 'qwen-local', path: model }],
    })
    expect(plan.yaml).toContain('max_lora_rank: 16')
    expect(plan.yaml).not.toMatch(/tml-[0-9a-f]{32}/)
    expect(plan).not.toHaveProperty('configText')
    const empty = makeModelFolder({ weights: 'none' })
    expect((await call('localServerPlan', { config: { models: [{ path: empty }] } })).problems).toEqual([
      expect.objectContaining({ kind: 'no-weights' }),
    ])
    fs.rmSync(empty, { recursive: true, force: true })
  })

  it('start streams progress, status and log events, connects the app to it, and hides its key', async () => {
    const s = await call('localServerStart', { opId: 'launch-1', config: config(), makeActive: true })
    expect(s).toMatchObject({ state: 'running', healthy: true, url: `http://127.0.0.1:${port}` })
    expect((seen.progress ?? []).filter((p) => p.opId === 'launch-1').map((p) => p.phase)).toEqual(
      expect.arrayContaining(['checking', 'starting', 'ready']),
    )
    expect((seen.localServer ?? []).map((x) => x.state)).toEqual(['starting', 'running'])
    const lines = (seen.localServerLog ?? []).flatMap((e) => e.lines)
    expect(lines.some((l) => l.text.includes('Uvicorn running on'))).toBe(true)
    expect((await call('settingsGet')).activeServer).toBe(s.url)

    const key = app.localServer.apiKey() as string
    expect(key).toMatch(/^tml-/)
    expect(JSON.stringify(seen)).not.toContain(key)

    const report = await call('connectionTest', {})
    expect(report).toMatchObject({
      url: s.url,
      source: 'local-server',
      key: { source: 'local-server' },
      capabilities: { supported_models: [{ model_name: 'qwen-local', max_lora_rank: 16 }] },
    })
    expect((await call('connectionDiscover')).servers[0]).toEqual({ url: s.url, source: 'local-server' })
    // The served model's tokenizer comes from its folder (this hub endpoint is unreachable).
    expect(await call('tokenizerLoad', { opId: 'tok', modelId: 'qwen-local' })).toMatchObject({
      modelId: 'qwen-local',
      eosToken: '<|im_end|>',
    })
    expect((await call('localServerLogs', { search: 'application startup complete' })).lines).toHaveLength(1)
    // Its checkpoints stay in TuFT's layout under the config's checkpoint_dir (TuFT's default here).
    expect(app.localServer.checkpointFolder('run-1', 'final')).toBe(path.join(home, 'dot-tuft', 'checkpoints', 'run-1', 'final'))
    expect(app.localServer.checkpointFolder('..', 'final')).toBeNull()
    expect(await call('localServerKeepRunning', { keepRunning: true })).toMatchObject({
      keepRunningOnQuit: true,
    })

    const client = createTuftClient({ url: s.url, apiKey: key, env: {}, heartbeatIntervalMs: 3_600_000 })
    const m = await client.createLoraModel({ base_model: 'qwen-local', rank: 8 })
    trained.runId = m.modelId
    trained.sampler = (await (await m.saveWeightsForSampler('best')).result).path
    client.close()
  })
})

describe('server browser and "Use this model" channels', () => {
  it('list runs and checkpoints on the active server, publish, download and delete', async () => {
    const runs = await call('serverRuns', {})
    expect(runs.runs).toEqual([
      expect.objectContaining({
        trainingRunId: trained.runId,
        baseModel: 'qwen-local',
        loraRank: 8,
        localRun: null,
      }),
    ])
    const detail = await call('serverRun', { trainingRunId: trained.runId })
    expect(detail.checkpoints).toEqual([
      expect.objectContaining({ tinkerPath: trained.sampler, type: 'sampler', public: false }),
    ])
    expect(await call('serverCheckpointPublish', { tinkerPath: trained.sampler, public: true })).toEqual({
      tinkerPath: trained.sampler,
      public: true,
    })
    expect((await call('serverRun', { trainingRunId: trained.runId })).checkpoints[0].public).toBe(true)

    const dl = await call('serverCheckpointDownload', { opId: 'dl-1', tinkerPath: trained.sampler })
    expect(dl).toMatchObject({
      kind: 'saved',
      dir: path.join(home, 'adapters', trained.runId, 'sampler_weights', 'best'),
    })
    expect((seen.progress ?? []).some((p) => p.opId === 'dl-1' && p.phase === 'copying')).toBe(true)

    expect(await app.dispatch('serverRun', { trainingRunId: 'no-such-run' })).toMatchObject({
      ok: false,
      code: 'not-found',
    })
  })

  it('give snippets for the sampler path and answer one chat through the OpenAI-compatible route', async () => {
    const view = await call('useModelSnippets', { model: trained.sampler })
    expect(view.server).toBe(`http://127.0.0.1:${port}`)
    expect(view.snippets.endpoint).toBe(`http://127.0.0.1:${port}/oai/api/v1/chat/completions`)
    expect(view.snippets.curl).toContain(trained.sampler)
    // The tinker SDK snippet renders with the served model's own folder.
    expect(view.snippets.pythonTinker).toContain(`AutoTokenizer.from_pretrained(${JSON.stringify(model)})`)
    // In the UI's language: the prompt is the one "Try it" starts with.
    expect(view.snippets.curl).toContain(en.useModel.samplePrompt)
    const zh = await call('useModelSnippets', { model: trained.sampler, locale: 'zh-CN' })
    expect(zh.snippets.curl).toContain(zhCN.useModel.samplePrompt)

    const reply = await call('tryChat', {
      model: trained.sampler,
      messages: [{ role: 'user', content: 'Hello' }],
      maxTokens: 5,
      seed: 1,
    })
    expect(reply).toMatchObject({ model: trained.sampler, usage: { completion_tokens: expect.any(Number) } })
    expect(reply.id.startsWith(`${trained.runId}:sample:`)).toBe(true)
    expect(
      await app.dispatch('tryChat', { model: 'nope', messages: [{ role: 'user', content: 'Hello' }] }),
    ).toMatchObject({ ok: false, code: 'unknown-model' })

    expect(await call('serverCheckpointDelete', { tinkerPath: trained.sampler })).toEqual({
      deleted: true,
      tinkerPath: trained.sampler,
    })
    expect((await call('serverRun', { trainingRunId: trained.runId })).checkpoints).toEqual([])
  })

  it('trains on it from the app (its key, its model folder’s tokenizer), and the finished run answers a chat', async () => {
    const sample = path.join(repoRoot, 'resources', 'datasets', 'sample-chat.jsonl')
    await call('datasetImport', { opId: 'imp', source: { kind: 'picked', handle: app.files.grantPath(sample, 'dataset').handle }, name: 'chats' })
    const run = await call('runStart', {
      config: {
        dataset: { name: 'chats' },
        baseModel: 'qwen-local',
        rank: 8,
        batchSize: 2,
        maxLength: 256,
        steps: 2,
        evalEvery: 0,
        evalSetSize: 0,
      },
    })
    await expect
      .poll(async () => (await call('runGet', { runId: run.id })).status, { timeout: 120_000, interval: 250 })
      .toMatch(/completed|failed/)
    const detail = await call('runGet', { runId: run.id })
    expect(detail.error).toBeNull()
    expect(detail).toMatchObject({ status: 'completed', tokenizerId: 'qwen-local' })
    // The finished run's sampler weights answer through the OpenAI-compatible route ("Use this model").
    expect(detail.samplerPath).toMatch(/^tinker:\/\//)
    const reply = await call('tryChat', {
      model: detail.samplerPath,
      messages: [{ role: 'user', content: 'Hi' }],
      maxTokens: 3,
    })
    expect(reply.model).toBe(detail.samplerPath)
    // The run ended, so its model was unloaded and the server lists it no more; the server view still shows it
    // from local history, and its snippets still render with the served model's folder.
    const runs = await call('serverRuns', {})
    expect(runs.runs.map((r) => r.localRun?.runId)).not.toContain(run.id)
    expect(runs.unloaded).toEqual([
      expect.objectContaining({
        localRun: expect.objectContaining({ runId: run.id }),
        checkpoints: expect.arrayContaining([expect.objectContaining({ tinkerPath: detail.samplerPath, type: 'sampler' })]),
      }),
    ])
    const view = await call('useModelSnippets', { model: detail.samplerPath as string })
    expect(view.snippets.pythonTinker).toContain(`AutoTokenizer.from_pretrained(${JSON.stringify(model)})`)
  }, 150_000)

  it('copies the adapter of a sandbox run the sandbox no longer lists from its folder', async () => {
    await call('sandboxStart')
    const sb = app.sandbox.handle()
    const client = createTuftClient({ url: sb?.url ?? '', apiKey: sb?.apiKey, env: {}, heartbeatIntervalMs: 3_600_000 })
    const m = await client.createLoraModel({ base_model: 'sandbox/qwen3-tiny', rank: 4 })
    const sampler = (await (await m.saveWeightsForSampler('final')).result).path
    await m.unload()
    client.close()
    expect(await call('serverCheckpointDownload', { opId: 'dl-sb', server: 'sandbox', tinkerPath: sampler })).toMatchObject({
      kind: 'saved',
      dir: path.join(home, 'adapters', m.modelId, 'sampler_weights', 'final'),
      files: ['adapter.bin', 'meta.json'],
    })
    await call('sandboxStop')
  })

  it('stop ends the server; a failed start comes back coded with the log line that explains it', async () => {
    const before = await call('localServerStatus')
    expect(await call('localServerStop')).toMatchObject({ state: 'stopped', pid: null })
    expect(() => process.kill(before.pid as number, 0)).toThrow()

    const failing = newApp({ FAKE_TUFT_FAIL: 'cuda-oom' })
    try {
      const r = await failing.dispatch('localServerStart', { opId: 'launch-2', config: config() })
      expect(r).toMatchObject({
        ok: false,
        code: 'local-server-gpu-oom',
        details: { line: expect.stringContaining('CUDA out of memory'), logTail: expect.any(Array) },
      })
      expect(await call('localServerStatus', {}, failing)).toMatchObject({
        state: 'stopped',
        error: { code: 'local-server-gpu-oom' },
      })
    } finally {
      await failing.close()
    }
  })
})
