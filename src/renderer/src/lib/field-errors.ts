import type { Failure } from '../../../shared/result'

/**
 * The fields an `invalid-input` failure names, by their last path segment (`source.repo` → `repo`, `file`), with
 * the message for each: what a form highlights when the hint says "Correct the highlighted field".
 */
export function fieldErrors(failure: Failure | null): Record<string, string> {
  if (!failure || failure.code !== 'invalid-input') return {}
  const issues = failure.details?.issues
  if (!Array.isArray(issues)) return {}
  const out: Record<string, string> = {}
  for (const i of issues as unknown[]) {
    if (typeof i !== 'object' || i === null) continue
    const { path, message } = i as { path?: unknown; message?: unknown }
    if (typeof path !== 'string' || !path) continue
    const field = path.split('.').at(-1) as string
    if (!Object.hasOwn(out, field)) out[field] = typeof message === 'string' ? message : ''
  }
  return out
}
