/**
 * Where `npm run sft` gets the API key for a remote server, most private first: `--api-key-file FILE`,
 * then TINKER_API_KEY, then a prompt without echo when a person is at a terminal. `--api-key KEY` still works
 * but puts the key in the shell history and in `ps` (and npm echoes it), so it comes with a warning.
 */
import fs from 'node:fs'
import { registerSecret } from '../../shared/redact'
import { StudioError } from '../../shared/result'

/** What a hidden prompt needs from a terminal (process.stdin on a TTY). */
export type TtyInput = NodeJS.EventEmitter & {
  isTTY?: boolean
  isRaw?: boolean
  setRawMode(raw: boolean): unknown
  resume(): unknown
  pause(): unknown
}

export type KeySources = {
  flag?: string
  file?: string
  env: NodeJS.ProcessEnv
  /** Where to ask when nothing else gives a key; null when no person is at a terminal. */
  tty: { input: TtyInput; output: NodeJS.WritableStream } | null
  warn: (line: string) => void
}

/** The key for `serverUrl`, or undefined to let the client fall back to TINKER_API_KEY (or go without). */
export async function cliApiKey(serverUrl: string, src: KeySources): Promise<string | undefined> {
  if (src.flag !== undefined && src.file !== undefined)
    throw new StudioError('invalid-input', 'Give the API key once: --api-key-file FILE or --api-key KEY, not both.')
  let key: string
  if (src.file !== undefined) {
    key = readKeyFile(src.file, src.warn)
    if (!key) throw new StudioError('invalid-input', `--api-key-file ${src.file} holds no key.`)
  } else if (src.flag !== undefined) {
    src.warn(
      'warning: --api-key puts the key in your shell history and in the process list (ps), and npm echoes it; ' +
        'prefer TINKER_API_KEY or --api-key-file FILE.',
    )
    key = src.flag.trim()
    if (!key) throw new StudioError('invalid-input', '--api-key is empty.')
  } else if (!src.env.TINKER_API_KEY?.trim() && src.tty) {
    key = (await promptHidden(`API key for ${serverUrl} (input hidden; Enter for none): `, src.tty.input, src.tty.output)).trim()
    if (!key) return undefined
  } else return undefined
  registerSecret(key)
  return key
}

function readKeyFile(file: string, warn: (line: string) => void): string {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0)
      warn(`warning: ${file} can be read by other users of this machine; \`chmod 600 ${file}\` keeps the key yours.`)
  } catch (err) {
    throw new StudioError('invalid-input', `Cannot read --api-key-file ${file}: ${(err as Error).message}`)
  }
  return text.split(/\r?\n/).find((l) => l.trim())?.trim() ?? ''
}

/** Reads one line from a terminal without echoing it. Ctrl-C cancels; Backspace edits; escape sequences are ignored. */
export function promptHidden(question: string, input: TtyInput, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw === true
    let value = ''
    let inEscape = false
    const finish = (err: Error | null): void => {
      input.off('data', onData)
      input.setRawMode(wasRaw)
      input.pause()
      output.write('\n')
      if (err) reject(err)
      else resolve(value)
    }
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (inEscape) {
          // CSI sequences (arrow keys …) end with a letter or ~.
          if (/[A-Za-z~]/.test(ch)) inEscape = false
          continue
        }
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(null)
        if (ch === '\u0003') return finish(new StudioError('cancelled', 'Cancelled at the API key prompt.'))
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('')
        else if (ch === '\u001b') inEscape = true
        else if (ch >= ' ') value += ch
      }
    }
    output.write(question)
    input.setRawMode(true)
    input.on('data', onData)
    input.resume()
  })
}
