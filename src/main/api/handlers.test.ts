import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { PickedFile, ProgressEvent, RunEventView } from '../../shared/contract'
import { ok, StudioError, type Result } from '../../shared/result'
import { createStudioApp } from './app'
import type { StudioCore } from './core'
import { createKeyFileSecretStore } from './secret-store'
import { scriptedCore, type ScriptedCore } from './test-core'

const KEY = 'tml-handler-secret-0000111122223333'

function setup(script: Partial<StudioCore>, env: NodeJS.ProcessEnv = {}, extra: { sandboxPort?: number; pickPath?: (purpose: string) => Promise<string | null> } = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-handlers-'))
  let core!: ScriptedCore
  const logs: string[] = []
  const app = createStudioApp({
    mode: 'browser',
    version: 't',
    dataDir: home,
    secrets: createKeyFileSecretStore(home),
    env,
    log: (l) => logs.push(l),
    ...extra,
    core: () => {
      core = scriptedCore({
        startSandbox: async () => ({ url: 'http://127.0.0.1:45678', apiKey: 'sandbox-key-abcdef', tokenizers: { 'sandbox/tiny': 'Org/Tok' }, close: async () => {} }),
        discoverServers: () => [{ url: 'http://127.0.0.1:10610', source: 'default' }],
        ...script,
      })
      return core
    },
  })
  return { app, core: () => core, home, logs }
}

describe('inputs are validated before any handler runs', () => {
  it('never calls the engine with a bad input', async () => {
    const { app, core } = setup({ pageConversations: () => ({ name: 'x', split: 'test', offset: 0, total: 0, rows: [] }) })
    const r = await app.dispatch('datasetPage', { name: 'x', split: 'test', offset: 0, limit: 1e9 })
    expect(r).toMatchObject({ ok: false, code: 'invalid-input' })
    expect(core().calls).toEqual([])
    const good = await app.dispatch('datasetPage', { name: 'x', split: 'test', offset: 0, limit: 5 })
    expect(good.ok).toBe(true)
    expect(core().calls.map((c) => c.method)).toEqual(['pageConversations'])
  })
})

describe('exceptions become coded failures', () => {
  it('keeps StudioError codes and details, wraps unknown errors as internal', async () => {
    const { app } = setup({
      listDatasets: () => {
        throw new StudioError('dataset-not-cached', 'No dataset named "x"', { name: 'x' })
      },
      listRuns: () => {
        throw new TypeError('boom')
      },
    })
    expect(await app.dispatch('datasetList', {})).toEqual({ ok: false, code: 'dataset-not-cached', message: 'No dataset named "x"', details: { name: 'x' } })
    expect(await app.dispatch('runList', {})).toMatchObject({ ok: false, code: 'internal', message: 'boom' })
  })
})

describe('connection test', () => {
  it('sends the stored key to the chosen server and reports only key facts', async () => {
    const seen: { url?: string; apiKey?: string }[] = []
    const { app } = setup(
      {
        checkConnection: async (server) => {
          seen.push(server)
          return ok({ url: server.url ?? '', source: 'explicit', latencyMs: 3, capabilities: { supported_models: [{ model_name: 'm', max_lora_rank: 64 }] }, keySource: 'settings' })
        },
      },
      { TINKER_API_KEY: 'tml-env-key-different' },
    )
    await app.dispatch('apiKeySet', { key: KEY })
    const r = await app.dispatch('connectionTest', { url: 'http://gpu-box:10610' })
    expect(seen[0]).toEqual({ url: 'http://gpu-box:10610', apiKey: KEY })
    expect(r).toMatchObject({ ok: true, value: { url: 'http://gpu-box:10610', source: 'explicit', key: { set: true, source: 'settings', envSet: true, envDiffers: true } } })
    expect(JSON.stringify(r)).not.toContain(KEY)
  })

  it('names the key it sent and TINKER_API_KEY by their last four characters only, on success and on failure', async () => {
    const { app } = setup(
      { checkConnection: async () => ({ ok: false, code: 'invalid-api-key', message: 'The server rejected the API key' }) },
      { TINKER_API_KEY: 'tml-env-key-different-9z9z' },
    )
    const viaEnv = await app.dispatch('connectionTest', { url: 'http://gpu-box:10610' })
    expect(viaEnv).toMatchObject({ ok: false, code: 'invalid-api-key', details: { keySource: 'TINKER_API_KEY', keySentMasked: '…9z9z', envKeyMasked: '…9z9z' } })
    await app.dispatch('apiKeySet', { key: KEY })
    const viaSettings = await app.dispatch('connectionTest', { url: 'http://gpu-box:10610' })
    expect(viaSettings).toMatchObject({ ok: false, details: { keySource: 'settings', keySentMasked: '…3333', envKeyMasked: '…9z9z', envDiffers: true } })
    expect(await app.dispatch('settingsGet', {})).toMatchObject({ ok: true, value: { apiKey: { masked: '…3333', envMasked: '…9z9z' } } })
    expect(JSON.stringify([viaEnv, viaSettings])).not.toMatch(/different-9z9z|handler-secret/)
  })

  it("uses the sandbox's own key when the sandbox is the target", async () => {
    const seen: { url?: string; apiKey?: string }[] = []
    const { app } = setup({
      checkConnection: async (server) => {
        seen.push(server)
        return ok({ url: server.url ?? '', source: 'explicit', latencyMs: 1, capabilities: { supported_models: [{ model_name: 'sandbox/tiny' }] }, keySource: 'settings' })
      },
    })
    const r = await app.dispatch('connectionTest', { url: 'sandbox' })
    expect(seen[0]).toEqual({ url: 'http://127.0.0.1:45678', apiKey: 'sandbox-key-abcdef' })
    expect(r).toMatchObject({ ok: true, value: { isSandbox: true, source: 'sandbox', capabilities: { supported_models: [{ model_name: 'sandbox/tiny', tokenizer_id: 'Org/Tok' }] } } })
    expect(JSON.stringify(r)).not.toContain('sandbox-key-abcdef')
    expect(await app.dispatch('sandboxStatus', {})).toEqual(
      ok({ running: true, url: 'http://127.0.0.1:45678', port: 45678, keyMasked: '…cdef', fixedPort: null, fixedPortSource: null }),
    )
    expect(r).toMatchObject({ ok: true, value: { keySentMasked: '…cdef' } })
  })
})

