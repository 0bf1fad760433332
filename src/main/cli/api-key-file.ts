import fs from 'node:fs'
import type { I18n } from '../../shared/i18n'
import { cliI18n, CliError } from '../../platform/cli-i18n'

/**
 * `--api-key-file F`: the key is the file's first non-empty line, trimmed, so a key never has to appear on a
 * command line (where `ps` and shell history would show it). Shared by the CLIs that take the flag.
 */
export function readApiKeyFile(file: string, i18n: I18n = cliI18n()): string {
  const t = i18n.t.cli.apiKey
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new CliError('invalid-input', t.unreadable(file, (err as NodeJS.ErrnoException).code ?? String(err)))
  }
  const key = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0)
  if (!key) throw new CliError('invalid-input', t.empty(file))
  return key
}
