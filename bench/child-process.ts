import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChildTask, ImportResult, ImportTask, TokenizeResult, TokenizeTask } from './child-tasks'

const benchDir = path.dirname(fileURLToPath(import.meta.url))

type ResultOf<T extends ChildTask> = T extends ImportTask
  ? ImportResult
  : T extends TokenizeTask
    ? TokenizeResult
    : never

/**
 * Runs one task of child-tasks.ts in a fresh Node process (with TUFT_STUDIO_HOME as given) and returns
 * its result and that process's peak RSS in MB.
 */
export function runInChild<T extends ChildTask>(
  task: T,
  home: string,
): Promise<{ result: ResultOf<T>; peakRssMb: number }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(benchDir, 'child-tasks.ts'), JSON.stringify(task)],
    {
      cwd: path.dirname(benchDir),
      env: { ...process.env, TUFT_STUDIO_HOME: home },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_CHILD_RESULT '))
      if (code !== 0 || !line) reject(new Error(`bench task ${task.task} exited with ${code}`))
      else
        resolve(
          JSON.parse(line.slice('BENCH_CHILD_RESULT '.length)) as { result: ResultOf<T>; peakRssMb: number },
        )
    })
  })
}
