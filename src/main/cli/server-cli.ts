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
import { StudioError } from '../../shared/result'
import { i18nFor, localeFromEnv } from '../../shared/i18n'
import { createKeyFileSecretStore } from '../api/secret-store'
import { LocalServerManager } from '../core/local-server'
import { runsByServerModelIds } from '../core/runs'
import { serverRunsJson } from '../core/server-browser'
import { studioHome } from '../core/store'
import { createTuftClient } from '../core/tuft'
import { readApiKeyFile } from './api-key-file'
import { parseCommandArgs, UsageError, type CliCommand, type CliContext } from './dataset-cli'

const managerFor = (onLog?: (line: string) => void): LocalServerManager => {
  const home = studioHome()
  return new LocalServerManager({
    home,
    sealer: createKeyFileSecretStore(home),
    onLog: onLog ? (lines) => lines.forEach((l) => onLog(l.text)) : undefined,
  })
}

function int(raw: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max)
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max} (got "${raw}")`)
  return n
}

const mb = (n: number | null | undefined): string =>
  n === null || n === undefined
    ? '—'
    : n >= 2 ** 30
      ? `${(n / 2 ** 30).toFixed(1)} GB`
      : `${(n / 2 ** 20).toFixed(1)} MB`

function printStatus(ctx: CliContext, s: LocalServerStatus): void {
  if (s.state === 'stopped') return ctx.out('No local TuFT server is running.')
  ctx.out(
    `TuFT ${s.state === 'running' ? 'is running' : `is ${s.state}`} at ${s.url} (PID ${s.pid}${s.healthy ? ', healthy' : ', not answering /api/v1/healthz'}).`,
  )
  for (const m of s.models) ctx.out(`  model:   ${m.name}  ←  ${m.path}`)
  ctx.out(`  config:  ${s.configPath}`)
  ctx.out(`  log:     ${s.logPath}`)
}

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

const launchUsage =
  'server launch --model-path DIR [--model-name NAME] [--port P] [--max-lora-rank R] [--checkpoint-dir D] [--config-out F] [--max-model-len N] [--tensor-parallel-size N] [--training-backend hf|fsdp] [--host 127.0.0.1|0.0.0.0] [--timeout SECONDS] [--json]'

const launch: CliCommand = {
  usage: launchUsage,
  summary:
    'start TuFT in the background on a local model folder; returns once it answers (PID, port and log path are recorded in the data folder)',
  async run(args, ctx) {
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
      launchUsage,
    )
    if (positionals.length)
      throw new UsageError(`unexpected argument "${positionals[0]}"\nusage: ${launchUsage}`)
    const paths = values['model-path'] ?? []
    const names = values['model-name'] ?? []
    if (paths.length === 0)
      throw new UsageError(
        `--model-path DIR is required (a folder with config.json, tokenizer files and *.safetensors)\nusage: ${launchUsage}`,
      )
    if (names.length > paths.length)
      throw new UsageError('each --model-name names the --model-path given at the same position')
    const backend = values['training-backend']
    if (backend !== undefined && backend !== 'hf' && backend !== 'fsdp')
      throw new UsageError(`--training-backend must be hf or fsdp (got "${backend}")`)
    const host = values.host ?? '127.0.0.1'
    if (!['127.0.0.1', '0.0.0.0', 'localhost', '::1', '::'].includes(host))
      throw new UsageError(
        `--host must be 127.0.0.1 (this machine) or 0.0.0.0 (all interfaces); got "${host}"`,
      )
    const shared = {
      maxLoraRank: int(values['max-lora-rank'], 'max-lora-rank', 1, 1024),
      maxModelLen: int(values['max-model-len'], 'max-model-len', 128, 1_048_576),
      tensorParallelSize: int(values['tensor-parallel-size'], 'tensor-parallel-size', 1, 64),
      trainingBackend: backend as 'hf' | 'fsdp' | undefined,
    }
    const config: LocalServerConfigInput = {
      models: paths.map(
        (p, i) =>
          Object.fromEntries(
            Object.entries({ path: p, name: names[i], ...shared }).filter(([, v]) => v !== undefined),
          ) as LocalServerConfigInput['models'][number],
      ),
      port: int(values.port, 'port', 1, 65535) ?? TUFT_DEFAULT_PORT,
      host: host as LocalServerConfigInput['host'],
      ...(values['checkpoint-dir'] ? { checkpointDir: values['checkpoint-dir'] } : {}),
    }
    const timeoutS = int(values.timeout, 'timeout', 1, 86_400)
    let lastPhase = ''
    const m = managerFor((line) => ctx.err(`  │ ${line}`))
    const s = await m.start(config, {
      configOut: values['config-out'],
      keepRunningOnQuit: true,
      signal: ctx.signal,
      timeoutMs: timeoutS ? timeoutS * 1000 : LOCAL_SERVER_STARTUP_TIMEOUT_MS,
      onProgress: (p) => {
        if (p.phase !== lastPhase && p.phase !== 'ready')
          ctx.err(`${i18nFor(localeFromEnv(process.env)).t.localServer.phases[p.phase] ?? p.phase}…`)
        lastPhase = p.phase
      },
    })
    m.release()
    if (values.json) return ctx.out(JSON.stringify(statusJson(s), null, 2))
    printStatus(ctx, s)
    ctx.out(
      `  key:     generated for user local-user, in the config above (authorized_users); \`server runs\` and the app use it`,
    )
    ctx.out('  stop:    npm run cli -- server stop')
  },
}

