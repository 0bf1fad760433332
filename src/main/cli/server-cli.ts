/**
 * `npm run cli -- server <command>`: a TuFT server on this workstation, and what is on any server.
 *   launch       start TuFT in the background from a model folder; exits 0 once /api/v1/healthz answers
 *   status       URL, port, PID and health of the server `launch` started
 *   stop         SIGTERM (SIGKILL after a grace period); exits 0 once it is gone
 *   logs         the server log (last lines, or the lines matching a search)
 *   runs         training runs (and their checkpoints) this key owns on a server
 *   checkpoints  one run's checkpoints
 * The launched server is recorded in the data folder (TUFT_STUDIO_HOME), where the app finds it too.
 */
import { LOCAL_SERVER_STARTUP_TIMEOUT_MS, TUFT_DEFAULT_PORT } from '../../shared/defaults'
import type { LocalServerConfigInput, LocalServerStatus } from '../../shared/local-server'
import { labelOf, MISSING, type I18n } from '../../shared/i18n'
import { createKeyFileSecretStore } from '../api/secret-store'
import { LocalServerManager } from '../core/local-server'
import { runsByServerModelIds } from '../core/runs'
import { serverRunsJson } from '../core/server-browser'
import { studioHome } from '../core/store'
import { createTuftClient } from '../core/tuft'
import { readApiKeyFile } from './api-key-file'
import { CliError, displayWidth, padCells } from '../../platform/cli-i18n'
import { parseCommandArgs, usageError, UsageError, type CliCommand, type CommandContext } from './dataset-cli'

const managerFor = (onLog?: (line: string) => void): LocalServerManager => {
  const home = studioHome()
  return new LocalServerManager({
    home,
    sealer: createKeyFileSecretStore(home),
    onLog: onLog ? (lines) => lines.forEach((l) => onLog(l.text)) : undefined,
  })
}

function int(i18n: I18n, raw: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw new UsageError(i18n.t.cli.common.integerRange(flag, min, max, raw))
  return n
}

function printStatus(ctx: CommandContext, s: LocalServerStatus): void {
  const { t } = ctx.i18n
  if (s.state === 'stopped') return ctx.out(t.cli.server.notRunning)
  ctx.out(t.cli.server.status({ state: s.state, stateLabel: t.localServer.state[s.state] ?? s.state, url: s.url ?? MISSING, pid: s.pid, healthy: s.healthy }))
  for (const m of s.models) ctx.out(t.cli.server.model(m.name, m.path))
  ctx.out(t.cli.server.config(s.configPath ?? MISSING))
  ctx.out(t.cli.server.log(s.logPath ?? MISSING))
}

/** A checkpoint type (TuFT's `training` / `sampler`) in the reader's words. */
const checkpointType = (i18n: I18n, type: string): string => i18n.t.cli.server.checkpointType[type] ?? type
/** The column the types take, so the paths after them line up. */
const checkpointTypeWidth = (i18n: I18n): number => Math.max(8, ...Object.values(i18n.t.cli.server.checkpointType).map(displayWidth))

const statusJson = (s: LocalServerStatus) => ({
  url: s.url,
  port: s.port,
  pid: s.pid,
  healthy: s.healthy,
  running: s.state === 'running' || s.state === 'starting' || s.state === 'unhealthy',
  state: s.state,
  configPath: s.configPath,
  logPath: s.logPath,
  models: s.models,
  startedAt: s.startedAt,
})

