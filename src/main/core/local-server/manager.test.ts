import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { LocalServerLogLine, LocalServerStatus } from '../../../shared/local-server'
import { FAKE_TUFT_BIN, freePort, testSealer } from '../../../../tests/helpers/local-tuft'
import { makeModelFolder } from '../../../../tests/helpers/model-folder'
import { rejectionOf } from '../../../../tests/helpers/rejection'
import { StudioError } from '../../../shared/result'
import { readRecord, servedModelDir } from './files'
import { LocalServerManager } from './manager'

let model: string
const homes: string[] = []
const managers: LocalServerManager[] = []

beforeAll(() => {
  model = makeModelFolder()
})
afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop({ graceMs: 500 }).catch(() => undefined)
})
afterAll(() => {
  for (const d of [model, ...homes]) fs.rmSync(d, { recursive: true, force: true })
})

type Harness = {
  m: LocalServerManager
  home: string
  tuftHome: string
  lines: LocalServerLogLine[]
  statuses: LocalServerStatus[]
}

function harness(env: Record<string, string> = {}): Harness {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'local-tuft-'))
  homes.push(home)
  const tuftHome = path.join(home, 'dot-tuft')
  const lines: LocalServerLogLine[] = []
  const statuses: LocalServerStatus[] = []
  const m = new LocalServerManager({
    home,
    sealer: testSealer,
    env: { PATH: process.env.PATH ?? '', TUFT_BIN: FAKE_TUFT_BIN, TUFT_HOME: tuftHome, ...env },
    onLog: (l) => lines.push(...l),
    onStatus: (s) => statuses.push(s),
  })
  managers.push(m)
  return { m, home, tuftHome, lines, statuses }
}

const config = async (over: Record<string, unknown> = {}) => ({
  models: [{ path: model, name: 'qwen-local' }],
  port: await freePort(),
  ...over,
})

