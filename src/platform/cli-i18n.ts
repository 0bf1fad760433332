/**
 * The language of the command lines: the catalogue LC_ALL, LC_MESSAGES or LANG select, errors a CLI words
 * itself, and how a failure from main reads in that language. Every CLI prints through these, so a message
 * reads the same wherever it appears. Here, not in src/main, because the sandbox's command line speaks it too.
 */
import type { ErrorCode } from '../shared/error-codes'
import { i18nFor, localeFromEnv, type I18n } from '../shared/i18n'
import { asStudioError, StudioError } from '../shared/result'

/** The terminal's language, as LC_ALL, then LC_MESSAGES, then LANG name it. */
export const cliI18n = (env: Readonly<Record<string, string | undefined>> = process.env): I18n => i18nFor(localeFromEnv(env))

/** An error a command line words itself, already in the reader's language, so it is printed as it is. */
export class CliError extends StudioError {
  constructor(
    code: ErrorCode,
    message: string,
    /** Replaces the catalogue's fix when the CLI knows a better one for this occurrence. */
    readonly fix?: string,
  ) {
    super(code, message)
  }
}

export type FailureText = {
  code: ErrorCode
  /** What happened, in the reader's language. */
  message: string
  fix: string
  /** Main's English message when `message` is the catalogue's title standing in for it; else null. */
  original: string | null
}

/** The fix a terminal reader can act on: the CLI's own where the app's names a screen, else the catalogue's. */
export function cliFix(code: ErrorCode, i18n: I18n): string {
  const own: Partial<Record<ErrorCode, string>> = i18n.t.cli.fix
  return own[code] ?? i18n.hint(code).fix
}

/**
 * A failure as stored or reported by main (code and English message). In a language other than English the
 * catalogue's title stands in for the message, which follows as the original for a search or a bug report.
 */
export function mainFailureText(code: ErrorCode, message: string, i18n: I18n): FailureText {
  const fix = cliFix(code, i18n)
  if (i18n.t.cli.mainMessagesReadable) return { code, message, fix, original: null }
  return { code, message: i18n.hint(code).title, fix, original: message }
}

/** What any thrown error says in the reader's language. */
export function failureText(err: unknown, i18n: I18n): FailureText {
  const e = asStudioError(err)
  if (e instanceof CliError) return { code: e.code, message: e.message, fix: e.fix ?? cliFix(e.code, i18n), original: null }
  return mainFailureText(e.code, e.message, i18n)
}

/** `error [code]: what — fix`, then main's own message where the catalogue's title replaced it. */
export function failureLines(err: unknown, i18n: I18n): string[] {
  const f = failureText(err, i18n)
  const c = i18n.t.cli.common
  return [c.failure(f.code, f.message.replace(/\s*\n\s*/g, ' '), f.fix), ...(f.original ? [c.original(f.original.replace(/\s*\n\s*/g, ' '))] : [])]
}

/** node:util parseArgs' errors in the catalogue's words (node's own are English and long). */
export function parseArgsMessage(err: unknown, i18n: I18n): string {
  const c = i18n.t.cli.common
  const { code, message } = err as { code?: string; message: string }
  const option = /'(?:-\w, )?(--?[^'\s<]+)/.exec(message)?.[1] ?? ''
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return c.unknownOption(option)
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return /argument missing/.test(message) ? c.needsValue(option) : c.takesNoValue(option)
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return c.unexpectedArgument(/'([^']*)'/.exec(message)?.[1] ?? '')
  return message
}

/** Columns in a terminal: CJK and full-width characters take two cells. */
export function displayWidth(text: string): number {
  let w = 0
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1
  return w
}

/** `text` padded with spaces to `width` terminal columns. */
export const padCells = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - displayWidth(text)))
