/**
 * `npm start` where the Electron runtime cannot be downloaded (a firewall): it says why Electron did not start
 * (the download error, not the electron package's "delete node_modules/electron" advice), that the browser
 * version is starting, how to get the desktop window (ELECTRON_MIRROR), and serves the same app with its
 * tokenized address.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../helpers/fixtures'

/** A view of the repository whose electron package has no downloaded runtime, so `require('electron')` downloads. */
function repoWithoutElectronRuntime(dir: string): string {
  const repo = path.join(dir, 'repo')
  fs.mkdirSync(path.join(repo, 'node_modules'), { recursive: true })
  for (const e of fs.readdirSync(repoRoot)) {
    // scripts/ is copied: Node runs a symlinked script from its real path, which would be the real repository.
    if (e === 'scripts') fs.cpSync(path.join(repoRoot, e), path.join(repo, e), { recursive: true })
    else if (e !== 'node_modules') fs.symlinkSync(path.join(repoRoot, e), path.join(repo, e))
  }
  for (const e of fs.readdirSync(path.join(repoRoot, 'node_modules')))
    if (e !== 'electron') fs.symlinkSync(path.join(repoRoot, 'node_modules', e), path.join(repo, 'node_modules', e))
  const electron = path.join(repoRoot, 'node_modules', 'electron')
  fs.cpSync(electron, path.join(repo, 'node_modules', 'electron'), {
    recursive: true,
    filter: (src) => ![path.join(electron, 'dist'), path.join(electron, 'path.txt')].includes(src),
  })
  return repo
}

/** A mirror URL where nothing listens: the download fails at once, with no network. */
async function refusedUrl(): Promise<string> {
  const s = http.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return `http://127.0.0.1:${port}/`
}

describe('npm start without an Electron runtime', () => {
  it('explains the failed download, falls back to the browser bridge and names ELECTRON_MIRROR', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-start-'))
    const repo = repoWithoutElectronRuntime(home)
    const mirror = await refusedUrl()
    const env: NodeJS.ProcessEnv = { ...process.env, TUFT_STUDIO_HOME: path.join(home, 'data'), BROWSER: 'none', ELECTRON_MIRROR: mirror }
    // An empty download cache, so a runtime cached by an earlier download is not used.
    env.electron_config_cache = path.join(home, 'electron-cache')
    for (const k of ['ELECTRON_OVERRIDE_DIST_PATH', 'npm_config_electron_mirror', 'NPM_CONFIG_ELECTRON_MIRROR']) delete env[k]
    const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] })
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
      expect(out).toContain(`Electron could not be started: its runtime could not be downloaded from ${mirror} (TypeError: fetch failed).`)
      expect(out).toContain('Starting TuFT Studio in your web browser instead')
      expect(out).toContain('ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ npm start')
      expect(out).not.toMatch(/delete `?node_modules\/electron/i)
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
