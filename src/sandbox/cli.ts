/**
 * `npm run sandbox -- [--port P] [--host H] [--key K]… [--data-dir D] [--seed N] [--long-poll-ms N]
 *                     [--latency-ms N] [--failure-rate F] [--drop-rate F] [--lost-reply-rate F] [--oom-token-budget N]
 *                     [--json]`
 *
 * Starts the TuFT-compatible sandbox and prints its URL and API key; runs until Ctrl-C. Default port 10611 (next to
 * TuFT's 10610, so it never shadows a real server); if that port is taken, a free one is used and printed.
 * Without --key, the key is kept in `<data-dir>/api-key` so restarts keep working with the same key.
 *
 * As a child process: the first stdout line starting with `SANDBOX_READY ` carries JSON {url, apiKey, dataDir, pid};
 * when started with an IPC channel (child_process.fork) the same object is sent as {type:'ready', …}, and the
 * sandbox exits when the parent disconnects.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { cliI18n, parseArgsMessage } from '../platform/cli-i18n'
import { sandboxDataDir } from '../platform'
import { SANDBOX_DEFAULT_PORT } from '../shared/defaults'
import type { I18n } from '../shared/i18n'
import { startSandbox, type SandboxHandle } from './index'
import { exposureWarning, newApiKey } from './server'

/** A flag the sandbox cannot use: printed with the usage. */
class UsageError extends Error {}

function num(i18n: I18n, v: string | undefined, name: string, min: number, max = Infinity): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(i18n.t.cli.sandbox.notANumber(name, min, max, v))
  return n
}

function keyFor(dataDir: string, keys: string[]): string[] {
  if (keys.length) return keys
  const file = path.join(dataDir, 'api-key')
  if (fs.existsSync(file)) {
    const k = fs.readFileSync(file, 'utf8').trim()
    if (k) return [k]
  }
  const k = newApiKey()
  fs.mkdirSync(dataDir, { recursive: true })
  fs.writeFileSync(file, `${k}\n`, { mode: 0o600 })
  return [k]
}

export type SandboxCliIo = { out: (line: string) => void; err: (line: string) => void; i18n?: I18n }

/**
 * Parses the flags and starts the sandbox: the exit status when it does not run (help, a bad flag, a port
 * taken), else the running sandbox.
 */
export async function main(argv: string[], io: SandboxCliIo): Promise<{ exitCode: number } | { sandbox: SandboxHandle }> {
  const i18n = io.i18n ?? cliI18n()
  const t = i18n.t.cli.sandbox
  const usage = t.help(SANDBOX_DEFAULT_PORT)
  try {
    return await start(argv, io, i18n)
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(t.failed(err.message))
      io.err(usage)
      return { exitCode: 1 }
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      // A port given with --port: the sandbox does not pick another behind the user's back.
      const hint = i18n.hint('sandbox-port-taken')
      io.err(t.failed(i18n.t.cli.common.failure('sandbox-port-taken', hint.title, i18n.t.cli.fix['sandbox-port-taken'])))
      return { exitCode: 1 }
    }
    io.err(t.failed(err instanceof Error ? err.message : String(err)))
    return { exitCode: 1 }
  }
}

async function start(argv: string[], io: SandboxCliIo, i18n: I18n): Promise<{ exitCode: number } | { sandbox: SandboxHandle }> {
  const t = i18n.t.cli.sandbox
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        key: { type: 'string', multiple: true },
        'data-dir': { type: 'string' },
        seed: { type: 'string' },
        'long-poll-ms': { type: 'string' },
        'latency-ms': { type: 'string' },
        'failure-rate': { type: 'string' },
        'drop-rate': { type: 'string' },
        'lost-reply-rate': { type: 'string' },
        'oom-token-budget': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (err) {
    throw new UsageError(parseArgsMessage(err, i18n))
  }
  if (values.help) {
    io.out(t.help(SANDBOX_DEFAULT_PORT))
    return { exitCode: 0 }
  }
  const dataDir = path.resolve(values['data-dir'] ?? sandboxDataDir())
  const faults = {
    latencyMs: num(i18n, values['latency-ms'], 'latency-ms', 0) ?? 0,
    failureRate: num(i18n, values['failure-rate'], 'failure-rate', 0, 1) ?? 0,
    dropRate: num(i18n, values['drop-rate'], 'drop-rate', 0, 1) ?? 0,
    lostReplyRate: num(i18n, values['lost-reply-rate'], 'lost-reply-rate', 0, 1) ?? 0,
    oomTokenBudget: num(i18n, values['oom-token-budget'], 'oom-token-budget', 0) ?? null,
  }
  const explicitPort = num(i18n, values.port, 'port', 0, 65535)
  const seed = num(i18n, values.seed, 'seed', 0)
  const longPollMs = num(i18n, values['long-poll-ms'], 'long-poll-ms', 0)
  const opts = {
    host: values.host ?? '127.0.0.1',
    apiKeys: keyFor(dataDir, values.key ?? []),
    dataDir,
    faults,
    seed,
    longPollMs,
  }
  let sb: SandboxHandle
  let note: string | null = null
  try {
    sb = await startSandbox({ ...opts, port: explicitPort ?? SANDBOX_DEFAULT_PORT })
  } catch (err) {
    if (explicitPort !== undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    sb = await startSandbox({ ...opts, port: 0 })
    note = t.portTaken(SANDBOX_DEFAULT_PORT)
  }
  const ready = { url: sb.url, apiKey: sb.apiKey, dataDir: sb.dataDir, pid: process.pid }
  if (!values.json) {
    io.out(t.title)
    io.out(t.url(sb.url, note))
    io.out(t.apiKey(sb.apiKey))
    io.out(t.dataDir(sb.dataDir))
    const active = Object.entries(faults).filter(([, v]) => v !== 0 && v !== null)
    if (active.length) io.out(t.faults(active.map(([k, v]) => `${k}=${v}`).join(', ')))
    io.out(t.python(`TINKER_BASE_URL=${sb.url} TINKER_API_KEY=${sb.apiKey}`))
    io.out(t.stop)
  }
  const warning = exposureWarning(opts.host, i18n)
  if (warning) io.err(warning)
  io.out(`SANDBOX_READY ${JSON.stringify(ready)}`)
  return { sandbox: sb }
}

const isEntry = process.argv[1] && /sandbox[\\/]cli\.(ts|js|mjs)$/.test(process.argv[1])
if (isEntry) {
  const started = await main(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) })
  if ('exitCode' in started) process.exit(started.exitCode)
  const sb = started.sandbox
  process.send?.({ type: 'ready', url: sb.url, apiKey: sb.apiKey, dataDir: sb.dataDir, pid: process.pid })
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await sb.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
  process.on('disconnect', () => void stop())
}
