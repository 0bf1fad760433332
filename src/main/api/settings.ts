/**
 * The app's settings, persisted as JSON in the data folder. The API key is stored only as ciphertext from
 * the injected SecretStore; nothing here ever returns it except `apiKey()`, which main-process code uses
 * to talk to the server (and which no handler puts in a response).
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { HfTokenSource, KeyStatus, SavedServer, SettingsView } from '../../shared/contract'
import { maskKey, registerSecret } from '../../shared/redact'
import type { SecretStore } from './secret-store'
import { LOCALES, type Locale } from '../../shared/i18n/locale'

export const SETTINGS_FILE_NAME = 'settings.json'
export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co'

const fileSchema = z.object({
  servers: z.array(z.object({ url: z.string(), label: z.string().optional() })).default([]),
  activeServer: z.string().nullable().default(null),
  hfEndpoint: z.string().nullable().default(null),
  wizardCompleted: z.boolean().default(false),
  // An unknown language (e.g. from a newer version) falls back to following the system.
  locale: z.enum(LOCALES).nullable().catch(null).default(null),
  // A port that is no longer valid (edited by hand) falls back to a free one.
  sandboxPort: z.number().int().min(1).max(65535).nullable().catch(null).default(null),
  apiKey: z.object({ storage: z.enum(['safe-storage', 'key-file']), ciphertext: z.string() }).nullable().default(null),
  hfToken: z.object({ storage: z.enum(['safe-storage', 'key-file']), ciphertext: z.string() }).nullable().default(null),
})
type StoredSecret = { storage: 'safe-storage' | 'key-file'; ciphertext: string }
type SettingsFile = z.output<typeof fileSchema>

export type SettingsPatch = {
  servers?: SavedServer[]
  activeServer?: string | null
  hfEndpoint?: string | null
  wizardCompleted?: boolean
  locale?: Locale | null
  sandboxPort?: number | null
}

export class Settings {
  private data: SettingsFile
  readonly file: string

  constructor(
    readonly dataDir: string,
    private readonly secrets: SecretStore,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.file = path.join(dataDir, SETTINGS_FILE_NAME)
    this.data = this.read()
    for (const s of [...this.secretValues(), env.HF_TOKEN]) registerSecret(s)
  }

  private read(): SettingsFile {
    try {
      return fileSchema.parse(JSON.parse(fs.readFileSync(this.file, 'utf8')))
    } catch {
      // Missing or damaged settings start from defaults rather than blocking the app.
      return fileSchema.parse({})
    }
  }

  private write(): void {
    fs.mkdirSync(this.dataDir, { recursive: true })
    const tmp = `${this.file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(this.data, null, 2) + '\n', { mode: 0o600 })
    fs.renameSync(tmp, this.file)
  }

  view(): SettingsView {
    const hub = this.hfEndpoint()
    return {
      servers: this.data.servers.map((s) => ({ ...s })),
      activeServer: this.data.activeServer,
      apiKey: this.keyStatus(),
      hfEndpoint: this.data.hfEndpoint,
      hfEndpointEffective: hub.url,
      hfEndpointSource: hub.source,
      hfTokenSet: this.hfToken() !== undefined,
      hfTokenSource: this.hfTokenSource(),
      dataDir: this.dataDir,
      wizardCompleted: this.data.wizardCompleted,
      locale: this.data.locale,
      sandboxPort: this.data.sandboxPort,
    }
  }

  update(patch: SettingsPatch): SettingsView {
    if (patch.servers !== undefined) this.data.servers = patch.servers.map((s) => ({ ...s, url: s.url.replace(/\/+$/, '') }))
    if (patch.activeServer !== undefined) this.data.activeServer = patch.activeServer?.replace(/\/+$/, '') ?? null
    if (patch.hfEndpoint !== undefined) this.data.hfEndpoint = patch.hfEndpoint?.replace(/\/+$/, '') ?? null
    if (patch.wizardCompleted !== undefined) this.data.wizardCompleted = patch.wizardCompleted
    if (patch.locale !== undefined) this.data.locale = patch.locale
    if (patch.sandboxPort !== undefined) this.data.sandboxPort = patch.sandboxPort
    this.write()
    return this.view()
  }

  /** Same order as the hub module: app setting, else HF_ENDPOINT, else huggingface.co. */
  hfEndpoint(): { url: string; source: SettingsView['hfEndpointSource'] } {
    if (this.data.hfEndpoint) return { url: this.data.hfEndpoint, source: 'settings' }
    const env = this.env.HF_ENDPOINT?.trim()
    if (env) return { url: env.replace(/\/+$/, ''), source: 'HF_ENDPOINT' }
    return { url: DEFAULT_HF_ENDPOINT, source: 'default' }
  }

  /** The app's token, else HF_TOKEN (main-process use only). */
  hfToken(): string | undefined {
    return this.reveal(this.data.hfToken) ?? (this.env.HF_TOKEN?.trim() || undefined)
  }

  hfTokenSource(): HfTokenSource {
    return this.reveal(this.data.hfToken) !== undefined ? 'settings' : this.env.HF_TOKEN?.trim() ? 'HF_TOKEN' : 'none'
  }

  setHfToken(token: string): HfTokenSource {
    registerSecret(token)
    this.data.hfToken = this.seal(token)
    this.write()
    return this.hfTokenSource()
  }

  clearHfToken(): HfTokenSource {
    this.data.hfToken = null
    this.write()
    return this.hfTokenSource()
  }

  private seal(secret: string): StoredSecret {
    return { storage: this.secrets.kind, ciphertext: this.secrets.encrypt(secret.trim()) }
  }

  /** Decrypts a stored secret; undefined when unset or made by another backend/machine. */
  private reveal(stored: StoredSecret | null): string | undefined {
    if (!stored || stored.storage !== this.secrets.kind) return undefined
    try {
      return this.secrets.decrypt(stored.ciphertext)
    } catch {
      return undefined
    }
  }

  setApiKey(key: string): KeyStatus {
    registerSecret(key)
    this.data.apiKey = this.seal(key)
    this.write()
    return this.keyStatus()
  }

  clearApiKey(): KeyStatus {
    this.data.apiKey = null
    this.write()
    return this.keyStatus()
  }

  /** The stored key in clear, for main-process use only (sent as X-API-Key). Undefined when unset or unreadable. */
  apiKey(): string | undefined {
    return this.reveal(this.data.apiKey)
  }

  /** Facts a hint needs about the key (never the key). */
  keyStatus(): KeyStatus {
    const app = this.apiKey()
    const env = this.env.TINKER_API_KEY?.trim() || undefined
    return {
      set: app !== undefined,
      source: app !== undefined ? 'settings' : env !== undefined ? 'TINKER_API_KEY' : 'none',
      storage: app !== undefined ? this.secrets.kind : 'none',
      envSet: env !== undefined,
      envDiffers: app !== undefined && env !== undefined && app !== env,
      masked: maskKey(app),
      envMasked: maskKey(env),
    }
  }

  /** Every secret value this process knows, so error texts and logs can be scrubbed of them. */
  secretValues(): string[] {
    return [this.apiKey(), this.env.TINKER_API_KEY?.trim(), this.hfToken()].filter((s): s is string => Boolean(s && s.length >= 4))
  }
}
