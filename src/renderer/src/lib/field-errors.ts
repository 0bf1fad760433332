import type { Format, UiStrings } from '../../../shared/i18n'
import type { Failure } from '../../../shared/result'
import { contractIssueFields, wantedFiles } from './what-happened'

/**
 * The fields an `invalid-input` failure names, by their last path segment (`source.repo` → `repo`, `file`), with
 * the message for each: what a form highlights when the hint says "Correct the highlighted field". With `words`,
 * a file of the wrong kind is worded in the reader's language from the kinds main lists (its message is English).
 */
export function fieldErrors(failure: Failure | null, words?: { t: UiStrings; fmt: Format }): Record<string, string> {
  if (!failure || failure.code !== 'invalid-input') return {}
  const issues = failure.details?.issues
  if (!Array.isArray(issues)) return {}
  const out: Record<string, string> = {}
  const wanted = words ? wantedFiles(words.fmt, failure.details ?? {}) : null
  const fromContract = contractIssueFields(failure.details ?? {}) !== null
  if (words && wanted) out.file = words.t.hint.mustBeFile(wanted)
  for (const i of issues as unknown[]) {
    if (typeof i !== 'object' || i === null) continue
    const { path, message } = i as { path?: unknown; message?: unknown }
    if (typeof path !== 'string' || !path) continue
    const field = path.split('.').at(-1) as string
    if (!Object.hasOwn(out, field)) out[field] = typeof message === 'string' ? message : ''
    // The contract's validator speaks English only: another language says the value is not valid, in its words.
    if (words && !words.t.cli.mainMessagesReadable && fromContract) out[field] = words.t.hint.fieldInvalid
  }
  return out
}
