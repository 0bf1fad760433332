import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'
import { StudioError } from '../shared/result'

/** tsx's ESM register API (its `import` export; require.resolve would give the CJS build). */
function tsxEsmApi(from: string): string {
  const pkgFile = createRequire(from).resolve('tsx/package.json')
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> }
  return path.join(path.dirname(pkgFile), pkg.exports['./esm/api'].import.default)
}

/**
 * Starts a worker thread that runs the same code from sources and from the build. `callerUrl` is the
 * caller's `import.meta.url`: from .ts sources (vitest, the tsx CLIs, benches) the worker first registers
 * tsx's ESM loader in its own thread and then imports `sourceEntry` (relative to the caller); from the
 * electron-vite build it runs `builtFile`, the worker's own bundle next to the caller's (or one folder up,
 * when the caller was split into out/main/chunks). `options` passes ports in `workerData` (`transferList`)
 * and caps the worker's heap (`resourceLimits`).
 */
export function spawnModuleWorker(
  callerUrl: string,
  sourceEntry: string,
  builtFile: string,
  workerData: unknown,
  options: Pick<WorkerOptions, 'transferList' | 'resourceLimits'> = {},
): Worker {
  if (callerUrl.endsWith('.ts')) {
    const tsxApi = pathToFileURL(tsxEsmApi(callerUrl)).href
    const entry = new URL(sourceEntry, callerUrl).href
    const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`
    return new Worker(code, { ...options, eval: true, workerData })
  }
  const dir = path.dirname(fileURLToPath(callerUrl))
  const file = [path.join(dir, builtFile), path.join(dir, '..', builtFile)].find((f) => fs.existsSync(f))
  if (!file) throw new StudioError('internal', `${builtFile} is missing next to ${dir}`)
  return new Worker(file, { ...options, workerData })
}