describe('the built-in sandbox', () => {
  it('starts on the port fixed in Settings, and `--sandbox-port` wins over it', async () => {
    const ports: (number | undefined)[] = []
    const sandboxAt = async (_dir: string, port?: number) => {
      ports.push(port)
      return { url: `http://127.0.0.1:${port || 40001}`, apiKey: 'sandbox-key-abcdef', tokenizers: {}, close: async () => {} }
    }
    const { app } = setup({ startSandbox: sandboxAt })
    expect(await app.dispatch('settingsSet', { sandboxPort: 80 })).toMatchObject({ ok: false, code: 'invalid-input' })
    expect(await app.dispatch('settingsSet', { sandboxPort: 17777 })).toMatchObject({ ok: true, value: { sandboxPort: 17777 } })
    expect(await app.dispatch('sandboxStart', {})).toMatchObject({ ok: true, value: { port: 17777, fixedPort: 17777, fixedPortSource: 'settings' } })
    const flagged = setup({ startSandbox: sandboxAt }, {}, { sandboxPort: 18888 })
    await flagged.app.dispatch('settingsSet', { sandboxPort: 17777 })
    expect(await flagged.app.dispatch('sandboxStart', {})).toMatchObject({ ok: true, value: { port: 18888, fixedPortSource: 'serve-flag' } })
    expect(ports).toEqual([17777, 18888])
  })

  it('gives its whole key only to the Copy request, and nowhere else', async () => {
    const { app } = setup({})
    expect(await app.dispatch('sandboxKeyCopy', {})).toMatchObject({ ok: false, code: 'not-found' })
    await app.dispatch('apiKeySet', { key: KEY })
    await app.dispatch('sandboxStart', {})
    expect(await app.dispatch('sandboxKeyCopy', {})).toEqual(ok({ key: 'sandbox-key-abcdef' }))
    expect(JSON.stringify(await app.dispatch('sandboxStatus', {}))).not.toContain('sandbox-key-abcdef')
    expect(JSON.stringify(await app.dispatch('settingsGet', {}))).not.toContain(KEY)
  })
})

