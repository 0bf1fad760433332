import { chromium, type Browser } from 'playwright-core'

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH overrides. Playwright's own browser download is never used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Headless, no sandbox (root in a container), and no background traffic: on a closed network Chromium's own
 * update/sync/component requests fail by the dozen. `launch()` already gives each browser a fresh profile.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The app follows the browser's language on first start; tests assert English unless they switch.
  '--lang=en-US',
]

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
