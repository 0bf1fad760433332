/**
 * UI launch benchmark: `launch_to_interactive_s` is the time from starting the browser bridge (what
 * `npm run serve` / the fallback of `npm start` runs) to the wizard's first step being usable in Chromium
 * — the renderer marks that moment with the WIZARD_READY_TEST_ID element. The renderer is built first and
 * not timed (a fresh clone builds it once).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { launchChromium } from '../tests/helpers/chromium'
import { WIZARD_READY_TEST_ID } from '../src/shared/contract'
import { ensureRendererBuilt, REPO_ROOT } from '../src/main/bridge/run'
import { measureChartFrames } from './chart-frame'
import type { BenchModule } from './index'


const RUNS = 3

/** Starts `npm run serve`'s program and resolves with the printed address and a stopper. */
export function startServeProcess(env: NodeJS.ProcessEnv): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['src/main/bridge/serve-cli.ts', '--port', '0'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr.on('data', (d) => (err += String(d)))
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += String(d)
      const m = out.match(/^(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m)
      if (m) resolve({ url: m[1], stop })
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err.trim().slice(-500)}`)))
  })
}

export const bench: BenchModule = {
  name: 'ui-launch',
  async run(log) {
    ensureRendererBuilt(log)
    const times: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-ui-'))
      const t0 = performance.now()
      const serve = await startServeProcess({ ...process.env, TUFT_STUDIO_HOME: home })
      const browser = await launchChromium()
      try {
        const page = await browser.newPage()
        await page.goto(serve.url)
        await page.getByTestId(WIZARD_READY_TEST_ID).waitFor({ state: 'attached', timeout: 60_000 })
        const s = (performance.now() - t0) / 1000
        times.push(s)
        log(`run ${i + 1}: ${s.toFixed(2)} s from launch to an interactive wizard`)
      } finally {
        await browser.close()
        await serve.stop()
        fs.rmSync(home, { recursive: true, force: true })
      }
    }
    times.sort((a, b) => a - b)
    const chart = await measureChartFrames(log)
    return { launch_to_interactive_s: times[Math.floor(times.length / 2)], ...chart }
  },
}
