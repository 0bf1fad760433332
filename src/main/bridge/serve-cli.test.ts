/**
 * `npm run serve` as a user runs it: a child process that prints the address with its token on a line of
 * its own, serves only with that token, and stops cleanly on SIGTERM.
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './run'

const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx')

describe('npm run serve', () => {
  it('prints http://127.0.0.1:P/?token=… alone on a line and requires that token', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-serve-'))
    const child = spawn(tsx, ['src/main/bridge/serve-cli.ts', '--port', '0'], { cwd: REPO_ROOT, env: { ...process.env, TUFT_STUDIO_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      let out = ''
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += String(d)
          const m = out.match(/^http:\/\/127\.0\.0\.1:(\d+)\/\?token=[\w-]{40,}$/m)
          if (m) resolve(m[0])
        })
        child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${out}`)))
      })
      const base = url.slice(0, url.indexOf('/?'))
      expect((await fetch(`${base}/`)).status).toBe(401)
      expect((await fetch(url)).status).toBe(200)
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', (code) => resolve(code))
        child.kill('SIGTERM')
      })
      expect(code).toBe(0)
    } finally {
      child.kill('SIGKILL')
      fs.rmSync(home, { recursive: true, force: true })
    }
  }, 120_000)

  it('refuses a non-loopback host and unknown options with one clear line', () => {
    for (const args of [['--host', '0.0.0.0'], ['--port', 'abc'], ['--bogus'], ['--sandbox-port', '80']]) {
      const r = spawnSync(tsx, ['src/main/bridge/serve-cli.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, TUFT_STUDIO_HOME: os.tmpdir() } })
      expect(r.status).toBe(1)
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^tuft-studio serve: /)
    }
  }, 60_000)
})
