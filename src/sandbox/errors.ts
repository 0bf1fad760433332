/**
 * The two kinds of failure TuFT distinguishes (PROTO §5.2, §9): typed errors keep their HTTP status
 * (`{"detail": …}`; inside a future the detail gets "Failed to retrieve future: "), and unexpected server
 * errors, which a future reports as 422 "Future failed: Server error: …" so the SDK does not retry forever.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail))
    this.name = 'HttpError'
  }
}

export class ServerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ServerError'
  }
}

/** A synchronous lookup of a bad id: TuFT has no handler, so uvicorn answers 500 text/plain and closes. */
export class UnhandledError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnhandledError'
  }
}
