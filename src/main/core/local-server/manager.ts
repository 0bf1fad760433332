/**
 * Starts, watches and stops a TuFT server on this machine, the way TuFT's own embedded launcher does
 * (src/tuft/runtime/_launcher.py): `tuft launch --config F --host H --port P` in its own process group, polled on
 * /api/v1/healthz until it answers, its address written to `$TUFT_HOME/tuft_current_server`, stopped with SIGTERM
 * to the group and SIGKILL after a grace period. The process writes its output straight into a log file and is
 * detached, so it can outlive the app (when the user asks) and the CLI that started it; every process finds it
 * again through `server.json` in the data folder.
 */
import { sameServer } from '../../../shared/server-url'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {
  LOCAL_SERVER_FATAL_EXIT_WAIT_MS,
  LOCAL_SERVER_HEALTH_POLL_MS,
  LOCAL_SERVER_HEALTH_TIMEOUT_MS,
  LOCAL_SERVER_LOG_POLL_MS,
  LOCAL_SERVER_STARTUP_TIMEOUT_MS,
  LOCAL_SERVER_STOP_GRACE_MS,
} from '../../../shared/defaults'
import {
  localServerConfigSchema,
  type LocalServerConfigInput,
  type LocalServerLogLine,
  type LocalServerLogPage,
  type LocalServerPlan,
  type LocalServerStatus,
  type ModelFolderProblem,
  type ModelFolderReport,
  type TuftInstall,
} from '../../../shared/local-server'
import type { ErrorCode } from '../../../shared/error-codes'
import { StudioError } from '../../../shared/result'
import { addressFilePath } from '../tuft'
import { detectTuft } from './detect'
import {
  defaultConfigPath,
  isRecordedProcess,
  localServerDir,
  logPath as defaultLogPath,
  persistencePath,
  pidAlive,
  readRecord,
  removeRecord,
  writeFileAtomic,
  writeRecord,
  type ServerRecord,
} from './files'
import { LocalKeys, type KeySealer } from './keys'
import { LogTail } from './log-tail'
import { expandHome, inspectModelFolder } from './model-folder'
import { diagnoseExit, recogniseStartupFailure, type StartupDiagnosis } from './startup-errors'
import {
  buildTuftConfig,
  checkpointDirOf,
  configProblems,
  renderTuftYaml,
  resolveModels,
  type ResolvedModel,
} from './tuft-config'

export type LocalServerProgress = {
  phase: 'checking' | 'writing-config' | 'starting' | 'loading' | 'ready'
  current: number
  total: number
}

export type LocalServerOptions = {
  /** The app's data folder. */
  home: string
  sealer: KeySealer
  env?: NodeJS.ProcessEnv
  /** Home directory for `~/.tuft` (TUFT_HOME wins); injectable for tests. */
  homeDir?: string
  onStatus?: (s: LocalServerStatus) => void
  onLog?: (lines: LocalServerLogLine[]) => void
}

export type StartOptions = {
  /** Where to write tuft_config.yaml (default: the data folder). */
  configOut?: string
  keepRunningOnQuit?: boolean
  signal?: AbortSignal
  onProgress?: (p: LocalServerProgress) => void
  timeoutMs?: number
  /** Checked for instead of running detection again (e.g. the one the connect step showed). */
  install?: TuftInstall
}

/** The first user is the one whose key the app and the CLI send. */
export const DEFAULT_LOCAL_USER = 'local-user'

const LOG_TAIL_IN_ERRORS = 30

