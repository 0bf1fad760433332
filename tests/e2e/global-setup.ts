/**
 * Builds the app (the same electron-vite build `npm run serve` and `npm start` use) before any browser test
 * when out/renderer is missing or older than its sources, so the tests always drive the current source, on
 * a fresh clone too.
 */
import { ensureRendererBuilt } from '../../src/main/bridge/run'

export default function setup(): void {
  ensureRendererBuilt()
}
