import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RunConfigSchema } from '../../../shared/runs'
import { startSandbox, type SandboxHandle } from '../../../sandbox'
import { startScriptedServer } from '../../../../tests/helpers/http-servers'
import { insertRun, recordCheckpoint, updateRun } from '../runs/store'
import { openDb, type Db } from '../store'
import { createTuftClient, type TuftClient } from '../tuft'
import { browseRun, browseRuns, downloadAdapter, serverRunsJson } from '.'

let sb: SandboxHandle
let client: TuftClient
let db: Db
let tmp: string
const ids = { app: '', notebook: '', resumed: '' }
const paths = { appState: '', appSampler: '', notebookSampler: '' }

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'server-browser-'))
  sb = await startSandbox({ longPollMs: 1_000 })
  client = createTuftClient({ url: sb.url, apiKey: sb.apiKey, env: {}, heartbeatIntervalMs: 3_600_000 })
  const app = await client.createLoraModel({ base_model: 'sandbox/qwen3-tiny', rank: 8 })
  ids.app = app.modelId
  paths.appState = (await (await app.saveState('step-000020')).result).path
  paths.appSampler = (await (await app.saveWeightsForSampler('step-000020')).result).path
  const notebook = await client.createLoraModel({ base_model: 'sandbox/qwen3-tiny', rank: 4 })
  ids.notebook = notebook.modelId
  paths.notebookSampler = (await (await notebook.saveWeightsForSampler('final')).result).path
  ids.resumed = (await client.createLoraModel({ base_model: 'sandbox/qwen3-tiny', rank: 8 })).modelId

  db = openDb(path.join(tmp, 'studio.sqlite'))
  const config = RunConfigSchema.parse({
    server: { kind: 'remote', url: sb.url },
    dataset: { name: 'd' },
    steps: 40,
  })
  insertRun(db, {
    id: 'local-app',
    name: 'my chat run',
    config,
    baseModel: 'sandbox/qwen3-tiny',
    totalSteps: 40,
  })
  updateRun(db, 'local-app', { modelId: ids.app, status: 'completed' })
  for (const [kind, p] of [
    ['state', paths.appState],
    ['sampler', paths.appSampler],
  ] as const)
    recordCheckpoint(db, 'local-app', {
      step: 20,
      kind,
      name: 'step-000020',
      path: p,
      cursor: 160,
      modelId: ids.app,
      createdAt: new Date().toISOString(),
    })
  // A run resumed onto a new server run: only its checkpoint names that server run.
  insertRun(db, {
    id: 'local-resumed',
    name: 'resumed run',
    config,
    baseModel: 'sandbox/qwen3-tiny',
    totalSteps: 40,
  })
  recordCheckpoint(db, 'local-resumed', {
    step: 30,
    kind: 'state',
    name: 'step-000030',
    path: `tinker://${ids.resumed}/weights/x`,
    cursor: 240,
    modelId: ids.resumed,
    createdAt: new Date().toISOString(),
  })
})
afterAll(async () => {
  client.close()
  db.close()
  await sb.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('server browser', () => {
  it('lists every run the key owns, linked to local history where the app trained it', async () => {
    const view = await browseRuns(client, db)
    expect(view.server).toBe(sb.url)
    const byId = new Map(view.runs.map((r) => [r.trainingRunId, r]))
    expect(byId.size).toBe(3)
    expect(byId.get(ids.app)).toMatchObject({
      baseModel: 'sandbox/qwen3-tiny',
      loraRank: 8,
      lastSamplerCheckpoint: paths.appSampler,
      localRun: { runId: 'local-app', name: 'my chat run', status: 'completed' },
    })
    expect(byId.get(ids.notebook)?.localRun).toBeNull()
    expect(byId.get(ids.resumed)?.localRun).toMatchObject({ runId: 'local-resumed' })
  })

  it('shows one run’s checkpoints with sizes and the local step that saved them', async () => {
    const run = await browseRun(client, db, ids.app)
    expect(run.checkpoints).toEqual([
      expect.objectContaining({
        type: 'training',
        tinkerPath: paths.appState,
        public: false,
        expiresAt: null,
        localRun: expect.objectContaining({ runId: 'local-app' }),
        localStep: 20,
      }),
      expect.objectContaining({ type: 'sampler', tinkerPath: paths.appSampler, localStep: 20 }),
    ])
    for (const c of run.checkpoints) expect(c.sizeBytes).toBeGreaterThan(0)
    const other = await browseRun(client, db, ids.notebook)
    expect(other.checkpoints).toEqual([
      expect.objectContaining({ tinkerPath: paths.notebookSampler, localRun: null, localStep: null }),
    ])
  })

  it('gives the CLI’s JSON shape, with exactly the named keys', async () => {
    const all = await serverRunsJson(client)
    const app = all.training_runs.find((r) => r.training_run_id === ids.app)
    expect(Object.keys(app ?? {}).sort()).toEqual([
      'base_model',
      'checkpoints',
      'lora_rank',
      'training_run_id',
    ])
    expect(app?.checkpoints.map((c) => Object.keys(c).sort())).toEqual([
      ['checkpoint_id', 'checkpoint_type', 'time', 'tinker_path'],
      ['checkpoint_id', 'checkpoint_type', 'time', 'tinker_path'],
    ])
    expect(await serverRunsJson(client, ids.notebook)).toEqual({
      training_runs: [
        {
          training_run_id: ids.notebook,
          base_model: 'sandbox/qwen3-tiny',
          lora_rank: 4,
          checkpoints: [
            {
              checkpoint_id: 'final',
              tinker_path: paths.notebookSampler,
              checkpoint_type: 'sampler',
              time: expect.any(String),
            },
          ],
        },
      ],
    })
  })
})

describe('adapter download', () => {
  it('copies a local server’s checkpoint (without optimizer state) and says where a remote one lives', async () => {
    const dest = path.join(tmp, 'downloads')
    const steps: string[] = []
    const saved = await downloadAdapter(client, paths.appState, dest, {
      onProgress: (p) => steps.push(p.phase),
    })
    expect(saved).toMatchObject({
      kind: 'saved',
      dir: path.join(dest, ids.app, 'weights', 'step-000020'),
      files: ['adapter.bin', 'meta.json'],
    })
    expect(fs.readdirSync((saved as { dir: string }).dir).sort()).toEqual(['adapter.bin', 'meta.json'])
    expect(steps[0]).toBe('locating')
    expect(steps.at(-1)).toBe('copying')
    const remote = await downloadAdapter(client, paths.appSampler, dest, { serverIsLocal: false })
    expect(remote).toMatchObject({
      kind: 'on-server',
      serverPath: expect.stringContaining(path.join(ids.app, 'sampler_weights', 'step-000020')),
      url: expect.stringMatching(/^file:/),
    })
  })

  it('copies the PEFT adapter and metadata.json from a TuFT checkpoint folder', async () => {
    const ck = path.join(tmp, 'tuft-ckpt')
    fs.mkdirSync(path.join(ck, 'adapter'), { recursive: true })
    fs.mkdirSync(path.join(ck, 'optimizer'), { recursive: true })
    fs.writeFileSync(path.join(ck, 'adapter', 'adapter_config.json'), '{"r": 8}')
    fs.writeFileSync(path.join(ck, 'adapter', 'adapter_model.safetensors'), Buffer.alloc(64))
    fs.writeFileSync(path.join(ck, 'optimizer', 'optimizer.pt'), Buffer.alloc(128))
    fs.writeFileSync(path.join(ck, 'metadata.json'), '{}')
    const srv = await startScriptedServer(() => ({
      status: 302,
      headers: { location: pathToFileURL(ck).href, expires: new Date(Date.now() + 900_000).toUTCString() },
    }))
    const c = createTuftClient({ url: srv.url, apiKey: 'tml-k', env: {} })
    try {
      const r = await downloadAdapter(c, 'tinker://run-9/sampler_weights/best', path.join(tmp, 'dl2'))
      expect(r).toMatchObject({
        kind: 'saved',
        files: [
          path.join('adapter', 'adapter_config.json'),
          path.join('adapter', 'adapter_model.safetensors'),
          'metadata.json',
        ],
        bytes: 64 + 8 + 2,
      })
    } finally {
      c.close()
      await srv.close()
    }
  })
})

describe('adapter of a run the server no longer lists', () => {
  it('is copied from the checkpoint folder on this machine in TuFT’s layout, never from outside it', async () => {
    // TuFT keeps <checkpoint_dir>/<run>/<name>/ (adapter/, optimizer/, metadata.json) after unloading the run,
    // and answers its archive route for an unknown run with a bare 500.
    const root = path.join(tmp, 'tuft-checkpoints')
    const ck = path.join(root, 'run-gone', 'final')
    fs.mkdirSync(path.join(ck, 'adapter'), { recursive: true })
    fs.mkdirSync(path.join(ck, 'optimizer'), { recursive: true })
    fs.writeFileSync(path.join(ck, 'adapter', 'adapter_model.safetensors'), Buffer.alloc(32))
    fs.writeFileSync(path.join(ck, 'optimizer', 'optimizer.pt'), Buffer.alloc(64))
    fs.writeFileSync(path.join(ck, 'metadata.json'), '{}')
    const srv = await startScriptedServer(() => ({ status: 500, body: 'Internal Server Error' }))
    const c = createTuftClient({ url: srv.url, apiKey: 'tml-k', env: {} })
    const seen: string[] = []
    const folderOnThisMachine = (ref: { trainingRunId: string; name: string }) => (seen.push(ref.trainingRunId), path.join(root, ref.trainingRunId, ref.name))
    try {
      const r = await downloadAdapter(c, 'tinker://run-gone/sampler_weights/final', path.join(tmp, 'dl3'), { serverIsLocal: true, folderOnThisMachine })
      expect(r).toMatchObject({ kind: 'saved', from: ck, files: [path.join('adapter', 'adapter_model.safetensors'), 'metadata.json'] })
      // Without such a folder, the server's answer stands.
      await expect(downloadAdapter(c, 'tinker://other-run/sampler_weights/final', path.join(tmp, 'dl3'), { serverIsLocal: true, folderOnThisMachine })).rejects.toMatchObject({ code: 'not-found' })
      await expect(downloadAdapter(c, 'tinker://run-gone/sampler_weights/final', path.join(tmp, 'dl3'), {})).rejects.toMatchObject({ code: 'not-found' })
      // A path that climbs out of the checkpoint folder is not looked up at all.
      await expect(downloadAdapter(c, 'tinker://../sampler_weights/final', path.join(tmp, 'dl3'), { serverIsLocal: true, folderOnThisMachine })).rejects.toMatchObject({ code: 'not-found' })
      expect(seen).toEqual(['run-gone', 'other-run'])
    } finally {
      c.close()
      await srv.close()
    }
  })
})

describe('runs the server no longer lists', () => {
  it('come from local history with their checkpoints; their sampler paths still chat, server-side actions do not', async () => {
    // A finished app run: the runner unloads its model, and the server drops it from its run list (TuFT does too).
    const done = await client.createLoraModel({ base_model: 'sandbox/qwen3-tiny', rank: 8 })
    const sampler = (await (await done.saveWeightsForSampler('final')).result).path
    const config = RunConfigSchema.parse({ server: { kind: 'remote', url: sb.url }, dataset: { name: 'd' }, steps: 10, rank: 8 })
    insertRun(db, { id: 'local-done', name: 'finished run', config, baseModel: 'sandbox/qwen3-tiny', totalSteps: 10 })
    updateRun(db, 'local-done', { modelId: done.modelId, serverUrl: sb.url.replace('127.0.0.1', 'localhost'), status: 'completed' })
    recordCheckpoint(db, 'local-done', { step: 10, kind: 'sampler', name: 'final', path: sampler, cursor: 80, modelId: done.modelId, createdAt: new Date().toISOString() })
    await done.unload()
    // The same kind of run on another server, and one on the sandbox recorded by kind: neither belongs here.
    insertRun(db, { id: 'elsewhere', name: 'other server', config: { ...config, server: { kind: 'remote', url: 'http://gpu-box:10610' } }, baseModel: 'm', totalSteps: 10 })
    updateRun(db, 'elsewhere', { modelId: 'other-run', serverUrl: 'http://gpu-box:10610' })
    recordCheckpoint(db, 'elsewhere', { step: 10, kind: 'sampler', name: 'final', path: 'tinker://other-run/sampler_weights/final', cursor: 80, modelId: 'other-run', createdAt: new Date().toISOString() })

    insertRun(db, { id: 'on-sandbox', name: 'sandbox run', config: { ...config, server: { kind: 'sandbox' } }, baseModel: 'sandbox/qwen3-tiny', totalSteps: 10 })
    updateRun(db, 'on-sandbox', { modelId: 'sandbox-run', serverUrl: sb.url })
    recordCheckpoint(db, 'on-sandbox', { step: 10, kind: 'state', name: 's', path: 'tinker://sandbox-run/weights/s', cursor: 80, modelId: 'sandbox-run', createdAt: new Date().toISOString() })

    const view = await browseRuns(client, db)
    expect(view.runs.map((r) => r.trainingRunId)).not.toContain(done.modelId)
    expect(view.unloaded).toEqual([
      {
        trainingRunId: done.modelId,
        baseModel: 'sandbox/qwen3-tiny',
        loraRank: 8,
        updatedAt: expect.any(String),
        localRun: { runId: 'local-done', name: 'finished run', status: 'completed' },
        checkpoints: [expect.objectContaining({ checkpointId: 'final', type: 'sampler', tinkerPath: sampler, sizeBytes: null, localStep: 10 })],
      },
    ])
    // Runs the server still lists are not repeated; sandbox runs are found by kind, whatever port it had.
    expect(view.unloaded.map((r) => r.localRun.runId)).not.toContain('local-app')
    expect((await browseRuns(client, db, { sandbox: true })).unloaded).toEqual([
      expect.objectContaining({ trainingRunId: 'sandbox-run', checkpoints: [expect.objectContaining({ type: 'training', checkpointId: 's' })] }),
    ])

    const reply = await client.oaiChat({ model: sampler, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 3 })
    expect(reply.model).toBe(sampler)
    await expect(client.deleteCheckpoint(sampler)).rejects.toThrow()
    await expect(client.checkpointArchiveUrl(sampler)).rejects.toThrow()
  })
})
