import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * A file shipped in the app's `resources/` folder (built-in tokenizer, sample dataset), or null when this
 * installation lacks it. `TUFT_STUDIO_RESOURCES` overrides; otherwise walk up from this module, which finds
 * the folder both in the source tree and next to the electron-vite output in `out/`.
 */
export function resourcePath(rel: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const override = env.TUFT_STUDIO_RESOURCES?.trim()
  if (override) {
    const candidate = path.join(override, rel)
    return fs.existsSync(candidate) ? candidate : null
  }
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'resources', rel)
    if (fs.existsSync(candidate)) return candidate
    dir = path.dirname(dir)
  }
  return null
}
