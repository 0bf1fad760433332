/**
 * The headless CLI as a user runs it (a child process on the in-process sandbox): SIGKILL mid-run leaves
 * the run interrupted and resumable; `--resume` finishes it with every step recorded exactly once, and
 * `--summary-json` has exactly the documented keys.
 */
import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb } from '../core/store'
import { getRun, recoverInterruptedRuns } from '../core/runs'
import { CHAT_JSONL, repoRoot } from '../../../tests/helpers/fixtures'
import { startHubMirror, unusedLocalUrl } from '../../../tests/helpers/hub-mirror'
import { startFakeTuft } from '../../../tests/helpers/fake-tuft'

function cli(args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string, kill: () => void) => void) {
  // node itself runs the CLI (tsx as a loader, not the tsx wrapper process), so SIGKILL hits the runner.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/sft-cli.ts', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  let buf = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
    buf += d.toString()
    const lines = buf.split('\n')
    buf = lines.pop() ?? ''
    for (const l of lines) onLine?.(l, () => child.kill('SIGKILL'))
  })
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, stdout })),
  )
}

describe('npm run sft', () => {
  it('a runner killed with SIGKILL leaves its run interrupted and resumable; --resume completes it with no step lost or duplicated', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sft-cli-'))
    const env = { TUFT_STUDIO_HOME: home, TUFT_ADDRESS: 'http://127.0.0.1:9' }
    const common = ['--batch-size', '2', '--max-length', '128', '--eval-every', '10', '--eval-set-size', '4', '--rank', '8', '--lr', '1e-3']
    let killedAt = 0
    const first = await cli(['--dataset', CHAT_JSONL, '--steps', '40', '--checkpoint-every', '5', ...common], env, (line, kill) => {
      const m = / (\d+)\/40 /.exec(line)
      if (m && Number(m[1]) >= 12 && !killedAt) {
        killedAt = Number(m[1])
        kill()
      }
    })
    expect(first.signal).toBe('SIGKILL')
    expect(first.stderr).toMatch(/started the built-in sandbox in-process/)
    expect(killedAt).toBeGreaterThanOrEqual(12)

    const db = openDb(path.join(home, 'studio.sqlite'))
    const [runId] = recoverInterruptedRuns(db)
    expect(runId).toBeDefined()
    const d = getRun(db, runId)
    expect(d.status).toBe('interrupted')
    expect(d.error?.code).toBe('run-interrupted')
    expect(d.resumable).toBe(true)
    expect(d.metrics.length).toBeGreaterThanOrEqual(12) // the curves written before the kill stay
    expect(d.checkpoints.filter((c) => c.kind === 'state').at(-1)!.step).toBeGreaterThanOrEqual(10)
    db.close()

    const summaryFile = path.join(home, 'summary.json')
    const exportDir = path.join(home, 'reproduce')
    const second = await cli(['--resume', runId, '--summary-json', summaryFile, '--export-script', exportDir], env)
    expect(second.code, second.stderr).toBe(0)
    const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'))
    expect(Object.keys(summary).sort()).toEqual(
      ['best', 'best_checkpoint', 'checkpoints', 'epochs', 'eval_conversations', 'run_id', 'status', 'steps', 'test_nll', 'train_nll', 'verdict'].sort(),
    )
    // The best test NLL and its step, the verdict, the held-out set and the epochs the 40 steps made.
    const lowest = Math.min(...summary.test_nll.map(([, v]: [number, number]) => v))
    expect(summary.best).toEqual({ step: summary.test_nll.find(([, v]: [number, number]) => v === lowest)[0], test_nll: lowest })
    expect(['fine', 'overfit', 'diverged', 'too-slow']).toContain(summary.verdict)
    expect(summary.eval_conversations).toBe(4)
    expect(summary.epochs).toBeGreaterThan(0)
    if (summary.best.step > 0 && summary.best.step < 40) expect(summary.best_checkpoint).toMatch(/^tinker:\/\/.*\/sampler_weights\//)
    expect(second.stdout).toMatch(/test NLL on 4 conversations/)
    expect(second.stdout).toMatch(new RegExp(`best [0-9.]+ at step ${summary.best.step}`))
    // The reproduction: a script and the exact datums it reads, with no key in either.
    const files = fs.readdirSync(exportDir).sort()
    expect(files).toHaveLength(2)
    expect(files[0]).toMatch(/-datums\.jsonl$/)
    expect(files[1]).toMatch(/-train\.py$/)
    const datums = fs.readFileSync(path.join(exportDir, files[0]), 'utf8').trim().split('\n')
    expect(JSON.parse(datums[0])).toMatchObject({ format: 'tuft-studio-datums-v1', run_id: runId, eval: 4 })
    expect(summary).toMatchObject({ run_id: runId, status: 'completed', steps: 40 })
    expect(summary.train_nll.map(([s]: [number, number]) => s)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect(summary.test_nll.map(([s]: [number, number]) => s)).toEqual([0, 10, 20, 30, 40])
    expect(summary.checkpoints.some((c: { kind: string; path: string }) => c.kind === 'sampler' && c.path.startsWith('tinker://'))).toBe(true)
    expect(second.stdout).toMatch(/completed at step 40\/40/)
  })

  it('defaults to HuggingFaceH4/no_robots through HF_ENDPOINT, downloads it once, then trains from the cached copy with the mirror gone', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sft-cli-hub-'))
    const mirror = await startHubMirror()
    const args = ['--steps', '3', '--batch-size', '2', '--max-length', '128', '--eval-every', '3', '--eval-set-size', '4', '--rank', '8']
    const base = { TUFT_STUDIO_HOME: home, TUFT_ADDRESS: await unusedLocalUrl() }
    const first = await cli([...args, '--summary-json', path.join(home, 'a.json')], { ...base, HF_ENDPOINT: mirror.url })
    await mirror.close()
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toMatch(/Dataset HuggingFaceH4\/no_robots: .*\(downloaded\)/)
    expect(mirror.requests.some((r) => r.url.includes('no_robots') && r.status === 200)).toBe(true)
    const db = openDb(path.join(home, 'studio.sqlite'))
    const run = getRun(db, JSON.parse(fs.readFileSync(path.join(home, 'a.json'), 'utf8')).run_id)
    expect(run.data).toMatchObject({ evalSource: 'split', evalSplit: 'test', trainSplit: 'train' }) // the hub's test split
    db.close()

    const second = await cli(args, { ...base, HF_ENDPOINT: await unusedLocalUrl() })
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toMatch(/Dataset HuggingFaceH4\/no_robots: .*\(local copy\)/)
  })

  it('offline with nothing cached: falls back to the bundled sample dataset (saying so) and runs a 2 × 2 sweep', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sft-cli-offline-'))
    const summaryFile = path.join(home, 'sweep.json')
    const r = await cli(
      ['--sweep', 'ranks=4,8', 'lrs=1e-4,1e-3', '--concurrency', '2', '--steps', '4', '--batch-size', '2', '--max-length', '128', '--eval-every', '2', '--summary-json', summaryFile],
      { TUFT_STUDIO_HOME: home, TUFT_ADDRESS: await unusedLocalUrl(), HF_ENDPOINT: await unusedLocalUrl() },
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/Falling back to the small sample chat dataset bundled with TuFT Studio/)
    const s = JSON.parse(fs.readFileSync(summaryFile, 'utf8'))
    expect(s.runs).toHaveLength(4)
    expect(s.max_concurrent).toBeLessThanOrEqual(2)
    for (const run of s.runs) {
      expect(run).toMatchObject({ status: 'completed', steps: 4 })
      expect(run.test_nll.map(([st]: [number, number]) => st)).toEqual([0, 2, 4])
    }
    expect(s.recommendation.reason).toMatch(/rank/)
    // A cell and a step to stop at, with the weights saved there.
    const pick = s.runs.find((x: { run_id: string }) => x.run_id === s.recommendation.run_id)
    expect(s.recommendation.stop_step).toBe(pick.best.step)
    expect(s.recommendation.checkpoint).toBe(pick.best_checkpoint)
    for (const run of s.runs) expect(run.best_test_nll).toBe(run.best.test_nll)
    expect(r.stdout).toMatch(/Recommended: rank \d+, LR [0-9e.-]+, stop at step \d+/)
  })

  it('--api-key-file keeps the key out of argv; a key the server echoes in an error is printed and stored only as [redacted]', async () => {
    const key = 'echoed-server-key-5531'
    const tuft = await startFakeTuft({ keys: [key] })
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sft-cli-key-'))
    try {
      tuft.faults.push({
        match: (q) => q.path === '/api/v1/create_model',
        reply: { status: 400, json: { detail: `Failed to create model: no quota left for ${key}` } },
      })
      const keyFile = path.join(home, 'key')
      fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 })
      const sample = path.join(repoRoot, 'resources/datasets/sample-chat.jsonl')
      const r = await cli(['--server', tuft.url, '--api-key-file', keyFile, '--dataset', sample, '--steps', '1'], {
        TUFT_STUDIO_HOME: home,
        TINKER_API_KEY: '',
      })
      expect(r.code).toBe(1)
      const printed = r.stdout + r.stderr
      expect(printed).toMatch(/no quota left for \[redacted\]/)
      expect(printed).not.toContain(key)
      expect(tuft.requests.some((q) => q.headers['x-api-key'] === key)).toBe(true)
      const db = openDb(path.join(home, 'studio.sqlite'))
      try {
        const rows = db.prepare('SELECT error_message, error_details_json FROM runs').all()
        expect(JSON.stringify(rows)).toContain('[redacted]')
        expect(JSON.stringify(rows)).not.toContain(key)
      } finally {
        db.close()
      }
    } finally {
      await tuft.close()
      fs.rmSync(home, { recursive: true, force: true })
    }
  })

  it('--help says TINKER_API_KEY or --api-key-file is preferred over --api-key', async () => {
    const r = await cli(['--help'], {})
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/--api-key-file FILE\s+read the API key[\s\S]*Preferred, like\s+TINKER_API_KEY[\s\S]*visible in ps/)
    expect(r.stdout).toMatch(/--api-key KEY\s+the API key on the command line: works, with a warning/)
  })
})