describe('local TuFT server', () => {
  it('writes the config, starts TuFT, streams its log, records it, and stops it cleanly', async () => {
    const h = harness()
    const cfg = await config()
    const plan = await h.m.plan(cfg)
    expect(plan.yaml).toContain('model_name: qwen-local')
    expect(plan.yaml).not.toMatch(/tml-[0-9a-f]{32}/)
    expect(plan.command).toEqual([
      FAKE_TUFT_BIN,
      'launch',
      '--config',
      plan.configPath,
      '--host',
      '127.0.0.1',
      '--port',
      String(cfg.port),
    ])

    const phases: string[] = []
    const s = await h.m.start(cfg, { onProgress: (p) => phases.push(p.phase) })
    expect(s).toMatchObject({
      state: 'running',
      healthy: true,
      url: `http://127.0.0.1:${cfg.port}`,
      port: cfg.port,
      models: [{ name: 'qwen-local', path: model }],
    })
    expect(phases[0]).toBe('checking')
    expect(phases.at(-1)).toBe('ready')
    expect(h.statuses.map((x) => x.state)).toEqual(['starting', 'running'])

    // The config lives in the data folder, readable only by the owner, with the generated key TuFT checks.
    const key = h.m.apiKey() as string
    expect(key).toMatch(/^tml-[0-9a-f]{32}$/)
    expect(fs.statSync(plan.configPath).mode & 0o777).toBe(0o600)
    expect(fs.readFileSync(plan.configPath, 'utf8')).toContain(`${key}: local-user`)
    expect(fs.readFileSync(path.join(h.home, 'local-server', 'keys.json'), 'utf8')).not.toContain(key)
    // As `tuft launch` does, the address file names the server for discovery.
    expect(fs.readFileSync(path.join(h.tuftHome, 'tuft_current_server'), 'utf8')).toBe(
      `http://127.0.0.1:${cfg.port}`,
    )
    expect(readRecord(h.home)).toMatchObject({
      pid: s.pid,
      port: cfg.port,
      logPath: path.join(h.home, 'local-server', 'tuft.log'),
      state: 'running',
    })
    expect(servedModelDir(h.home, 'qwen-local')).toBe(model)
    expect(servedModelDir(h.home, 'other')).toBeNull()

    // The log arrived line by line, in order, and can be searched.
    expect(h.lines.map((l) => l.seq)).toEqual(h.lines.map((_, i) => i))
    expect(h.lines.some((l) => l.text.includes('Uvicorn running on'))).toBe(true)
    expect(h.m.logs({ search: 'uvicorn running' }).lines).toHaveLength(1)

    const caps = await (await fetch(`${s.url}/api/v1/get_server_capabilities`)).json()
    expect(caps).toMatchObject({
      supported_models: [{ model_name: 'qwen-local', max_context_length: 32768, max_lora_rank: 32 }],
    })
    const runs = await fetch(`${s.url}/api/v1/training_runs`, { headers: { 'x-api-key': key } })
    expect(runs.status).toBe(200)

    expect(await rejectionOf(h.m.start(cfg), StudioError)).toMatchObject({
      code: 'local-server-already-running',
    })

    // Another process (the CLI) finds the same server through the data folder and stops it.
    const other = new LocalServerManager({ home: h.home, sealer: testSealer, env: { TUFT_HOME: h.tuftHome } })
    expect(await other.status()).toMatchObject({ state: 'running', pid: s.pid, healthy: true })
    expect(other.apiKey()).toBe(key)
    const stopped = await other.stop()
    expect(stopped).toMatchObject({ state: 'stopped', wasRunning: true })
    expect(() => process.kill(s.pid as number, 0)).toThrow()
    expect(fs.existsSync(path.join(h.tuftHome, 'tuft_current_server'))).toBe(false)
    expect(readRecord(h.home)).toBeNull()
    expect(fs.readFileSync(s.logPath as string, 'utf8')).toContain('Finished server process')
    expect(await other.stop()).toMatchObject({ wasRunning: false })
  })

  it('keeps the same key across launches, and leaves the server running on quit only when asked', async () => {
    const h = harness()
    const first = await h.m.start(await config(), { keepRunningOnQuit: true })
    const key = h.m.apiKey()
    await h.m.shutdown()
    expect((await h.m.status()).state).toBe('running')
    await h.m.setKeepRunning(false)
    await h.m.shutdown()
    expect(() => process.kill(first.pid as number, 0)).toThrow()
    await h.m.start(await config())
    expect(h.m.apiKey()).toBe(key)
  })

  it.each([
    ['cuda-oom', 'local-server-gpu-oom', /CUDA out of memory/],
    ['missing-weights', 'local-server-missing-weights', /Error no file named/],
    ['bad-yaml', 'local-server-bad-config', /ScannerError/],
    ['port-taken', 'local-server-port-taken', /address already in use/],
    ['crash', 'local-server-exited', /No module named 'vllm'/],
  ])('recognises a start-up failure from the log: %s → %s', async (fail, code, line) => {
    const h = harness({ FAKE_TUFT_FAIL: fail })
    const err = await rejectionOf(h.m.start(await config()), StudioError)
    expect(err).toMatchObject({ code, details: { line: expect.stringMatching(line) } })
    expect((err.details?.logTail as string[]).join('\n')).toMatch(line)
    expect(h.lines.some((l) => line.test(l.text))).toBe(true)
    expect(readRecord(h.home)).toBeNull()
    expect(await h.m.status()).toMatchObject({ state: 'stopped', error: { code } })
  })

  it('names the setting a rejected config was refused for, and the model whose weights could not be loaded', async () => {
    const second = makeModelFolder()
    homes.push(second)
    const cfg = await config()
    const two = { ...cfg, models: [...cfg.models, { path: second, name: 'second' }] }
    expect(await rejectionOf(harness({ FAKE_TUFT_FAIL: 'bad-field' }).m.start(two), StudioError)).toMatchObject({
      code: 'local-server-bad-config',
      details: { field: 'max_model_len', modelIndex: 1 },
    })
    const weights = await rejectionOf(harness({ FAKE_TUFT_FAIL: 'missing-weights' }).m.start(two), StudioError)
    expect(weights).toMatchObject({ code: 'local-server-missing-weights', details: { modelIndex: 0 } })
    expect(weights.details?.field).toBeUndefined()
  })

  it('checks the port and the model folder before starting anything', async () => {
    const h = harness()
    const blocker = net.createServer()
    const port = await freePort()
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r))
    try {
      expect(await rejectionOf(h.m.start(await config({ port })), StudioError)).toMatchObject({
        code: 'local-server-port-taken',
        details: { port },
      })
    } finally {
      blocker.close()
    }
    const empty = makeModelFolder({ weights: 'none' })
    homes.push(empty)
    const err = await rejectionOf(h.m.start(await config({ models: [{ path: empty }] })), StudioError)
    expect(err).toMatchObject({
      code: 'model-folder-invalid',
      details: { problems: [expect.objectContaining({ kind: 'no-weights' })] },
    })
    expect(fs.existsSync(path.join(h.home, 'local-server', 'tuft.log'))).toBe(false)
    const missing = harness({ TUFT_BIN: path.join(h.home, 'no-such-tuft') })
    expect(await rejectionOf(missing.m.start(await config()), StudioError)).toMatchObject({
      code: 'tuft-not-installed',
    })
  })

  it('stops a server that never answers, and kills one that ignores SIGTERM after the grace period', async () => {
    const hang = harness({ FAKE_TUFT_FAIL: 'hang' })
    const err = await rejectionOf(hang.m.start(await config(), { timeoutMs: 1500 }), StudioError)
    expect(err).toMatchObject({ code: 'local-server-start-timeout' })
    const pid = err.details?.pid as number
    expect(() => process.kill(pid, 0)).toThrow()

    const stubborn = harness({ FAKE_TUFT_IGNORE_SIGTERM: '1' })
    const s = await stubborn.m.start(await config())
    const t0 = Date.now()
    await stubborn.m.stop({ graceMs: 300 })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300)
    expect(() => process.kill(s.pid as number, 0)).toThrow()
    expect(stubborn.lines.some((l) => l.text.includes('SIGTERM ignored'))).toBe(true)
  })

  it('stops the process when the start is cancelled', async () => {
    // A start long enough that the cancel always lands while TuFT is loading, however loaded the machine is.
    const h = harness({ FAKE_TUFT_STARTUP_MS: '60000' })
    const ac = new AbortController()
    const started = h.m.start(await config(), { signal: ac.signal })
    await vi.waitFor(() => expect(h.lines.some((l) => l.text.startsWith('Loading safetensors checkpoint shards'))).toBe(true), { timeout: 30_000, interval: 50 })
    ac.abort()
    const err = await rejectionOf(started, StudioError)
    expect(err).toMatchObject({ code: 'cancelled' })
    expect(() => process.kill(err.details?.pid as number, 0)).toThrow()
    expect(h.lines.some((l) => l.text.startsWith('Loading safetensors checkpoint shards'))).toBe(true)
  })
})