const statusUsage = 'server status [--json]'
const status: CliCommand = {
  usage: statusUsage,
  summary: 'the local TuFT server `server launch` started: URL, port, PID, healthy',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, statusUsage)
    const s = await managerFor().status()
    if (values.json) return ctx.out(JSON.stringify(statusJson(s), null, 2))
    printStatus(ctx, s)
  },
}

const stopUsage = 'server stop [--json]'
const stop: CliCommand = {
  usage: stopUsage,
  summary: 'stop the local TuFT server (SIGTERM, then SIGKILL after a grace period); exits 0 once it is gone',
  async run(args, ctx) {
    const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, stopUsage)
    const m = managerFor()
    const before = await m.status()
    const s = await m.stop()
    if (values.json)
      return ctx.out(JSON.stringify({ stopped: s.wasRunning, pid: before.pid, port: before.port }, null, 2))
    ctx.out(
      s.wasRunning
        ? `Stopped TuFT (PID ${before.pid}, port ${before.port}).`
        : 'No local TuFT server was running.',
    )
  },
}

const logsUsage = 'server logs [--lines N] [--search TEXT]'
const logs: CliCommand = {
  usage: logsUsage,
  summary: 'print the local server log: its last lines, or the lines containing TEXT',
  async run(args, ctx) {
    const { values } = parseCommandArgs(
      args,
      { lines: { type: 'string' }, search: { type: 'string' } },
      logsUsage,
    )
    const page = managerFor().logs({
      search: values.search,
      limit: int(values.lines, 'lines', 1, 1_000_000) ?? 100,
    })
    if (!page.logPath)
      throw new StudioError(
        'local-server-not-running',
        'No local TuFT server log yet: start one with `npm run cli -- server launch --model-path DIR`.',
      )
    for (const l of page.lines) ctx.out(l.text)
  },
}

/** The server and key for `runs`/`checkpoints`: --server or discovery; --api-key-file, the local server's key, else TINKER_API_KEY. */
function clientFor(values: { server?: string; 'api-key-file'?: string }) {
  const m = managerFor()
  const keyFromFile = values['api-key-file'] ? readApiKeyFile(values['api-key-file']) : undefined
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

const runsUsage = 'server runs [--server URL] [--api-key-file F] [--json]'
const runs: CliCommand = {
  usage: runsUsage,
  summary:
    'training runs this key owns on a server (TUFT_ADDRESS, ~/.tuft/tuft_current_server, … when --server is not given), with their checkpoints',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, remoteOptions, runsUsage)
    if (positionals.length)
      throw new UsageError(`unexpected argument "${positionals[0]}"\nusage: ${runsUsage}`)
    const client = clientFor(values)
    try {
      const data = await serverRunsJson(client, undefined, { signal: ctx.signal })
      if (values.json) return ctx.out(JSON.stringify(data, null, 2))
      if (data.training_runs.length === 0)
        return ctx.out(`No training runs for this key on ${client.server.url}.`)
      const links = runsByServerModelIds(
        ctx.db(),
        data.training_runs.map((r) => r.training_run_id),
      )
      ctx.out(`${data.training_runs.length} training run(s) on ${client.server.url}:`)
      for (const r of data.training_runs) {
        const link = links.get(r.training_run_id)
        ctx.out(
          `${r.training_run_id}  ${r.base_model}  rank ${r.lora_rank ?? '—'}  ${r.checkpoints.length} checkpoint(s)${link ? `  [TuFT Studio run "${link.name}", ${link.status}]` : ''}`,
        )
        for (const c of r.checkpoints)
          ctx.out(`    ${c.checkpoint_type.padEnd(8)} ${c.tinker_path}  ${c.time}`)
      }
    } finally {
      client.close()
    }
  },
}

const checkpointsUsage = 'server checkpoints RUN_ID [--server URL] [--api-key-file F] [--json]'
const checkpoints: CliCommand = {
  usage: checkpointsUsage,
  summary: 'one training run’s checkpoints (training and sampler) with sizes',
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, remoteOptions, checkpointsUsage)
    if (positionals.length !== 1)
      throw new UsageError(`expected one training run id\nusage: ${checkpointsUsage}`)
    const client = clientFor(values)
    try {
      if (values.json)
        return ctx.out(
          JSON.stringify(await serverRunsJson(client, positionals[0], { signal: ctx.signal }), null, 2),
        )
      const cks = await client.listAllCheckpoints(positionals[0], { signal: ctx.signal })
      if (cks.length === 0) return ctx.out(`Training run ${positionals[0]} has no checkpoints.`)
      for (const c of cks)
        ctx.out(
          `${c.checkpoint_type.padEnd(8)} ${c.tinker_path}  ${c.time}  ${mb(c.size_bytes)}${c.public ? '  public' : ''}`,
        )
    } finally {
      client.close()
    }
  },
}

export const SERVER_COMMANDS: Record<string, CliCommand> = { launch, status, stop, logs, runs, checkpoints }
