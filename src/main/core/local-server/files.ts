/**
 * What the local TuFT server leaves in the data folder (`<data>/local-server/`), readable by any process — the app,
 * `npm run cli -- server …` and the tokenizer loader agree on it:
 *   tuft_config.yaml   the config TuFT was started with (0600: it holds the API keys TuFT checks)
 *   server.json        the running server: PID, host, port, URL, config and log paths, served models
 *   keys.json          the generated API keys, encrypted like every other key the app stores
 *   tuft.log           TuFT's stdout + stderr (the previous launch's log is kept as tuft.log.1)
 *   tuft-state.json    TuFT's FILE persistence (runs and checkpoint records survive a restart)
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

export const localServerDir = (home: string): string => path.join(home, 'local-server')
export const defaultConfigPath = (home: string): string => path.join(localServerDir(home), 'tuft_config.yaml')
export const recordPath = (home: string): string => path.join(localServerDir(home), 'server.json')
export const keysPath = (home: string): string => path.join(localServerDir(home), 'keys.json')
export const logPath = (home: string): string => path.join(localServerDir(home), 'tuft.log')
export const persistencePath = (home: string): string => path.join(localServerDir(home), 'tuft-state.json')

const RecordSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  port: z.number().int(),
  url: z.string(),
  /** What was written to ~/.tuft/tuft_current_server (TuFT writes the bind host as is). */
  addressFileUrl: z.string(),
  configPath: z.string(),
  logPath: z.string(),
  command: z.array(z.string()),
  startedAt: z.string(),
  models: z.array(z.object({ name: z.string(), path: z.string() })),
  users: z.array(z.string()),
  keepRunningOnQuit: z.boolean(),
  state: z.enum(['starting', 'running']),
})
export type ServerRecord = z.infer<typeof RecordSchema>

export function readRecord(home: string): ServerRecord | null {
  try {
    return RecordSchema.parse(JSON.parse(fs.readFileSync(recordPath(home), 'utf8')))
  } catch {
    return null
  }
}

/** Written to a temporary file then renamed, so a reader never sees half a record. */
export function writeRecord(home: string, r: ServerRecord): void {
  writeFileAtomic(recordPath(home), JSON.stringify(r, null, 2) + '\n', 0o600)
}

export function removeRecord(home: string): void {
  fs.rmSync(recordPath(home), { force: true })
}

export function writeFileAtomic(file: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, text, { mode })
  fs.chmodSync(tmp, mode)
  fs.renameSync(tmp, file)
}

/** Whether a process with this PID exists (EPERM: it does, but belongs to another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Whether `pid` is still the server the record describes, not an unrelated process that reused the PID: on Linux
 * its command line must name the config file; elsewhere a live PID is trusted.
 */
export function isRecordedProcess(r: ServerRecord): boolean {
  if (!pidAlive(r.pid)) return false
  if (process.platform !== 'linux') return true
  try {
    const cmdline = fs.readFileSync(`/proc/${r.pid}/cmdline`, 'utf8')
    // A process that has exited but not yet been reaped has an empty command line.
    return cmdline.includes(r.configPath)
  } catch {
    return false
  }
}

/** The model folder a running local server serves under `modelName`, for loading its tokenizer without the hub. */
export function servedModelDir(home: string, modelName: string): string | null {
  const r = readRecord(home)
  if (!r) return null
  const m = r.models.find((x) => x.name === modelName)
  if (!m || !isRecordedProcess(r)) return null
  return fs.existsSync(path.join(m.path, 'tokenizer.json')) &&
    fs.existsSync(path.join(m.path, 'tokenizer_config.json'))
    ? m.path
    : null
}
