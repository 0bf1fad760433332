import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createKeyFileSecretStore, createSafeStorageSecretStore, KEY_FILE_NAME } from './secret-store'
import { Settings, SETTINGS_FILE_NAME } from './settings'

const KEY = 'tml-SuperSecretKey-0123456789'
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'studio-secret-'))

describe('key-file secret store (browser fallback)', () => {
  it('round-trips, uses a fresh IV each time and a 0600 key file', () => {
    const dir = tmp()
    const s = createKeyFileSecretStore(dir)
    const a = s.encrypt(KEY)
    const b = s.encrypt(KEY)
    expect(a).not.toBe(b)
    expect(a).not.toContain(KEY)
    expect(s.decrypt(a)).toBe(KEY)
    expect(createKeyFileSecretStore(dir).decrypt(b)).toBe(KEY)
    if (process.platform !== 'win32') expect(fs.statSync(path.join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600)
  })

  it('refuses ciphertext from another machine key or tampered bytes', () => {
    const s = createKeyFileSecretStore(tmp())
    const a = s.encrypt(KEY)
    expect(() => createKeyFileSecretStore(tmp()).decrypt(a)).toThrow()
    const raw = Buffer.from(a, 'base64')
    raw[raw.length - 1] ^= 1
    expect(() => s.decrypt(raw.toString('base64'))).toThrow()
    expect(s.decrypt(a)).toBe(KEY)
  })
})

describe('safeStorage adapter', () => {
  const fake = (available: boolean, backend = 'gnome_libsecret') => ({
    isEncryptionAvailable: () => available,
    encryptString: (p: string) => Buffer.from(p.split('').reverse().join(''), 'utf8'),
    decryptString: (b: Buffer) => b.toString('utf8').split('').reverse().join(''),
    getSelectedStorageBackend: () => backend,
  })
  it('is used only when it really encrypts', () => {
    expect(createSafeStorageSecretStore(fake(false))).toBeNull()
    expect(createSafeStorageSecretStore(fake(true, 'basic_text'), 'linux')).toBeNull()
    const s = createSafeStorageSecretStore(fake(true), 'linux')
    expect(s?.kind).toBe('safe-storage')
    expect(s?.decrypt(s.encrypt(KEY))).toBe(KEY)
  })
})

describe('settings keep the key encrypted and report only facts', () => {
  it('never writes the key in clear and reports its source', () => {
    const dir = tmp()
    const settings = new Settings(dir, createKeyFileSecretStore(dir), {})
    expect(settings.keyStatus()).toEqual({ set: false, source: 'none', storage: 'none', envSet: false, envDiffers: false, masked: null, envMasked: null })
    const status = settings.setApiKey(KEY)
    expect(status).toEqual({ set: true, source: 'settings', storage: 'key-file', envSet: false, envDiffers: false, masked: `…${KEY.slice(-4)}`, envMasked: null })
    const onDisk = fs.readFileSync(path.join(dir, SETTINGS_FILE_NAME), 'utf8')
    expect(onDisk).not.toContain(KEY)
    expect(JSON.stringify(settings.view())).not.toContain(KEY)
    if (process.platform !== 'win32') expect(fs.statSync(path.join(dir, SETTINGS_FILE_NAME)).mode & 0o777).toBe(0o600)
    // A fresh process reads it back through the same machine key.
    expect(new Settings(dir, createKeyFileSecretStore(dir), {}).apiKey()).toBe(KEY)
    expect(settings.clearApiKey().set).toBe(false)
    expect(new Settings(dir, createKeyFileSecretStore(dir), {}).apiKey()).toBeUndefined()
  })

  it('explains TINKER_API_KEY precedence and difference', () => {
    const dir = tmp()
    const env = { TINKER_API_KEY: 'tml-from-env-000' }
    const settings = new Settings(dir, createKeyFileSecretStore(dir), env)
    expect(settings.keyStatus()).toMatchObject({ set: false, source: 'TINKER_API_KEY', envSet: true, envDiffers: false })
    settings.setApiKey(KEY)
    expect(settings.keyStatus()).toMatchObject({ set: true, source: 'settings', envSet: true, envDiffers: true })
    settings.setApiKey(env.TINKER_API_KEY)
    expect(settings.keyStatus().envDiffers).toBe(false)
  })

  it('keeps a Hugging Face token encrypted and prefers it over HF_TOKEN', () => {
    const dir = tmp()
    const token = 'hf_SecretGatedToken_abcdefghijkl'
    const s = new Settings(dir, createKeyFileSecretStore(dir), { HF_TOKEN: 'hf_from_env_000000' })
    expect(s.view()).toMatchObject({ hfTokenSet: true, hfTokenSource: 'HF_TOKEN' })
    expect(s.setHfToken(token)).toBe('settings')
    expect(s.hfToken()).toBe(token)
    expect(fs.readFileSync(path.join(dir, SETTINGS_FILE_NAME), 'utf8')).not.toContain(token)
    expect(JSON.stringify(s.view())).not.toContain(token)
    expect(s.secretValues()).toContain(token)
    expect(s.clearHfToken()).toBe('HF_TOKEN')
    expect(new Settings(dir, createKeyFileSecretStore(dir), {}).view()).toMatchObject({ hfTokenSet: false, hfTokenSource: 'none' })
  })

  it('resolves the hub endpoint: setting, then HF_ENDPOINT, then huggingface.co', () => {
    const dir = tmp()
    const s = new Settings(dir, createKeyFileSecretStore(dir), { HF_ENDPOINT: 'https://hf-mirror.com/' })
    expect(s.hfEndpoint()).toEqual({ url: 'https://hf-mirror.com', source: 'HF_ENDPOINT' })
    s.update({ hfEndpoint: 'http://127.0.0.1:9999/' })
    expect(s.view()).toMatchObject({ hfEndpoint: 'http://127.0.0.1:9999', hfEndpointEffective: 'http://127.0.0.1:9999', hfEndpointSource: 'settings' })
    s.update({ hfEndpoint: null })
    expect(new Settings(dir, createKeyFileSecretStore(dir), {}).hfEndpoint()).toEqual({ url: 'https://huggingface.co', source: 'default' })
  })
})

describe('settings remember the UI language', () => {
  it('follow the system until a language is chosen, and keep the choice across restarts', () => {
    const dir = tmp()
    const first = new Settings(dir, createKeyFileSecretStore(dir), {})
    expect(first.view().locale).toBeNull()
    expect(first.update({ locale: 'zh-CN' }).locale).toBe('zh-CN')
    expect(new Settings(dir, createKeyFileSecretStore(dir), {}).view().locale).toBe('zh-CN')
    expect(first.update({ locale: null }).locale).toBeNull()
  })

  it('fall back to following the system when the saved language is unknown', () => {
    const dir = tmp()
    fs.writeFileSync(path.join(dir, SETTINGS_FILE_NAME), JSON.stringify({ locale: 'tlh', wizardCompleted: true }))
    const view = new Settings(dir, createKeyFileSecretStore(dir), {}).view()
    expect(view.locale).toBeNull()
    expect(view.wizardCompleted).toBe(true)
  })
})
