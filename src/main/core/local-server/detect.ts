import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { LOCAL_SERVER_DETECT_TIMEOUT_MS } from '../../../shared/defaults'
import type { TuftInstall } from '../../../shared/local-server'

/** An executable file named `name` on PATH (with PATHEXT on Windows), or null. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : ['']
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext)
      if (isExecutable(candidate)) return candidate
    }
  }
  return null
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false
    fs.accessSync(file, fs.constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** True when this interpreter can import the `tuft` package (found without importing it: TuFT's import pulls in torch). */
function hasTuftModule(python: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('tuft') else 3)"],
      { env, timeout: LOCAL_SERVER_DETECT_TIMEOUT_MS },
      (err) => resolve(!err),
    )
  })
}

/**
 * How to run TuFT here, in this order: `TUFT_BIN` (an explicit choice: used or reported, never skipped), a `tuft`
 * executable on PATH (what `pip install tuft` puts in a venv's bin), then `python3 -m tuft` / `python -m tuft`.
 */
export async function detectTuft(env: NodeJS.ProcessEnv = process.env): Promise<TuftInstall> {
  const tried: string[] = []
  const explicit = env.TUFT_BIN?.trim()
  if (explicit) {
    tried.push(`TUFT_BIN=${explicit}`)
    const resolved =
      explicit.includes('/') || explicit.includes('\\')
        ? isExecutable(explicit)
          ? path.resolve(explicit)
          : null
        : findOnPath(explicit, env)
    if (resolved) return { found: true, via: 'TUFT_BIN', command: [resolved], tried }
    return {
      found: false,
      command: null,
      tried,
      reason: `TUFT_BIN is set to ${explicit}, which is not an executable file.`,
    }
  }
  tried.push('tuft on PATH')
  const onPath = findOnPath('tuft', env)
  if (onPath) return { found: true, via: 'PATH', command: [onPath], tried }
  for (const py of ['python3', 'python']) {
    const exe = findOnPath(py, env)
    tried.push(`${py} -m tuft`)
    if (exe && (await hasTuftModule(exe, env)))
      return { found: true, via: 'python-module', command: [exe, '-m', 'tuft'], tried }
  }
  return {
    found: false,
    command: null,
    tried,
    reason: 'No tuft executable on PATH and no Python on PATH can import the tuft package.',
  }
}
