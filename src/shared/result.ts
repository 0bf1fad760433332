import type { ErrorCode } from './error-codes'
import { scrubDeep, scrubSecrets } from './redact'

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

/** A Failure, its texts scrubbed of secrets (a server may echo the key it was sent). */
export const fail = (
  code: ErrorCode,
  message: string,
  extra: { hint?: string; details?: Record<string, unknown> } = {},
): Failure => ({ ok: false, code, message: scrubSecrets(message), ...scrubDeep(extra) })

/**
 * Thrown inside modules that prefer exceptions internally; converted to a Failure at their boundary. Its
 * message and details are scrubbed of secrets as it is made, before anything can store or print them.
 */
export class StudioError extends Error {
  readonly details?: Record<string, unknown>

  constructor(
    readonly code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(scrubSecrets(message))
    this.name = 'StudioError'
    if (details) this.details = scrubDeep(details)
  }

  toFailure(): Failure {
    return fail(this.code, this.message, this.details ? { details: this.details } : {})
  }
}

export const isFailure = (x: unknown): x is Failure =>
  typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false && 'code' in x

/** OS and SQLite error codes that say the disk (or the user's quota) is full. */
const DISK_FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT'])
/** Codes that say the data folder cannot be written, whatever the call. */
const NOT_WRITABLE = new Set(['EROFS', 'SQLITE_CANTOPEN', 'SQLITE_PERM'])
/** Permission codes that mean an unwritable folder only on a file-system call (those carry a path). */
const FS_PERMISSION = new Set(['EACCES', 'EPERM'])

type Coded = { code?: unknown; path?: unknown; message?: unknown; cause?: unknown }

let diskFullProbe: (() => boolean) | null = null

/**
 * How the main process checks whether the disk of its data folder is full. SQLite reports some writes on a
 * full disk only as an I/O error (SQLITE_IOERR_*, e.g. when its shared-memory file cannot grow): those count
 * as `disk-full` when the probe says so, and stay `internal` otherwise.
 */
export function setDiskFullProbe(probe: () => boolean): void {
  diskFullProbe = probe
}

/**
 * Recognises failures of the disk rather than of the code: a full disk (`disk-full`) and a read-only or
 * unwritable data folder (`data-folder-not-writable`), from Node's errno codes or SQLite's result codes,
 * anywhere in the error's cause chain. Null for anything else.
 */
export function storageErrorOf(err: unknown): StudioError | null {
  let cur = err as Coded | null | undefined
  for (
    let depth = 0;
    depth < 6 && cur && typeof cur === 'object';
    depth++, cur = cur.cause as Coded | undefined
  ) {
    const errno = typeof cur.code === 'string' ? cur.code : null
    if (!errno) continue
    const path = typeof cur.path === 'string' ? cur.path : undefined
    const code: ErrorCode | null =
      DISK_FULL.has(errno) || (errno.startsWith('SQLITE_IOERR') && diskFullProbe?.() === true)
        ? 'disk-full'
        : NOT_WRITABLE.has(errno) ||
            errno.startsWith('SQLITE_READONLY') ||
            (FS_PERMISSION.has(errno) && path !== undefined)
          ? 'data-folder-not-writable'
          : null
    if (!code) continue
    const message = err instanceof Error ? err.message : String(cur.message ?? errno)
    return new StudioError(code, message, { errno, ...(path !== undefined ? { path } : {}) })
  }
  return null
}

/**
 * The one place where an exception nobody classified becomes a coded error: StudioErrors pass through, disk
 * and permission failures get their own codes, and everything else is `internal` (a bug to report).
 */
export function asStudioError(err: unknown): StudioError {
  if (err instanceof StudioError) return err
  const storage = storageErrorOf(err)
  if (storage) return storage
  const message = err instanceof Error ? err.message : String(err)
  return new StudioError('internal', message || 'Unexpected error')
}
