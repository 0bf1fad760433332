/**
 * `npm run serve -- [--port P] [--host H] [--open] [--sandbox-port P]`: the browser fallback on purpose (e.g. on
 * a GPU box reached over SSH: forward the port and open the printed address locally). Prints the address with
 * its per-launch token on a line of its own. `--sandbox-port` fixes the built-in sandbox's port (else Settings',
 * else any free one), so scripts and the tinker SDK can reach it at a known address.
 */
import { SANDBOX_FIXED_PORT_MIN } from '../../shared/defaults'
import { runBridge } from './run'

const USAGE = 'Usage: npm run serve -- [--port P] [--host 127.0.0.1] [--open] [--sandbox-port P]'

function parseServeArgs(argv: string[]): { port: number; host: string; open: boolean; sandboxPort?: number } {
  let port = 0
  let host = '127.0.0.1'
  let open = false
  let sandboxPort: number | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--port' || a === '-p') {
      port = Number(value())
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0–65535')
    } else if (a.startsWith('--port=')) {
      port = Number(a.slice(7))
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0–65535')
    } else if (a === '--sandbox-port' || a.startsWith('--sandbox-port=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : value()
      sandboxPort = Number(v)
      if (!Number.isInteger(sandboxPort) || sandboxPort < SANDBOX_FIXED_PORT_MIN || sandboxPort > 65535)
        throw new Error(`--sandbox-port must be ${SANDBOX_FIXED_PORT_MIN}–65535 (got ${v})`)
    } else if (a === '--host') {
      host = value()
    } else if (a === '--open') {
      open = true
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else {
      throw new Error(`Unknown option ${a} (try --help)`)
    }
  }
  return { port, host, open, ...(sandboxPort ? { sandboxPort } : {}) }
}

try {
  await runBridge(parseServeArgs(process.argv.slice(2)))
} catch (err) {
  console.error(`tuft-studio serve: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