describe('runs', () => {
  it('maps the active server to the engine config without a key, and marks the wizard done on completion', async () => {
    const configs: unknown[] = []
    let emit: ((e: RunEventView) => void) | null = null
    const summary = { id: 'r1', name: 'n', status: 'running' } as never
    const { app } = setup({
      startRun: async (config, onEvent) => {
        configs.push(config)
        emit = onEvent
        return summary
      },
    })
    const base = { dataset: { name: 'd' }, steps: 3, rank: 8, learningRate: 1e-4 }
    await app.dispatch('apiKeySet', { key: KEY })
    await app.dispatch('settingsSet', { activeServer: 'sandbox' })
    expect((await app.dispatch('runStart', { config: base })).ok).toBe(true)
    await app.dispatch('settingsSet', { activeServer: 'http://gpu:10610' })
    await app.dispatch('runStart', { config: base })
    await app.dispatch('runStart', { config: { ...base, server: { kind: 'remote', url: 'http://other:1' } } })
    expect(configs.map((c) => (c as { server: unknown }).server)).toEqual([{ kind: 'sandbox' }, { kind: 'remote', url: 'http://gpu:10610' }, { kind: 'remote', url: 'http://other:1' }])
    expect(JSON.stringify(configs)).not.toContain(KEY)
    // A key in the request itself is refused: keys only come from the encrypted settings.
    const withKey = await app.dispatch('runStart', { config: { ...base, server: { kind: 'remote', url: 'http://x:1', apiKey: 'k' } } })
    expect(withKey).toMatchObject({ ok: false, code: 'invalid-input' })

    const events: RunEventView[] = []
    app.events.attach((name, payload) => name === 'run' && events.push(payload as RunEventView))
    expect(app.settings.view().wizardCompleted).toBe(false)
    emit!({ runId: 'r1', type: 'status', status: 'completed' })
    expect(events).toEqual([{ runId: 'r1', type: 'status', status: 'completed' }])
    expect(app.settings.view().wizardCompleted).toBe(true)
  })
})

describe('long operations', () => {
  it('report throttled progress and can be cancelled by opId', async () => {
    const { app } = setup({
      importSampleDataset: (opts) =>
        new Promise((_resolve, reject) => {
          for (let i = 0; i <= 1000; i++) opts.onProgress?.({ phase: 'parsing', current: i, total: 1000 })
          opts.signal?.addEventListener('abort', () => reject(new StudioError('cancelled', 'Import cancelled')))
        }),
    })
    const progress: ProgressEvent[] = []
    app.events.attach((name, payload) => name === 'progress' && progress.push(payload as ProgressEvent))
    const pending = app.dispatch('datasetImport', { opId: 'imp-1', source: { kind: 'sample' } })
    const dup = await app.dispatch('datasetImport', { opId: 'imp-1', source: { kind: 'sample' } })
    expect(dup).toMatchObject({ ok: false, code: 'invalid-input' })
    expect(await app.dispatch('opCancel', { opId: 'imp-1' })).toEqual(ok({ cancelled: true }))
    expect(await pending).toMatchObject({ ok: false, code: 'cancelled' })
    expect(await app.dispatch('opCancel', { opId: 'imp-1' })).toEqual(ok({ cancelled: false }))
    // 1001 updates in one burst: the first and the final one get through, not a flood.
    expect(progress.length).toBeLessThan(5)
    expect(progress[0]).toEqual({ opId: 'imp-1', phase: 'parsing', current: 0, total: 1000 })
    expect(progress.at(-1)).toEqual({ opId: 'imp-1', phase: 'parsing', current: 1000, total: 1000 })
  })
})

describe('secrets never leave main', () => {
  it('scrubs the key from failures and logs, even when a library echoes it', async () => {
    const { app, logs } = setup({
      listRuns: () => {
        throw new Error(`request failed with header X-API-Key: ${KEY}`)
      },
    })
    await app.dispatch('apiKeySet', { key: KEY })
    const r = await app.dispatch('runList', {})
    expect(JSON.stringify(r)).not.toContain(KEY)
    expect(JSON.stringify(r)).toContain('[redacted]')
    expect(logs.join('\n')).not.toContain(KEY)
    expect(JSON.stringify(await app.dispatch('settingsGet', {}))).not.toContain(KEY)
  })

  it('scrubs push events too', async () => {
    const { app } = setup({})
    await app.dispatch('apiKeySet', { key: KEY })
    const seen: unknown[] = []
    app.events.attach((_name, payload) => seen.push(payload))
    app.events.emit('run', { runId: 'r', type: 'error', code: 'invalid-api-key', message: `rejected ${KEY}`, details: { sent: KEY } })
    expect(JSON.stringify(seen)).not.toContain(KEY)
    expect(JSON.stringify(seen)).toContain('[redacted]')
  })
})

describe('progress with an unknown total', () => {
  it('is throttled too (total 0 must not mean "finished")', async () => {
    const { app } = setup({
      loadTokenizer: async (_id, opts) => {
        for (let i = 0; i < 500; i++) opts.onProgress?.({ phase: 'downloading', current: i * 1000, total: 0 })
        return { id: 't', modelId: 'm', vocabSize: 1, eosToken: '', chatTemplate: '', provenance: { origin: 'hub' as const, from: null, at: null } }
      },
    })
    const progress: ProgressEvent[] = []
    app.events.attach((name, payload) => name === 'progress' && progress.push(payload as ProgressEvent))
    expect((await app.dispatch('tokenizerLoad', { opId: 't1', modelId: 'm' })).ok).toBe(true)
    expect(progress.length).toBeLessThan(5)
  })
})

