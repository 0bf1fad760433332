/**
 * `npm start` on a machine where the Electron runtime cannot be obtained: it says so, names
 * ELECTRON_MIRROR, and serves the same app in the browser with its tokenized address.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

describe('npm start without an Electron runtime', () => {
  it('falls back to the browser bridge and explains ELECTRON_MIRROR', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-start-'))
    // An empty override makes `require('electron')` point at a missing binary without any download.
    const env = { ...process.env, TUFT_STUDIO_HOME: home, ELECTRON_OVERRIDE_DIST_PATH: path.join(home, 'no-electron'), BROWSER: 'none' }
    const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (d: Buffer): void => {
          out += String(d)
          const m = out.match(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/m)
          if (m) resolve(m[0])
        }
        child.stdout.on('data', onData)
        child.stderr.on('data', onData)
        child.once('exit', (code) => reject(new Error(`start exited (${code}): ${out}`)))
      })
      expect(out).toContain('Electron could not be started')
      expect(out).toContain('ELECTRON_MIRROR')
      expect((await fetch(url)).status).toBe(200)
    } finally {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
      fs.rmSync(home, { recursive: true, force: true })
    }
  }, 180_000)
})
