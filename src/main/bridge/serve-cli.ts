/**
 * `npm run serve -- [--port P] [--host H] [--no-open]`: the browser fallback on purpose (e.g. on a GPU box
 * reached over SSH: forward the port and open the printed address locally). Prints the address with its
 * per-launch token on a line of its own.
 */
import { runBridge } from './run'

function parseArgs(argv: string[]): { port: number; host: string; open: boolean } {
  let port = 0
  let host = '127.0.0.1'
  let open = false
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
    } else if (a === '--host') {
      host = value()
    } else if (a === '--open') {
      open = true
    } else if (a === '--help' || a === '-h') {
      console.log('Usage: npm run serve -- [--port P] [--host 127.0.0.1] [--open]')
      process.exit(0)
    } else {
      throw new Error(`Unknown option ${a} (try --help)`)
    }
  }
  return { port, host, open }
}

try {
  await runBridge(parseArgs(process.argv.slice(2)))
} catch (err) {
  console.error(`tuft-studio serve: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