const launch: CliCommand = {
  text: 'launch',
  async run(args, ctx) {
    const { i18n } = ctx
    const t = i18n.t.cli.server
    const { values, positionals } = parseCommandArgs(
      args,
      {
        'model-path': { type: 'string', multiple: true },
        'model-name': { type: 'string', multiple: true },
        port: { type: 'string' },
        host: { type: 'string' },
        'max-lora-rank': { type: 'string' },
        'max-model-len': { type: 'string' },
        'tensor-parallel-size': { type: 'string' },
        'training-backend': { type: 'string' },
        'checkpoint-dir': { type: 'string' },
        'config-out': { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
      },
      ctx,
      'launch',
    )
    if (positionals.length) throw usageError(ctx, 'launch', i18n.t.cli.common.unexpectedArgument(positionals[0]))
    const paths = values['model-path'] ?? []
    const names = values['model-name'] ?? []
    if (paths.length === 0) throw usageError(ctx, 'launch', t.modelPathRequired)
    if (names.length > paths.length) throw new UsageError(t.nameWithoutPath)
    const backend = values['training-backend']
    if (backend !== undefined && backend !== 'hf' && backend !== 'fsdp') throw new UsageError(t.backend(backend))
    const host = values.host ?? '127.0.0.1'
    if (!['127.0.0.1', '0.0.0.0', 'localhost', '::1', '::'].includes(host)) throw new UsageError(t.host(host))
    const shared = {
      maxLoraRank: int(i18n, values['max-lora-rank'], 'max-lora-rank', 1, 1024),
      maxModelLen: int(i18n, values['max-model-len'], 'max-model-len', 128, 1_048_576),
      tensorParallelSize: int(i18n, values['tensor-parallel-size'], 'tensor-parallel-size', 1, 64),
      trainingBackend: backend as 'hf' | 'fsdp' | undefined,
    }
    const config: LocalServerConfigInput = {
      models: paths.map(
        (p, i) =>
          Object.fromEntries(
            Object.entries({ path: p, name: names[i], ...shared }).filter(([, v]) => v !== undefined),
          ) as LocalServerConfigInput['models'][number],
      ),
      port: int(i18n, values.port, 'port', 1, 65535) ?? TUFT_DEFAULT_PORT,
      host: host as LocalServerConfigInput['host'],
      ...(values['checkpoint-dir'] ? { checkpointDir: values['checkpoint-dir'] } : {}),
    }
    const timeoutS = int(i18n, values.timeout, 'timeout', 1, 86_400)
    let lastPhase = ''
    const m = managerFor((line) => ctx.err(`  │ ${line}`))
    const s = await m.start(config, {
      configOut: values['config-out'],
      keepRunningOnQuit: true,
      signal: ctx.signal,
      timeoutMs: timeoutS ? timeoutS * 1000 : LOCAL_SERVER_STARTUP_TIMEOUT_MS,
      onProgress: (p) => {
        if (p.phase !== lastPhase && p.phase !== 'ready')
          ctx.err(`${i18n.t.localServer.phases[p.phase] ?? p.phase}…`)
        lastPhase = p.phase
      },
    })
    m.release()
    if (values.json) return ctx.out(JSON.stringify(statusJson(s), null, 2))
    printStatus(ctx, s)
    ctx.out(t.key)
    ctx.out(t.stopHint)
  },
}

const status: CliCommand = {
  text: 'status',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, ctx, 'status')
    const s = await managerFor().status()
    if (values.json) return ctx.out(JSON.stringify(statusJson(s), null, 2))
    printStatus(ctx, s)
  },
}

const stop: CliCommand = {
  text: 'stop',
  async run(args, ctx) {
    const t = ctx.i18n.t.cli.server
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, ctx, 'stop')
    const m = managerFor()
    const before = await m.status()
    const s = await m.stop()
    if (values.json)
      return ctx.out(JSON.stringify({ stopped: s.wasRunning, pid: before.pid, port: before.port }, null, 2))
    ctx.out(s.wasRunning ? t.stopped(before.pid, before.port) : t.noneWasRunning)
  },
}

const logs: CliCommand = {
  text: 'logs',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { lines: { type: 'string' }, search: { type: 'string' } }, ctx, 'logs')
    const page = managerFor().logs({
      search: values.search,
      limit: int(ctx.i18n, values.lines, 'lines', 1, 1_000_000) ?? 100,
    })
    if (!page.logPath) throw new CliError('local-server-not-running', ctx.i18n.t.cli.server.noLog)
    for (const l of page.lines) ctx.out(l.text)
  },
}

