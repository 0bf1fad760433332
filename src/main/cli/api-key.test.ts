import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { scrubSecrets } from '../../shared/redact'
import { cliApiKey, promptHidden, type KeySources, type TtyInput } from './api-key'

/** A terminal stand-in: records raw mode, takes typed keys, shows what would be echoed. */
class FakeTty extends EventEmitter implements TtyInput {
  isTTY = true
  isRaw = false
  rawModes: boolean[] = []
  setRawMode(raw: boolean): this {
    this.isRaw = raw
    this.rawModes.push(raw)
    return this
  }
  resume(): this {
    return this
  }
  pause(): this {
    return this
  }
  type(keys: string): void {
    this.emit('data', Buffer.from(keys))
  }
}

const screen = (): { out: PassThrough; text: () => string } => {
  const out = new PassThrough()
  let text = ''
  out.on('data', (c: Buffer) => (text += c.toString()))
  return { out, text: () => text }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-key-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const sources = (over: Partial<KeySources>): KeySources & { warnings: string[] } => {
  const warnings: string[] = []
  return { env: {}, tty: null, warn: (l) => void warnings.push(l), ...over, warnings }
}

describe('API key for npm run sft', () => {
  it('--api-key-file: the first non-empty line; a file others can read gets a warning; empty or missing files are refused', async () => {
    const file = path.join(dir, 'key')
    fs.writeFileSync(file, '\n  file-key-0123456789  \nsecond line\n', { mode: 0o600 })
    fs.chmodSync(file, 0o600)
    const quiet = sources({ file })
    expect(await cliApiKey('http://gpu:10610', quiet)).toBe('file-key-0123456789')
    expect(quiet.warnings).toEqual([])
    expect(scrubSecrets('echo file-key-0123456789')).toBe('echo [redacted]')

    fs.chmodSync(file, 0o644)
    const open = sources({ file })
    await cliApiKey('http://gpu:10610', open)
    expect(open.warnings.join('\n')).toMatch(/can be read by other users.*chmod 600/)

    const empty = path.join(dir, 'empty')
    fs.writeFileSync(empty, '\n\n')
    await expect(cliApiKey('u', sources({ file: empty }))).rejects.toMatchObject({ code: 'invalid-input' })
    await expect(cliApiKey('u', sources({ file: path.join(dir, 'missing') }))).rejects.toMatchObject({ code: 'invalid-input' })
    await expect(cliApiKey('u', sources({ file, flag: 'x' }))).rejects.toMatchObject({ code: 'invalid-input' })
  })

  it('--api-key still works, with a warning that points to TINKER_API_KEY and --api-key-file', async () => {
    const s = sources({ flag: 'flag-key-0123456789' })
    expect(await cliApiKey('u', s)).toBe('flag-key-0123456789')
    expect(s.warnings).toEqual([expect.stringMatching(/visible|process list.*prefer TINKER_API_KEY or --api-key-file/)])
  })

  it('TINKER_API_KEY is left to the client; with nothing else and a terminal, the key is asked for without echo', async () => {
    const tty = new FakeTty()
    const { out, text } = screen()
    expect(await cliApiKey('u', sources({ env: { TINKER_API_KEY: 'env-key' }, tty: { input: tty, output: out } }))).toBeUndefined()
    expect(text()).toBe('')
    expect(await cliApiKey('u', sources({}))).toBeUndefined() // no terminal: no prompt

    const asked = cliApiKey('http://gpu:10610', sources({ tty: { input: tty, output: out } }))
    tty.type('typed-kez')
    tty.type('\u007fy-42\u001b[D\r')
    expect(await asked).toBe('typed-key-42')
    expect(text()).toBe('API key for http://gpu:10610 (input hidden; Enter for none): \n')
    expect(tty.rawModes).toEqual([true, false])
  })

  it('the prompt: Enter alone gives no key, Ctrl-C cancels', async () => {
    const tty = new FakeTty()
    const { out } = screen()
    const none = cliApiKey('u', sources({ tty: { input: tty, output: out } }))
    tty.type('\r')
    expect(await none).toBeUndefined()
    const cancelled = promptHidden('key: ', tty, out)
    tty.type('abc\u0003')
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' })
    expect(tty.isRaw).toBe(false)
  })
})
