import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cli.ts')

describe('npm run sandbox (child process)', () => {
  it('prints SANDBOX_READY with url and key, keeps the key in the data dir, applies fault flags, stops on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-cli-'))
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-home-'))
    const run = async (): Promise<{ url: string; apiKey: string; dataDir: string }> => {
      const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--data-dir', dataDir, '--oom-token-budget', '3', '--json'], {
        env: { ...process.env, TUFT_STUDIO_HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      const ready = await new Promise<{ url: string; apiKey: string; dataDir: string }>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString()
          const line = out.split('\n').find((l) => l.startsWith('SANDBOX_READY '))
          if (line) resolve(JSON.parse(line.slice('SANDBOX_READY '.length)))
        })
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
      })
      const health = await fetch(`${ready.url}/api/v1/healthz`)
      expect(health.status).toBe(200)
      const faults = await (await fetch(`${ready.url}/_sandbox/faults`, { headers: { 'x-api-key': ready.apiKey } })).json()
      expect(faults).toMatchObject({ oomTokenBudget: 3 })
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      return ready
    }
    try {
      const first = await run()
      expect(first.apiKey).toMatch(/^tml-/)
      expect(first.dataDir).toBe(dataDir)
      expect(fs.readFileSync(path.join(dataDir, 'api-key'), 'utf8').trim()).toBe(first.apiKey)
      const second = await run()
      expect(second.apiKey).toBe(first.apiKey)
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
      fs.rmSync(home, { recursive: true, force: true })
    }
  })
})
