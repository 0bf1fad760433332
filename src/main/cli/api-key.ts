/**
 * Where `npm run sft` gets the API key for a remote server, most private first: `--api-key-file FILE`,
 * then TINKER_API_KEY, then a prompt without echo when a person is at a terminal. `--api-key KEY` still works
 * but puts the key in the shell history and in `ps` (and npm echoes it), so it comes with a warning.
 */
import fs from 'node:fs'
import type { I18n } from '../../shared/i18n'
import { registerSecret } from '../../shared/redact'
import { readApiKeyFile } from './api-key-file'
import { cliI18n, CliError } from '../../platform/cli-i18n'

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
  /** The environment: TINKER_API_KEY, and the language (LC_ALL / LC_MESSAGES / LANG) of every message. */
  env: NodeJS.ProcessEnv
  /** Where to ask when nothing else gives a key; null when no person is at a terminal. */
  tty: { input: TtyInput; output: NodeJS.WritableStream } | null
  warn: (line: string) => void
}

/** The key for `serverUrl`, or undefined to let the client fall back to TINKER_API_KEY (or go without). */
export async function cliApiKey(serverUrl: string, src: KeySources): Promise<string | undefined> {
  const i18n = cliI18n(src.env)
  const t = i18n.t.cli.apiKey
  if (src.flag !== undefined && src.file !== undefined) throw new CliError('invalid-input', t.both)
  let key: string
  if (src.file !== undefined) {
    key = readKeyFile(src.file, src.warn, i18n)
  } else if (src.flag !== undefined) {
    src.warn(t.flagWarning)
    key = src.flag.trim()
    if (!key) throw new CliError('invalid-input', t.emptyFlag)
  } else if (!src.env.TINKER_API_KEY?.trim() && src.tty) {
    key = (await promptHidden(t.prompt(serverUrl), src.tty.input, src.tty.output, t.cancelled)).trim()
    if (!key) return undefined
  } else return undefined
  registerSecret(key)
  return key
}

/** The key file's first line; a file other users can read gets a warning (the key is still used). */
function readKeyFile(file: string, warn: (line: string) => void, i18n: I18n): string {
  const key = readApiKeyFile(file, i18n)
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) warn(i18n.t.cli.apiKey.readableByOthers(file))
  return key
}

/** Reads one line from a terminal without echoing it. Ctrl-C cancels; Backspace edits; escape sequences are ignored. */
export function promptHidden(
  question: string,
  input: TtyInput,
  output: NodeJS.WritableStream,
  cancelled: string = cliI18n().t.cli.apiKey.cancelled,
): Promise<string> {
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
        if (ch === '\u0003') return finish(new CliError('cancelled', cancelled))
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
