/**
 * Builds the renderer (the same Vite + React build electron-vite makes for out/renderer) before any browser
 * test, so the tests always drive the current source, on a fresh clone too.
 */
import path from 'node:path'
import react from '@vitejs/plugin-react'
import { build } from 'vite'
import { repoRoot } from '../helpers/hub-mirror'

export default async function setup(): Promise<void> {
  await buildRenderer()
}

/** Vite production build of src/renderer into out/renderer (also used by the chart benchmark). */
export async function buildRenderer(): Promise<void> {
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({
      mode: 'production',
      configFile: false,
      root: path.join(repoRoot, 'src/renderer'),
      base: './',
      plugins: [react()],
      logLevel: 'warn',
      build: { outDir: path.join(repoRoot, 'out/renderer'), emptyOutDir: true },
    })
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
  }
}
