/**
 * `npm run serve -- [--port P] [--host H] [--open] [--sandbox-port P]`: the browser fallback on purpose (e.g. on
 * a GPU box reached over SSH: forward the port and open the printed address locally). Prints the address with
 * its per-launch token on a line of its own. `--sandbox-port` fixes the built-in sandbox's port (else Settings',
 * else any free one), so scripts and the tinker SDK can reach it at a known address. Speaks the language LC_ALL,
 * LC_MESSAGES or LANG name.
 */
import { SANDBOX_FIXED_PORT_MIN } from '../../shared/defaults'
import type { I18n } from '../../shared/i18n'
import { cliI18n } from '../../platform/cli-i18n'
import { runBridge, type RunBridgeOptions } from './run'

/** The options, or 'help' for --help. */
export function parseServeArgs(argv: string[], i18n: I18n = cliI18n()): { port: number; host: string; open: boolean; sandboxPort?: number } | 'help' {
  const t = i18n.t.cli.serve
  let port = 0
  let host = '127.0.0.1'
  let open = false
  let sandboxPort: number | undefined
  const checkPort = (raw: string): number => {
    const p = Number(raw)
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(t.port)
    return p
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new Error(i18n.t.cli.common.needsValue(a))
      return v
    }
    if (a === '--port' || a === '-p') port = checkPort(value())
    else if (a.startsWith('--port=')) port = checkPort(a.slice(7))
    else if (a === '--sandbox-port' || a.startsWith('--sandbox-port=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : value()
      sandboxPort = Number(v)
      if (!Number.isInteger(sandboxPort) || sandboxPort < SANDBOX_FIXED_PORT_MIN || sandboxPort > 65535)
        throw new Error(t.sandboxPort(SANDBOX_FIXED_PORT_MIN, v))
    } else if (a === '--host') host = value()
    else if (a === '--open') open = true
    else if (a === '--help' || a === '-h') return 'help'
    else throw new Error(t.unknownOption(a))
  }
  return { port, host, open, ...(sandboxPort ? { sandboxPort } : {}) }
}

export type ServeIo = { out: (line: string) => void; err: (line: string) => void; i18n?: I18n }

/** Parses the flags and starts the bridge; the exit status when it does not start (help, a bad flag, a failure), else null. */
export async function main(argv: string[], io: ServeIo, start: (o: RunBridgeOptions) => Promise<unknown> = runBridge): Promise<number | null> {
  const i18n = io.i18n ?? cliI18n()
  const t = i18n.t.cli.serve
  try {
    const opts = parseServeArgs(argv, i18n)
    if (opts === 'help') {
      io.out(t.help)
      return 0
    }
    await start({ ...opts, i18n })
    return null
  } catch (err) {
    // One line: scripts read the last line of stderr for the reason.
    io.err(t.failed(err instanceof Error ? err.message : String(err)))
    return 1
  }
}

const isEntry = process.argv[1] && /serve-cli\.(ts|js|mjs)$/.test(process.argv[1])
if (isEntry) {
  const code = await main(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) })
  if (code !== null) process.exit(code)
}
