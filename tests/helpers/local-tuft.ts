/** Helpers for tests that start a "local TuFT": the fake `tuft` executable, a free port, a key sealer. */
import net from 'node:net'
import path from 'node:path'
import { repoRoot } from './fixtures'

/** The fake `tuft` executable's folder (to put first on PATH) and the file itself (for TUFT_BIN). */
export const FAKE_TUFT_BIN_DIR = path.join(repoRoot, 'tests', 'helpers', 'fake-tuft-bin')
export const FAKE_TUFT_BIN = path.join(FAKE_TUFT_BIN_DIR, 'tuft')

export async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as net.AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

/** Seals keys reversibly without a machine key, so a test can read what was stored. */
export const testSealer = {
  kind: 'test',
  encrypt: (s: string) => `sealed:${Buffer.from(s).toString('base64')}`,
  decrypt: (s: string) => Buffer.from(s.replace(/^sealed:/, ''), 'base64').toString(),
}
