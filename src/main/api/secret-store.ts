/**
 * API keys at rest. The settings file holds only ciphertext; the SecretStore decides how it is made:
 * - in the desktop app, Electron's `safeStorage` (OS keychain / DPAPI / libsecret), injected from the thin
 *   Electron layer so this module stays electron-free;
 * - in the browser fallback (no Electron), AES-256-GCM with a random machine-local key kept in
 *   `<data dir>/secret.key`, created with mode 0600 (owner read/write only). This protects the key from
 *   casual disclosure (settings files copied into bug reports, backups, screenshots) but not from someone who
 *   can read the user's files — the same limit as an SSH key without a passphrase.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export type SecretStorage = 'safe-storage' | 'key-file'

export interface SecretStore {
  readonly kind: SecretStorage
  /** Returns printable ciphertext (base64). */
  encrypt(plain: string): string
  /** Throws when the ciphertext was not made by this store (e.g. another machine's key). */
  decrypt(cipher: string): string
}

const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16

export const KEY_FILE_NAME = 'secret.key'

/** Reads the machine-local key, creating it (0600, exclusively) on first use. */
function loadOrCreateKey(file: string): Buffer {
  try {
    const key = fs.readFileSync(file)
    if (key.length === KEY_BYTES) return key
    throw new Error(`${file} is not a ${KEY_BYTES}-byte key`)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const key = crypto.randomBytes(KEY_BYTES)
  try {
    fs.writeFileSync(file, key, { mode: 0o600, flag: 'wx' })
    return key
  } catch (err) {
    // Another process created it between our read and write: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file)
    throw err
  }
}

export function createKeyFileSecretStore(dataDir: string): SecretStore {
  const file = path.join(dataDir, KEY_FILE_NAME)
  let key: Buffer | null = null
  const getKey = (): Buffer => (key ??= loadOrCreateKey(file))
  return {
    kind: 'key-file',
    encrypt(plain) {
      const iv = crypto.randomBytes(IV_BYTES)
      const cipher = crypto.createCipheriv('aes-256-gcm', getKey(), iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')
    },
    decrypt(text) {
      const raw = Buffer.from(text, 'base64')
      if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('ciphertext too short')
      const decipher = crypto.createDecipheriv('aes-256-gcm', getKey(), raw.subarray(0, IV_BYTES))
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
    },
  }
}

/** The subset of Electron's `safeStorage` we use, so the adapter can be built and tested without Electron. */
export type SafeStorageLike = {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(cipher: Buffer): string
  getSelectedStorageBackend?: () => string
}

/**
 * Electron's safeStorage when it really encrypts; null otherwise. On Linux without a keyring Electron falls
 * back to a hard-coded password ('basic_text'), which is no better than plain text, so the caller should
 * use the key-file store instead.
 */
export function createSafeStorageSecretStore(safe: SafeStorageLike, platform = process.platform): SecretStore | null {
  if (!safe.isEncryptionAvailable()) return null
  if (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text') return null
  return {
    kind: 'safe-storage',
    encrypt: (plain) => safe.encryptString(plain).toString('base64'),
    decrypt: (text) => safe.decryptString(Buffer.from(text, 'base64')),
  }
}