/** The address clients use: a wildcard bind is reached through loopback. */
export function clientUrl(host: string, port: number): string {
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`
  if (host === '::') return `http://[::1]:${port}`
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

async function healthy(url: string, timeoutMs = LOCAL_SERVER_HEALTH_TIMEOUT_MS): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v1/healthz`, { signal: AbortSignal.timeout(timeoutMs) })
    await res.arrayBuffer()
    return res.status === 200
  } catch {
    return false
  }
}

/** Resolves with null when the port can be bound, else with the bind error's code. */
function portFree(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const srv = net.createServer()
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'EADDRINUSE'))
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(null)))
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Signals the process group the server leads (it was spawned detached), falling back to the process itself. */
function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    if (process.platform !== 'win32') {
      process.kill(-pid, sig)
      return
    }
  } catch {
    // No such group (e.g. started by another tool): signal the process alone.
  }
  try {
    process.kill(pid, sig)
  } catch {
    // Already gone.
  }
}

export class LocalServerManager {
  private readonly env: NodeJS.ProcessEnv
  private readonly keys: LocalKeys
  private child: ChildProcess | null = null
  private childExited = false
  private tail: LogTail | null = null
  private starting = false
  private stopping = false
  private lastError: LocalServerStatus['error'] = null
  private keyMemo: { stamp: string; key: string | undefined } | null = null

  constructor(private readonly o: LocalServerOptions) {
    this.env = o.env ?? process.env
    this.keys = new LocalKeys(o.home, o.sealer)
  }

  detect(): Promise<TuftInstall> {
    return detectTuft(this.env)
  }

  inspect(dir: string): ModelFolderReport {
    return inspectModelFolder(dir)
  }

  private addressFile(): string {
    return addressFilePath(this.env, this.o.homeDir ?? os.homedir())
  }

  /** The config, command and paths a start would use; writes nothing but the (kept) API keys. */
  async plan(
    input: LocalServerConfigInput,
    opts: { configOut?: string; install?: TuftInstall } = {},
  ): Promise<LocalServerPlan & { resolved: ResolvedModel[]; configText: string }> {
    const install = opts.install ?? (await this.detect())
    const cfg = localServerConfigSchema.parse(input)
    const reports = cfg.models.map((m) => inspectModelFolder(m.path))
    const problems: ModelFolderProblem[] = reports.flatMap((r) =>
      r.problems.map((p) => ({ ...p, folder: r.path, message: `${r.path}: ${p.message}` })),
    )
    const resolved = resolveModels(cfg, reports)
    const configPath = opts.configOut ? expandHome(opts.configOut) : defaultConfigPath(this.o.home)
    const checkpointDir = cfg.checkpointDir
      ? expandHome(cfg.checkpointDir)
      : path.join(
          this.env.TUFT_HOME?.trim() || path.join(this.o.homeDir ?? os.homedir(), '.tuft'),
          'checkpoints',
        )
    const users = cfg.users ?? [DEFAULT_LOCAL_USER]
    const authorizedUsers = Object.fromEntries(users.map((u) => [this.keys.ensure(u, configPath), u]))
    const config = buildTuftConfig({
      models: resolved,
      checkpointDir,
      authorizedUsers,
      colocate: cfg.colocate ?? false,
      persistenceFile: cfg.persistence === 'file' ? persistencePath(this.o.home) : null,
    })
    const base = install.found ? install.command : ['tuft']
    const command = [
      ...base,
      'launch',
      '--config',
      configPath,
      '--host',
      cfg.host,
      '--port',
      String(cfg.port),
    ]
    const header = [
      'Written by TuFT Studio. Started with:',
      `  ${command.map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`,
      '(TuFT takes the host and port on the command line, not from this file.)',
    ]
    problems.push(...configProblems(resolved, cfg, reports))
    return {
      yaml: renderTuftYaml(config, header, true),
      configText: renderTuftYaml(config, header, false),
      configPath,
      command,
      url: clientUrl(cfg.host, cfg.port),
      port: cfg.port,
      host: cfg.host,
      checkpointDir,
      logPath: defaultLogPath(this.o.home),
      models: resolved.map((m) => ({ name: m.name, path: m.path, maxModelLen: m.maxModelLen, tensorParallelSize: m.tensorParallelSize })),
      users,
      problems,
      resolved,
    }
  }

  /** The key of the recorded server's first user (what the app and CLI send to it). */
  apiKey(): string | undefined {
    const r = readRecord(this.o.home)
    if (!r) return undefined
    // Every reply and event is scrubbed of this key, so it is asked for often: unseal once per launch.
    const stamp = `${r.configPath}\n${r.startedAt}`
    if (this.keyMemo?.stamp !== stamp) this.keyMemo = { stamp, key: this.keys.get(r.users[0] ?? DEFAULT_LOCAL_USER, r.configPath) }
    return this.keyMemo.key
  }

  /** The folder of the model the recorded server serves under `name`, or null. */
  servedModelDir(name: string): string | null {
    return readRecord(this.o.home)?.models.find((m) => m.name === name)?.path ?? null
  }

  /**
   * Where the recorded server keeps one checkpoint on this machine: `<checkpoint_dir>/<run>/<name>`, TuFT's own
   * layout (checkpoints.py CheckpointRecord). It stays there after the run's model is unloaded.
   */
  checkpointFolder(trainingRunId: string, name: string): string | null {
    const r = readRecord(this.o.home)
    if (!r || [trainingRunId, name].some((s) => s === '.' || s === '..' || s.includes(path.sep))) return null
    let text: string
    try {
      text = fs.readFileSync(r.configPath, 'utf8')
    } catch {
      return null
    }
    const dir = checkpointDirOf(text)
    return dir ? path.join(dir, trainingRunId, name) : null
  }

  /** The key to send to `url` when it is the recorded local server, else undefined. */
  apiKeyFor(url: string | undefined): string | undefined {
    const r = readRecord(this.o.home)
    if (!r || !url) return undefined
    return [r.url, r.addressFileUrl].some((u) => sameServer(u, url)) ? this.apiKey() : undefined
  }

  secretValues(): string[] {
    const k = this.apiKey()
    return k ? [k] : []
  }

  private emitStatus(s: LocalServerStatus): LocalServerStatus {
    this.o.onStatus?.(s)
    return s
  }

  private statusFrom(
    r: ServerRecord | null,
    state: LocalServerStatus['state'],
    isHealthy: boolean,
  ): LocalServerStatus {
    return {
      state,
      url: r?.url ?? null,
      port: r?.port ?? null,
      pid: r?.pid ?? null,
      healthy: isHealthy,
      configPath: r?.configPath ?? null,
      logPath:
        r?.logPath ?? (fs.existsSync(defaultLogPath(this.o.home)) ? defaultLogPath(this.o.home) : null),
      startedAt: r?.startedAt ?? null,
      models: r?.models ?? [],
      keepRunningOnQuit: r?.keepRunningOnQuit ?? false,
      error: this.lastError,
    }
  }

  private alive(r: ServerRecord): boolean {
    if (this.child && this.child.pid === r.pid) return !this.childExited
    return isRecordedProcess(r)
  }

  async status(): Promise<LocalServerStatus> {
    const r = readRecord(this.o.home)
    if (!r) return this.statusFrom(null, this.starting ? 'starting' : 'stopped', false)
    if (this.stopping) return this.statusFrom(r, 'stopping', false)
    if (!this.alive(r)) return this.statusFrom(r, 'exited', false)
    const ok = await healthy(r.url)
    return this.statusFrom(r, ok ? 'running' : r.state === 'starting' ? 'starting' : 'unhealthy', ok)
  }

  /** Log lines kept in memory; for a server started by another process, the log file is read first. */
  logs(q: { sinceSeq?: number; search?: string; limit?: number } = {}): LocalServerLogPage {
    const tail = this.ensureTail()
    if (!tail) return { lines: [], nextSeq: 0, logPath: null, total: 0 }
    tail.poll()
    return tail.page(q)
  }

  private ensureTail(): LogTail | null {
    if (this.tail) return this.tail
    const file = readRecord(this.o.home)?.logPath ?? defaultLogPath(this.o.home)
    if (!fs.existsSync(file)) return null
    this.tail = new LogTail(file)
    return this.tail
  }

  /** Follows the log of a server that is already running (started earlier or by the CLI) and pushes its new lines. */
  watch(): void {
    const tail = this.ensureTail()
    if (!tail) return
    tail.poll()
    tail.follow(LOCAL_SERVER_LOG_POLL_MS, (lines) => this.o.onLog?.(lines))
  }

  async setKeepRunning(keep: boolean): Promise<LocalServerStatus> {
    const r = readRecord(this.o.home)
    if (!r) throw new StudioError('local-server-not-running', 'No local TuFT server is running.')
    writeRecord(this.o.home, { ...r, keepRunningOnQuit: keep })
    return this.emitStatus(await this.status())
  }

  async start(input: LocalServerConfigInput, opts: StartOptions = {}): Promise<LocalServerStatus> {
    if (this.starting)
      throw new StudioError('local-server-already-running', 'A local TuFT server is already starting.')
    const existing = readRecord(this.o.home)
    if (existing && isRecordedProcess(existing))
      throw new StudioError(
        'local-server-already-running',
        `A local TuFT server is already running at ${existing.url} (PID ${existing.pid}).`,
        {
          url: existing.url,
          pid: existing.pid,
        },
      )
    this.starting = true
    this.lastError = null
    try {
      return await this.startOnce(input, opts, existing)
    } catch (err) {
      if (err instanceof StudioError)
        this.lastError = {
          code: err.code,
          message: err.message,
          line: (err.details?.line as string | null | undefined) ?? null,
        }
      this.emitStatus(this.statusFrom(null, 'stopped', false))
      throw err
    } finally {
      this.starting = false
    }
  }

  private async startOnce(
    input: LocalServerConfigInput,
    opts: StartOptions,
    stale: ServerRecord | null,
  ): Promise<LocalServerStatus> {
    const progress = opts.onProgress ?? (() => undefined)
    progress({ phase: 'checking', current: 0, total: 1 })
    const install = opts.install ?? (await this.detect())
    if (!install.found) throw new StudioError('tuft-not-installed', install.reason, { tried: install.tried })
    const plan = await this.plan(input, { configOut: opts.configOut, install })
    const folderProblems = plan.problems.filter((p) => p.kind !== 'bad-config')
    if (folderProblems.length)
      throw new StudioError('model-folder-invalid', folderProblems.map((p) => p.message).join(' '), {
        problems: folderProblems,
      })
    if (plan.problems.length)
      throw new StudioError('local-server-bad-config', plan.problems.map((p) => p.message).join(' '), {
        problems: plan.problems,
      })
    const bind = await portFree(plan.host, plan.port)
    if (bind) {
      const other = await healthy(clientUrl(plan.host, plan.port))
      throw new StudioError(
        bind === 'EACCES' ? 'invalid-input' : 'local-server-port-taken',
        bind === 'EACCES'
          ? `Port ${plan.port} needs administrator rights on this system; pick a port above 1023.`
          : `Port ${plan.port} on ${plan.host} is already in use${other ? ' by a server that answers like TuFT' : ''}.`,
        { port: plan.port, host: plan.host, answersLikeTuft: other, privileged: bind === 'EACCES' },
      )
    }
    if (opts.signal?.aborted) throw new StudioError('cancelled', 'Cancelled.')
    if (stale) this.cleanup(stale)

    progress({ phase: 'writing-config', current: 0, total: 1 })
    writeFileAtomic(plan.configPath, plan.configText, 0o600)
    fs.mkdirSync(localServerDir(this.o.home), { recursive: true })
    const log = plan.logPath
    if (fs.existsSync(log)) fs.renameSync(log, `${log}.1`)
    const fd = fs.openSync(log, 'w', 0o600)
    fs.writeSync(fd, `[tuft-studio] ${new Date().toISOString()} starting: ${plan.command.join(' ')}\n`)

    progress({ phase: 'starting', current: 0, total: 1 })
    const env: NodeJS.ProcessEnv = { ...this.env, PYTHONUNBUFFERED: '1' }
    // As TuFT's launcher does: a server must not discover itself through TUFT_ADDRESS.
    delete env.TUFT_ADDRESS
    let child: ChildProcess
    try {
      child = spawn(plan.command[0], plan.command.slice(1), {
        detached: true,
        stdio: ['ignore', fd, fd],
        env,
        cwd: localServerDir(this.o.home),
      })
    } finally {
      fs.closeSync(fd)
    }
    const spawnError = new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve))
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => {
        this.childExited = true
        resolve({ code, signal })
      }),
    )
    this.child = child
    this.childExited = false
    child.unref()
    const pid = child.pid
    if (pid === undefined) {
      const e = await spawnError
      throw new StudioError('tuft-not-installed', `Could not run ${plan.command[0]}: ${e.message}`, {
        command: plan.command,
        cause: e.message,
      })
    }
    const record: ServerRecord = {
      pid,
      host: plan.host,
      port: plan.port,
      url: plan.url,
      addressFileUrl: `http://${plan.host}:${plan.port}`,
      configPath: plan.configPath,
      logPath: log,
      command: plan.command,
      startedAt: new Date().toISOString(),
      models: plan.models.map(({ name, path }) => ({ name, path })),
      users: plan.users,
      keepRunningOnQuit: opts.keepRunningOnQuit ?? false,
      state: 'starting',
    }
    writeRecord(this.o.home, record)
    this.tail?.stop()
    this.tail = new LogTail(log)
    const tail = this.tail
    this.emitStatus(this.statusFrom(record, 'starting', false))

    const timeoutMs = opts.timeoutMs ?? LOCAL_SERVER_STARTUP_TIMEOUT_MS
    const t0 = Date.now()
    let fatalSince: number | null = null
    const ended: { exit: { code: number | null; signal: NodeJS.Signals | null } | null } = { exit: null }
    void exited.then((e) => (ended.exit = e))
    const fail = async (code: ErrorCode, message: string, line: string | null, named: Pick<StartupDiagnosis, 'field' | 'modelIndex'> = {}, how: Record<string, unknown> = {}): Promise<never> => {
      await this.kill(record, exited)
      const lines = tail.drain()
      if (lines.length) this.o.onLog?.(lines)
      this.cleanup(record)
      // Weights that cannot be loaded are a model's: the one whose folder the line names.
      const modelIndex = named.modelIndex ?? (code === 'local-server-missing-weights' && line ? plan.models.findIndex((m) => line.includes(m.path)) : -1)
      throw new StudioError(code, message, {
        line,
        ...(named.field ? { field: named.field } : {}),
        ...(modelIndex >= 0 ? { modelIndex } : {}),
        ...how,
        logPath: log,
        logTail: tail.recent(LOG_TAIL_IN_ERRORS),
        port: plan.port,
        pid,
      })
    }
    for (;;) {
      const fresh = tail.poll()
      if (fresh.length) this.o.onLog?.(fresh)
      const exit = ended.exit
      if (exit) {
        const lines = tail.drain()
        if (lines.length) this.o.onLog?.(lines)
        const d = diagnoseExit(tail.texts())
        const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`
        return fail(d.code, `TuFT ${how} before it answered${d.line ? `: ${d.line}` : '.'}`, d.line, d, { startup: 'exited', exitCode: exit.code, signal: exit.signal })
      }
      if (opts.signal?.aborted)
        return fail('cancelled', 'Cancelled while TuFT was starting; the process was stopped.', null, {}, { startup: 'cancelled' })
      if (await healthy(plan.url)) break
      const known = recogniseStartupFailure(fresh.map((l) => l.text))
      if (known && fatalSince === null) fatalSince = Date.now()
      if (fatalSince !== null && Date.now() - fatalSince > LOCAL_SERVER_FATAL_EXIT_WAIT_MS) {
        const d = diagnoseExit(tail.texts())
        return fail(d.code, `TuFT reported a fatal error while starting: ${d.line ?? 'see the log'}`, d.line, d, { startup: 'fatal' })
      }
      const elapsed = Date.now() - t0
      if (elapsed > timeoutMs)
        return fail(
          'local-server-start-timeout',
          `TuFT did not answer ${plan.url}/api/v1/healthz within ${Math.round(timeoutMs / 1000)} s; it was stopped.`,
          null,
          {},
          { startup: 'timeout', url: `${plan.url}/api/v1/healthz`, seconds: Math.round(timeoutMs / 1000) },
        )
      progress({ phase: 'loading', current: Math.round(elapsed / 1000), total: Math.round(timeoutMs / 1000) })
      await Promise.race([sleep(LOCAL_SERVER_HEALTH_POLL_MS), exited])
    }

    // Like `tuft launch` itself: other tools (tuft.init(), the SDK helpers, this app) discover the server here.
    try {
      const file = this.addressFile()
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, record.addressFileUrl)
    } catch {
      // TuFT ignores a read-only home too; discovery then falls back to the default port.
    }
    const running: ServerRecord = { ...record, state: 'running' }
    writeRecord(this.o.home, running)
    tail.follow(LOCAL_SERVER_LOG_POLL_MS, (lines) => this.o.onLog?.(lines))
    progress({ phase: 'ready', current: 1, total: 1 })
    return this.emitStatus(this.statusFrom(running, 'running', true))
  }

  /** SIGTERM to the group, SIGKILL after the grace period; resolves once the process is gone. */
  private async kill(
    r: ServerRecord,
    exited?: Promise<unknown>,
    graceMs = LOCAL_SERVER_STOP_GRACE_MS,
  ): Promise<void> {
    const gone = (): boolean => (this.child?.pid === r.pid ? this.childExited : !pidAlive(r.pid))
    if (gone()) return
    signalGroup(r.pid, 'SIGTERM')
    const until = Date.now() + graceMs
    while (!gone() && Date.now() < until) await Promise.race([sleep(100), exited ?? sleep(100)])
    if (gone()) return
    signalGroup(r.pid, 'SIGKILL')
    const hard = Date.now() + 5_000
    while (!gone() && Date.now() < hard) await sleep(50)
  }

  /** Removes the record and, if it still points at this server, the address file (as `tuft launch` does on exit). */
  private cleanup(r: ServerRecord): void {
    removeRecord(this.o.home)
    try {
      const file = this.addressFile()
      if (fs.readFileSync(file, 'utf8').trim() === r.addressFileUrl) fs.rmSync(file, { force: true })
    } catch {
      // No address file: nothing to remove.
    }
  }

  /** Stops the recorded server; `wasRunning` is false when there was nothing to stop. */
  async stop(o: { graceMs?: number } = {}): Promise<LocalServerStatus & { wasRunning: boolean }> {
    const r = readRecord(this.o.home)
    if (!r) return { ...this.statusFrom(null, 'stopped', false), wasRunning: false }
    const wasRunning = this.alive(r)
    if (wasRunning) {
      this.stopping = true
      this.emitStatus(this.statusFrom(r, 'stopping', false))
      try {
        await this.kill(r, undefined, o.graceMs)
      } finally {
        this.stopping = false
      }
      if (this.alive(r))
        throw new StudioError('internal', `TuFT (PID ${r.pid}) did not stop after SIGKILL.`, { pid: r.pid })
    }
    const lines = this.tail?.drain() ?? []
    if (lines.length) this.o.onLog?.(lines)
    this.tail?.stop()
    this.cleanup(r)
    return { ...this.emitStatus(this.statusFrom(null, 'stopped', false)), wasRunning }
  }

  /** Stops following the log and leaves the server as it is (a CLI that started it exits). */
  release(): void {
    this.tail?.stop()
  }

  /** On quit: stops the server unless the user chose to leave it running; stops following its log. */
  async shutdown(): Promise<void> {
    this.tail?.stop()
    const r = readRecord(this.o.home)
    if (r && !r.keepRunningOnQuit && this.alive(r)) await this.stop()
  }
}
