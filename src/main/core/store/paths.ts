import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const APP_DIR_NAME = 'TuFT Studio'

/**
 * The app's data folder: `TUFT_STUDIO_HOME` when set, else the OS's app-data location
 * (Linux `$XDG_CONFIG_HOME` or `~/.config`, macOS `~/Library/Application Support`, Windows `%APPDATA%`).
 * Computed without Electron so the CLIs, tests and the browser bridge agree with the desktop app.
 */
export function studioHome(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TUFT_STUDIO_HOME?.trim()
  if (override) return path.resolve(override)
  const home = os.homedir()
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_DIR_NAME)
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME)
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME)
  }
}

export const databasePath = (home = studioHome()): string => path.join(home, 'studio.sqlite')
export const blobDir = (home = studioHome()): string => path.join(home, 'blobs')
export const downloadsDir = (home = studioHome()): string => path.join(home, 'downloads')
export const sandboxDataDir = (home = studioHome()): string => path.join(home, 'sandbox')

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
