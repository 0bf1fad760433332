/**
 * The exported reproduction, checked from outside the app. A ShareGPT import (normalized by the app) trains on the
 * sandbox; its script and datums are exported. Plain python3 must draw the app's batch order and read the same
 * datums; with a Python that has the official tinker SDK (TUFT_STUDIO_PYTHON, else python3), the script itself runs
 * against the same sandbox and must print the app's train and test NLL curves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb, type Db } from '../store'
import { importDataset } from '../datasets'
import { startSandbox } from '../../../sandbox'
import { BatchStream, bundledDatasetPath, exportRun, getRun, getRunMetrics, runExamples, startRun, type RunDeps } from './index'

const python = process.env.TUFT_STUDIO_PYTHON ?? 'python3'
const hasPython = spawnSync(python, ['--version']).status === 0
const hasSdk = hasPython && spawnSync(python, ['-c', 'import tinker'], { env: process.env }).status === 0
if (!hasSdk) console.log(`reproduce.sdk.test: the SDK run is skipped (no Python with the tinker SDK: set TUFT_STUDIO_PYTHON to one where \`import tinker\` works)`)

let home: string
let db: Db
let sb: Awaited<ReturnType<typeof startSandbox>>
let deps: RunDeps
let runId: string
let dir: string
let script: string

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'reproduce-'))
  db = openDb(path.join(home, 'studio.sqlite'))
  // The bundled sample rewritten as ShareGPT (from/value turns): the script must use the app's normalized rows.
  const sharegpt = path.join(home, 'chats-sharegpt.jsonl')
  const rows = fs.readFileSync(bundledDatasetPath(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] })
  const from: Record<string, string> = { system: 'system', user: 'human', assistant: 'gpt' }
  fs.writeFileSync(sharegpt, rows.map((r) => JSON.stringify({ conversations: r.messages.map((m) => ({ from: from[m.role], value: m.content })) })).join('\n') + '\n')
  await importDataset(db, { kind: 'file', path: sharegpt }, { name: 'sharegpt', format: 'sharegpt' })
  sb = await startSandbox({ dataDir: path.join(home, 'sandbox') })
  deps = { db, sandbox: async () => ({ url: sb.url, apiKey: sb.apiKey }) }
  const h = startRun(deps, {
    server: { kind: 'remote', url: sb.url, apiKey: sb.apiKey },
    dataset: { name: 'sharegpt' },
    rank: 8,
    learningRate: 1e-3,
    batchSize: 8,
    maxLength: 512,
    steps: 12,
    evalEvery: 4,
    seed: 3,
  })
  expect((await h.done).status).toBe('completed')
  runId = h.runId
  dir = path.join(home, 'export')
  fs.mkdirSync(dir)
  for (const kind of ['python', 'datums'] as const) {
    const e = await exportRun(db, runId, kind)
    fs.writeFileSync(path.join(dir, e.filename), e.content)
    if (kind === 'python') script = path.join(dir, e.filename)
  }
}, 120_000)

afterAll(async () => {
  await sb?.close()
  db?.close()
})

describe('the exported reproduction', () => {
  it('holds the exact datums in the app’s order, and no key', async () => {
    const d = getRun(db, runId)
    const ex = await runExamples(db, d)
    const file = fs.readdirSync(dir).find((f) => f.endsWith('-datums.jsonl'))!
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({ format: 'tuft-studio-datums-v1', train: d.data!.trainExamples, eval: d.evals[0].conversations })
    const records = lines.slice(1)
    expect(records.filter((r) => r.set === 'train')).toHaveLength(ex.train.length)
    const first = records[0]
    expect(first.tokens.slice(0, -1)).toEqual(ex.train[0].datum.model_input)
    expect(first.tokens.slice(1)).toEqual(ex.train[0].datum.target_tokens)
    expect(first.weights).toEqual(ex.train[0].datum.weights)
    // The normalized conversation, not the ShareGPT row.
    expect(first.messages[0]).toHaveProperty('role')
    for (const f of fs.readdirSync(dir)) expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toContain(sb.apiKey)
  })

  it.skipIf(!hasPython)('draws the app’s batch order in plain Python', () => {
    const n = getRun(db, runId).data!.trainExamples
    const code = `import runpy, json; m = runpy.run_path(${JSON.stringify(script)}, run_name="check"); print(json.dumps([m["batch_indices"](${n}, 3, c, 8) for c in range(0, ${n * 3}, 8)]))`
    const got = JSON.parse(execFileSync(python, ['-c', code], { encoding: 'utf8' })) as number[][]
    const stream = new BatchStream(n, 3)
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => stream.indicesAt(i * 8, 8)))
  })

  it.skipIf(!hasSdk)('run with the official tinker SDK against the same sandbox, prints the app’s train and test NLL', async () => {
    const out = path.join(home, 'series.json')
    // Asynchronously: the sandbox answering the script runs in this process.
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(python, [script, '--json', out], { env: { ...process.env, TINKER_BASE_URL: sb.url, TINKER_API_KEY: sb.apiKey, TINKER_TELEMETRY: '0' } })
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.stdout.resume()
      child.on('exit', (code) => resolve({ code, stderr }))
    })
    expect(r.code, r.stderr).toBe(0)
    const series = JSON.parse(fs.readFileSync(out, 'utf8')) as { train_nll: [number, number][]; test_nll: [number, number][] }
    const app = getRunMetrics(db, runId)
    expect(series.train_nll.map(([s]) => s)).toEqual(app.trainNll.map(([s]) => s))
    expect(series.test_nll.map(([s]) => s)).toEqual(app.testNll.map(([s]) => s))
    for (const [i, [, v]] of series.train_nll.entries()) expect(v).toBeCloseTo(app.trainNll[i][1], 4)
    for (const [i, [, v]] of series.test_nll.entries()) expect(v).toBeCloseTo(app.testNll[i][1], 4)
  }, 320_000)
})