describe('the page imports only files the user picked', () => {
  const report = { datasetId: 1, name: 'chats', format: 'messages' as const, splits: [], rejections: [], warnings: [], source: null, revision: null, etag: null, fromCache: false }

  it('refuses a path string from the page, and handles it did not get from a pick', async () => {
    const { app, core } = setup({ importDataset: async () => report })
    for (const path of ['/home/me/.config/gcloud/application_default_credentials.json', '/home/me/.docker/config.json', '/data/chats.jsonl'])
      expect(await app.dispatch('datasetImport', { opId: 'a', source: { kind: 'file', path } })).toMatchObject({ ok: false, code: 'invalid-input' })
    expect(await app.dispatch('datasetImport', { opId: 'b', source: { kind: 'picked', handle: 'A'.repeat(24) } })).toMatchObject({ ok: false, code: 'file-grant-expired' })
    expect(await app.dispatch('tokenizerUseFolder', { opId: 'c', modelId: 'm', folder: 'B'.repeat(24) })).toMatchObject({ ok: false, code: 'file-grant-expired' })
    expect(core().calls.map((c) => c.method)).not.toContain('importDataset')
    // Browser mode has no dialog of main's: the page uploads instead.
    expect(await app.dispatch('filePick', { purpose: 'dataset' })).toMatchObject({ ok: false, code: 'invalid-input' })
  })

  it('imports what the desktop dialog picked, by path, for as many retries as the grant lasts', async () => {
    const { app, core, home } = setup({ importDataset: async () => report }, {}, { pickPath: async () => path.join(home, 'chats.jsonl') })
    fs.writeFileSync(path.join(home, 'chats.jsonl'), '{}\n')
    const r = (await app.dispatch('filePick', { purpose: 'dataset' })) as Result<PickedFile | null>
    if (!r.ok || !r.value) throw new Error('no pick')
    const picked = r.value
    expect(picked).toMatchObject({ name: 'chats.jsonl', kind: 'file' })
    expect((await app.dispatch('datasetImport', { opId: 'a', source: { kind: 'picked', handle: picked.handle, split: 'test' }, format: 'sharegpt' })).ok).toBe(true)
    expect((await app.dispatch('datasetImport', { opId: 'b', source: { kind: 'picked', handle: picked.handle } })).ok).toBe(true)
    const calls = core().calls.filter((c) => c.method === 'importDataset')
    expect(calls[0].args[0]).toEqual({ kind: 'file', path: path.join(home, 'chats.jsonl'), split: 'test' })
    expect(calls[0].args[1]).toMatchObject({ format: 'sharegpt' })
    expect((calls[0].args[1] as { sourceLabel?: string }).sourceLabel).toBeUndefined()
    // A handle is for its purpose only.
    expect(await app.dispatch('tokenizerUseFolder', { opId: 'c', modelId: 'm', folder: picked.handle })).toMatchObject({ ok: false, code: 'file-grant-expired' })
  })

  it('imports an upload under its own name and deletes the copy once imported, keeping it after a failure', async () => {
    let fail = true
    const { app, core } = setup({
      importDataset: async () => {
        if (fail) throw new StudioError('dataset-format-unknown', 'no format')
        return report
      },
    })
    const up = await app.files.receiveUpload({ purpose: 'dataset', fileName: 'chats.jsonl', body: (await import('node:stream')).Readable.from([Buffer.from('{}\n')]) })
    const copy = app.files.use(up.handle, 'dataset').path
    expect(await app.dispatch('datasetImport', { opId: 'a', source: { kind: 'picked', handle: up.handle } })).toMatchObject({ ok: false, code: 'dataset-format-unknown' })
    expect(fs.existsSync(copy)).toBe(true)
    fail = false
    expect((await app.dispatch('datasetImport', { opId: 'b', source: { kind: 'picked', handle: up.handle }, format: 'messages' })).ok).toBe(true)
    expect(core().calls.at(-1)?.args[1]).toMatchObject({ sourceLabel: 'chats.jsonl', format: 'messages' })
    expect(fs.existsSync(copy)).toBe(false)
    expect(await app.dispatch('datasetImport', { opId: 'c', source: { kind: 'picked', handle: up.handle } })).toMatchObject({ ok: false, code: 'file-grant-expired' })
  })

  it('passes the endpoint typed for an import to the engine', async () => {
    const { app, core } = setup({ importDataset: async () => report })
    await app.dispatch('datasetImport', { opId: 'a', source: { kind: 'hub', repo: 'o/n' }, endpoint: 'http://mirror.local:8080' })
    expect(core().calls.at(-1)?.args[1]).toMatchObject({ endpoint: 'http://mirror.local:8080' })
  })
})
