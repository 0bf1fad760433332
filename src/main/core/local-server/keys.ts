import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { z } from 'zod'
import { authorizedUsersOf } from './tuft-config'
import { keysPath, writeFileAtomic } from './files'

/** How keys are sealed at rest: the app's SecretStore (OS keychain in the desktop app, a 0600 key file otherwise). */
export type KeySealer = {
  readonly kind: string
  encrypt(plain: string): string
  decrypt(cipher: string): string
}

const KeysFile = z.object({
  keys: z.record(z.string(), z.object({ storage: z.string(), ciphertext: z.string() })),
})

/** TuFT's generate_api_key format (`tml-` + 32 hex digits); the tinker SDK refuses keys without the `tml-` prefix. */
export const generateApiKey = (): string => `tml-${randomBytes(16).toString('hex')}`

function readKeys(home: string): z.infer<typeof KeysFile> {
  try {
    return KeysFile.parse(JSON.parse(fs.readFileSync(keysPath(home), 'utf8')))
  } catch {
    return { keys: {} }
  }
}

/**
 * The generated API key of each user, created once and kept (sealed) in the data folder, so a restarted server
 * accepts the key notebooks and scripts already use. A key sealed by another store (the desktop app's keychain,
 * read from the CLI) is recovered from the config file TuFT was started with, which holds it in clear for TuFT.
 */
export class LocalKeys {
  constructor(
    private readonly home: string,
    private readonly sealer: KeySealer,
  ) {}

  get(user: string, configPath?: string): string | undefined {
    const stored = readKeys(this.home).keys[user]
    if (stored && stored.storage === this.sealer.kind) {
      try {
        return this.sealer.decrypt(stored.ciphertext)
      } catch {
        // Sealed on another machine or by another store: fall through to the config file.
      }
    }
    if (!configPath) return undefined
    try {
      const users = authorizedUsersOf(fs.readFileSync(configPath, 'utf8'))
      return Object.entries(users).find(([, u]) => u === user)?.[0]
    } catch {
      return undefined
    }
  }

  ensure(user: string, configPath?: string): string {
    const existing = this.get(user, configPath)
    if (existing) return existing
    const key = generateApiKey()
    const file = readKeys(this.home)
    file.keys[user] = { storage: this.sealer.kind, ciphertext: this.sealer.encrypt(key) }
    writeFileAtomic(keysPath(this.home), JSON.stringify(file, null, 2) + '\n', 0o600)
    return key
  }
}