/** The server and key for `runs`/`checkpoints`: --server or discovery; --api-key-file, the local server's key, else TINKER_API_KEY. */
function clientFor(values: { server?: string; 'api-key-file'?: string }, i18n: I18n) {
  const m = managerFor()
  const keyFromFile = values['api-key-file'] ? readApiKeyFile(values['api-key-file'], i18n) : undefined
  const probe = createTuftClient({ url: values.server })
  const url = probe.server.url
  probe.close()
  return createTuftClient({ url, apiKey: keyFromFile ?? m.apiKeyFor(url) })
}

const remoteOptions = {
  server: { type: 'string' },
  'api-key-file': { type: 'string' },
  json: { type: 'boolean' },
} as const

const runs: CliCommand = {
  text: 'runs',
  async run(args, ctx) {
    const { t, fmt } = ctx.i18n
    const { values, positionals } = parseCommandArgs(args, remoteOptions, ctx, 'runs')
    if (positionals.length) throw usageError(ctx, 'runs', t.cli.common.unexpectedArgument(positionals[0]))
    const client = clientFor(values, ctx.i18n)
    try {
      const data = await serverRunsJson(client, undefined, { signal: ctx.signal })
      if (values.json) return ctx.out(JSON.stringify(data, null, 2))
      if (data.training_runs.length === 0) return ctx.out(t.cli.server.noRuns(client.server.url))
      const links = runsByServerModelIds(
        ctx.db(),
        data.training_runs.map((r) => r.training_run_id),
      )
      ctx.out(t.cli.server.runsHead(data.training_runs.length, client.server.url))
      const typeWidth = checkpointTypeWidth(ctx.i18n)
      for (const r of data.training_runs) {
        const link = links.get(r.training_run_id)
        ctx.out(
          t.cli.server.run({ id: r.training_run_id, baseModel: r.base_model, rank: r.lora_rank ?? null, checkpoints: r.checkpoints.length }) +
            (link ? t.cli.server.studioRun(link.name, labelOf(t.history.status, link.status) ?? link.status) : ''),
        )
        for (const c of r.checkpoints) ctx.out(`    ${padCells(checkpointType(ctx.i18n, c.checkpoint_type), typeWidth)} ${c.tinker_path}  ${fmt.dateTime(c.time)}`)
      }
    } finally {
      client.close()
    }
  },
}

const checkpoints: CliCommand = {
  text: 'checkpoints',
  async run(args, ctx) {
    const { t, fmt } = ctx.i18n
    const { values, positionals } = parseCommandArgs(args, remoteOptions, ctx, 'checkpoints')
    if (positionals.length !== 1) throw usageError(ctx, 'checkpoints', t.cli.server.expectedRunId)
    const client = clientFor(values, ctx.i18n)
    try {
      if (values.json)
        return ctx.out(
          JSON.stringify(await serverRunsJson(client, positionals[0], { signal: ctx.signal }), null, 2),
        )
      const cks = await client.listAllCheckpoints(positionals[0], { signal: ctx.signal })
      if (cks.length === 0) return ctx.out(t.cli.server.noCheckpoints(positionals[0]))
      const typeWidth = checkpointTypeWidth(ctx.i18n)
      for (const c of cks)
        ctx.out(
          `${padCells(checkpointType(ctx.i18n, c.checkpoint_type), typeWidth)} ${c.tinker_path}  ${fmt.dateTime(c.time)}  ${typeof c.size_bytes === 'number' ? fmt.bytes(c.size_bytes) : MISSING}${c.public ? `  ${t.cli.server.public}` : ''}`,
        )
    } finally {
      client.close()
    }
  },
}

export const SERVER_COMMANDS: Record<string, CliCommand> = { launch, status, stop, logs, runs, checkpoints }
