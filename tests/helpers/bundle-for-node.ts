import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'vite'
import { repoRoot } from './fixtures'

/**
 * Bundles the given entries the way electron-vite emits main-process code (ES modules, one file per entry,
 * workers as their own entries next to the code that starts them, no tsx), into a fresh folder under
 * node_modules/.tmp so externals such as `tokenizers` resolve as they do from `out/main`. Returns the folder
 * and an importer for the built entries; the caller removes the folder.
 */
export async function bundleForNode(
  label: string,
  inputs: Record<string, string>,
): Promise<{ outDir: string; importEntry: <T>(name: string) => Promise<T> }> {
  fs.mkdirSync(path.join(repoRoot, 'node_modules', '.tmp'), { recursive: true })
  const outDir = fs.mkdtempSync(path.join(repoRoot, 'node_modules', '.tmp', `${label}-build-`))
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      ssr: true,
      outDir,
      emptyOutDir: false,
      rollupOptions: { input: inputs, output: { format: 'es', entryFileNames: '[name].js' } },
    },
  })
  return {
    outDir,
    importEntry: async <T>(name: string) => (await import(pathToFileURL(path.join(outDir, `${name}.js`)).href)) as T,
  }
}
