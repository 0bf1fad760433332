import { asStudioError, fail, isFailure, StudioError, type Failure } from '../../shared/result'
import { isErrorCode } from '../../shared/error-codes'
import { scrubDeep } from '../../shared/redact'

/** Carries a Failure (with its hint) through code that prefers exceptions, back to the boundary. */
export class FailureError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message)
    this.name = 'FailureError'
  }
}

export const unwrap = <T>(r: { ok: true; value: T } | Failure): T => {
  if (r.ok) return r.value
  throw new FailureError(r)
}

/** Every exception becomes a Failure with a stable code; a full disk or an unwritable folder get their own, unknown errors `internal`. */
export function toFailure(err: unknown): Failure {
  if (err instanceof FailureError) return err.failure
  if (err instanceof StudioError) return err.toFailure()
  if (isFailure(err)) return err
  if (err instanceof Error && err.name === 'AbortError') return fail('cancelled', 'Cancelled.')
  const code = (err as { code?: unknown } | null)?.code
  if (isErrorCode(code)) return fail(code, err instanceof Error ? err.message : String(err))
  return asStudioError(err).toFailure()
}

/**
 * Replaces every secret inside a value (strings anywhere in nested objects/arrays): those registered in this
 * process and `secrets`; with `patterns`, key-looking strings too. Applied to every reply, event and log line,
 * so a key echoed by a server or a library error never reaches the renderer or a log.
 */
export function redact<T>(value: T, secrets: readonly string[], opts: { patterns?: boolean; allow?: readonly string[] } = {}): T {
  return scrubDeep(value, { extra: secrets, patterns: opts.patterns ?? false, allow: opts.allow })
}
