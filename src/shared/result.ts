import type { ErrorCode } from './error-codes'

/**
 * Every fallible operation that crosses a module or process boundary returns a value, never a thrown
 * string: the renderer, the CLIs and the tests all branch on `code`, and the catalogue turns the code
 * into an explanation and a fix.
 */
export type Failure = {
  ok: false
  code: ErrorCode
  /** What happened, including the server's or library's own message when there is one. */
  message: string
  /** Optional short fix suggestion specific to this occurrence (the catalogue holds the general one). */
  hint?: string
  /** Structured facts a hint may need (e.g. which key source was used, the max rank). Never secrets. */
  details?: Record<string, unknown>
}

export type Success<T> = { ok: true; value: T }
export type Result<T> = Success<T> | Failure

export const ok = <T>(value: T): Success<T> => ({ ok: true, value })

export const fail = (
  code: ErrorCode,
  message: string,
  extra: { hint?: string; details?: Record<string, unknown> } = {},
): Failure => ({ ok: false, code, message, ...extra })

/** Thrown inside modules that prefer exceptions internally; converted to a Failure at their boundary. */
export class StudioError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'StudioError'
  }

  toFailure(): Failure {
    return fail(this.code, this.message, this.details ? { details: this.details } : {})
  }
}

export const isFailure = (x: unknown): x is Failure =>
  typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false && 'code' in x
