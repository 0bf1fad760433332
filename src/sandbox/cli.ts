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
import { sandboxDataDir } from '../platform'
import { SANDBOX_DEFAULT_PORT } from '../shared/defaults'
import { startSandbox, type SandboxHandle } from './index'
import { exposureWarning, newApiKey } from './server'

const USAGE = `Usage: npm run sandbox -- [options]
  --port P              port to listen on (default ${SANDBOX_DEFAULT_PORT}; a free port if that one is taken; 0 = any)
  --host H              interface (default 127.0.0.1; anything else is reachable from other machines)
  --key K               accepted API key (repeatable; default: the key saved in the data dir, created on first run)
  --data-dir D          where runs and checkpoints persist (default: the app's sandbox folder)
  --seed N              seed of the frozen base model and of sampling (default 0)
  --long-poll-ms N      how long retrieve_future waits before answering try_again (default 120000, as TuFT)
  --latency-ms N        fault: added latency per call
  --failure-rate F      fault: share of calls answered 503 (0..1)
  --drop-rate F         fault: share of calls whose connection is dropped before they are handled (0..1)
  --lost-reply-rate F   fault: share of calls handled in full whose reply is then lost (0..1)
  --oom-token-budget N  fault: forward_backward batches above N tokens fail with CUDA out of memory
  --json                print only the SANDBOX_READY line (for programs)`

function num(v: string | undefined, name: string, min: number, max = Infinity): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}], got '${v}'`)
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

async function main(): Promise<void> {
  const { values } = parseArgs({
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
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const dataDir = path.resolve(values['data-dir'] ?? sandboxDataDir())
  const faults = {
    latencyMs: num(values['latency-ms'], 'latency-ms', 0) ?? 0,
    failureRate: num(values['failure-rate'], 'failure-rate', 0, 1) ?? 0,
    dropRate: num(values['drop-rate'], 'drop-rate', 0, 1) ?? 0,
    lostReplyRate: num(values['lost-reply-rate'], 'lost-reply-rate', 0, 1) ?? 0,
    oomTokenBudget: num(values['oom-token-budget'], 'oom-token-budget', 0) ?? null,
  }
  const explicitPort = num(values.port, 'port', 0, 65535)
  const opts = {
    host: values.host ?? '127.0.0.1',
    apiKeys: keyFor(dataDir, values.key ?? []),
    dataDir,
    faults,
    seed: num(values.seed, 'seed', 0),
    longPollMs: num(values['long-poll-ms'], 'long-poll-ms', 0),
  }
  let sb: SandboxHandle
  let note = ''
  try {
    sb = await startSandbox({ ...opts, port: explicitPort ?? SANDBOX_DEFAULT_PORT })
  } catch (err) {
    if (explicitPort !== undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    sb = await startSandbox({ ...opts, port: 0 })
    note = `port ${SANDBOX_DEFAULT_PORT} is in use, so a free port was picked`
  }
  const ready = { url: sb.url, apiKey: sb.apiKey, dataDir: sb.dataDir, pid: process.pid }
  if (!values.json) {
    console.log('TuFT Studio sandbox (TuFT-compatible, CPU-only tiny model "sandbox/qwen3-tiny")')
    console.log(`  URL:      ${sb.url}${note ? `   (${note})` : ''}`)
    console.log(`  API key:  ${sb.apiKey}`)
    console.log(`  Data dir: ${sb.dataDir}`)
    const active = Object.entries(faults).filter(([, v]) => v !== 0 && v !== null)
    if (active.length) console.log(`  Faults:   ${active.map(([k, v]) => `${k}=${v}`).join(', ')}`)
    console.log(`  Python:   TINKER_BASE_URL=${sb.url} TINKER_API_KEY=${sb.apiKey}`)
    console.log('Press Ctrl-C to stop.')
  }
  const warning = exposureWarning(opts.host)
  if (warning) console.error(warning)
  console.log(`SANDBOX_READY ${JSON.stringify(ready)}`)
  process.send?.({ type: 'ready', ...ready })

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

main().catch((err: unknown) => {
  console.error(`sandbox: ${err instanceof Error ? err.message : String(err)}`)
  console.error(USAGE)
  process.exit(1)
})
