import os from 'node:os'
import path from 'node:path'

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

/** The built-in sandbox's default data folder (runs, checkpoints, API key), inside the app's data folder. */
export const sandboxDataDir = (home = studioHome()): string => path.join(home, 'sandbox')
