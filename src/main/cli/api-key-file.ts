import fs from 'node:fs'
import { StudioError } from '../../shared/result'

/**
 * `--api-key-file F`: the key is the file's first non-empty line, trimmed, so a key never has to appear on a
 * command line (where `ps` and shell history would show it). Shared by the CLIs that take the flag.
 */
export function readApiKeyFile(file: string): string {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new StudioError(
      'invalid-input',
      `--api-key-file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    )
  }
  const key = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0)
  if (!key) throw new StudioError('invalid-input', `--api-key-file ${file} is empty`)
  return key
}
