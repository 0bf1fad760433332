import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_TUFT_BIN, freePort } from '../../../tests/helpers/local-tuft'
import { repoRoot } from '../../../tests/helpers/fixtures'
import { makeModelFolder } from '../../../tests/helpers/model-folder'
import { createKeyFileSecretStore } from '../api/secret-store'
import { LocalServerManager } from '../core/local-server'
import { openDb, type Db } from '../core/store'
import { createTuftClient } from '../core/tuft'
import { main } from './dataset-cli'

let home: string
let model: string
let port: number
let db: Db | undefined
const saved: Record<string, string | undefined> = {}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'server-cli-'))
  model = makeModelFolder()
  port = await freePort()
  const env = {
    TUFT_STUDIO_HOME: home,
    TUFT_HOME: path.join(home, 'dot-tuft'),
    TUFT_BIN: FAKE_TUFT_BIN,
    TUFT_ADDRESS: undefined,
    TINKER_BASE_URL: undefined,
    TINKER_API_KEY: undefined,
  }
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k]
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})
afterAll(async () => {
  await new LocalServerManager({ home, sealer: createKeyFileSecretStore(home) }).stop({ graceMs: 500 })
  db?.close()
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  for (const d of [home, model]) fs.rmSync(d, { recursive: true, force: true })
})

/** The CLI in this process (the server it starts is a separate, detached process either way). */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, {
    db: () => (db ??= openDb()),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    signal: new AbortController().signal,
    isTty: false,
  })
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

/** The CLI exactly as `npm run cli` starts it: its own process, which must exit while the server keeps running. */
function spawnCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'src/main/cli/dataset-cli.ts', ...args],
      { cwd: repoRoot, env: process.env, timeout: 60_000 },
      (e, stdout, stderr) =>
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr }),
    )
  })
}

const status = async () =>
  JSON.parse((await cli('server', 'status', '--json')).stdout) as {
    url: string
    port: number
    pid: number
    healthy: boolean
    running: boolean
  }

describe('npm run cli -- server', () => {
  it('launch starts TuFT in the background and returns once it answers; status reports it', async () => {
    const ckpt = path.join(home, 'ckpts')
    const configOut = path.join(home, 'my-tuft.yaml')
    const r = await spawnCli([
      'server',
      'launch',
      '--model-path',
      model,
      '--model-name',
      'qwen-local',
      '--port',
      String(port),
      '--max-lora-rank',
      '16',
      '--checkpoint-dir',
      ckpt,
      '--config-out',
      configOut,
    ])
    expect(r.stderr).not.toMatch(/^error/m)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`TuFT is running at http://127.0.0.1:${port}`)
    expect(r.stderr).toContain('Uvicorn running on')
    const s = await status()
    expect(s).toMatchObject({ url: `http://127.0.0.1:${port}`, port, healthy: true, running: true })
    expect(() => process.kill(s.pid, 0)).not.toThrow()
    const yaml = fs.readFileSync(configOut, 'utf8')
    expect(yaml).toContain('max_lora_rank: 16')
    expect(yaml).toContain(`checkpoint_dir: ${ckpt}`)
    const record = JSON.parse(fs.readFileSync(path.join(home, 'local-server', 'server.json'), 'utf8')) as {
      pid: number
      port: number
      logPath: string
    }
    expect(record).toMatchObject({ pid: s.pid, port, logPath: path.join(home, 'local-server', 'tuft.log') })

    expect(await cli('server', 'launch', '--model-path', model, '--port', String(port))).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error \[local-server-already-running\]/),
    })
    expect(await cli('server', 'launch')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--model-path DIR is required'),
    })
  })

  it('runs and checkpoints list what the key owns, in the JSON shape asked for', async () => {
    expect(JSON.parse((await cli('server', 'runs', '--json')).stdout)).toEqual({ training_runs: [] })
    const key = new LocalServerManager({ home, sealer: createKeyFileSecretStore(home) }).apiKey() as string
    const client = createTuftClient({
      url: `http://127.0.0.1:${port}`,
      apiKey: key,
      env: {},
      heartbeatIntervalMs: 3_600_000,
    })
    const m = await client.createLoraModel({ base_model: 'qwen-local', rank: 8 })
    const state = (await (await m.saveState('step-1')).result).path
    const sampler = (await (await m.saveWeightsForSampler('step-1')).result).path
    client.close()

    const runs = JSON.parse((await cli('server', 'runs', '--json')).stdout)
    expect(runs).toEqual({
      training_runs: [
        {
          training_run_id: m.modelId,
          base_model: 'qwen-local',
          lora_rank: 8,
          checkpoints: [
            {
              checkpoint_id: 'step-1',
              tinker_path: state,
              checkpoint_type: 'training',
              time: expect.any(String),
            },
            {
              checkpoint_id: 'step-1',
              tinker_path: sampler,
              checkpoint_type: 'sampler',
              time: expect.any(String),
            },
          ],
        },
      ],
    })
    expect(JSON.parse((await cli('server', 'checkpoints', m.modelId, '--json')).stdout)).toEqual(runs)
    const human = await cli('server', 'checkpoints', m.modelId)
    expect(human.stdout).toMatch(new RegExp(`^sampler  ${sampler.replace(/[/.]/g, '\\$&')}`, 'm'))

    const keyFile = path.join(home, 'key.txt')
    fs.writeFileSync(keyFile, `\n  ${key}  \n`)
    const viaFile = await cli(
      'server',
      'runs',
      '--server',
      `http://127.0.0.1:${port}`,
      '--api-key-file',
      keyFile,
      '--json',
    )
    expect(JSON.parse(viaFile.stdout)).toEqual(runs)
    fs.writeFileSync(keyFile, 'tml-not-the-key\n')
    expect(await cli('server', 'runs', '--api-key-file', keyFile)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error \[invalid-api-key\]/),
    })
    expect(await cli('server', 'runs', '--api-key-file', path.join(home, 'nope'))).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^error \[invalid-input\]: --api-key-file/),
    })
  })

  it('stop ends the server and exits 0; again with nothing to stop', async () => {
    const { pid } = await status()
    const r = await cli('server', 'stop')
    expect(r).toMatchObject({ code: 0, stdout: `Stopped TuFT (PID ${pid}, port ${port}).` })
    expect(() => process.kill(pid, 0)).toThrow()
    expect(fs.existsSync(path.join(home, 'dot-tuft', 'tuft_current_server'))).toBe(false)
    expect(await cli('server', 'stop')).toMatchObject({
      code: 0,
      stdout: 'No local TuFT server was running.',
    })
    expect(await status()).toMatchObject({ running: false, healthy: false, pid: null })
    expect((await cli('server', 'logs', '--search', 'Finished server process')).stdout).toMatch(
      /Finished server process/,
    )
  })

  it('a failed launch names the cause and prints the log lines that show it', async () => {
    process.env.FAKE_TUFT_FAIL = 'cuda-oom'
    try {
      const r = await cli('server', 'launch', '--model-path', model, '--port', String(port))
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(
        /^error \[local-server-gpu-oom\]: .*CUDA out of memory.* — Lower max_model_len/m,
      )
      expect(r.stderr).toMatch(/last lines of the server log:\n(.*\n)*\s+torch\.OutOfMemoryError/)
      expect(r.stderr).toContain(`full log: ${path.join(home, 'local-server', 'tuft.log')}`)
    } finally {
      delete process.env.FAKE_TUFT_FAIL
    }
  })
})
