/**
 * Futures as TuFT's FutureStore keeps them: created pending (or already ready), resolved or failed once,
 * never deleted while the server runs, and retrieved with a long poll that answers `try_again` when it
 * times out (PROTO §5).
 */
import { randomUUID } from 'node:crypto'
import { HttpError } from './errors'
import type { FwdBwdOutput, SampleOutput } from './wire'

export type FuturePayload =
  | { kind: 'json'; body: unknown }
  | { kind: 'fwdbwd'; out: FwdBwdOutput }
  | { kind: 'sample'; out: SampleOutput }

type Outcome = { ok: true; payload: FuturePayload } | { ok: false; status: number; detail: string }

type Record_ = {
  id: string
  owner: string
  outcome: Outcome | null
  waiters: Array<() => void>
}

export type Retrieved = { kind: 'try_again' } | Outcome

export class FutureStore {
  private readonly records = new Map<string, Record_>()

  create(owner: string): string {
    const id = randomUUID()
    this.records.set(id, { id, owner, outcome: null, waiters: [] })
    return id
  }

  ready(owner: string, body: unknown): string {
    const id = this.create(owner)
    this.settle(id, { ok: true, payload: { kind: 'json', body } })
    return id
  }

  /** Runs `work` and settles the future with its result or its error. */
  track(id: string, work: Promise<FuturePayload>): void {
    work.then(
      (payload) => this.settle(id, { ok: true, payload }),
      (err: unknown) => this.settle(id, toOutcome(err)),
    )
  }

  private settle(id: string, outcome: Outcome): void {
    const rec = this.records.get(id)
    if (!rec || rec.outcome) return
    rec.outcome = outcome
    for (const w of rec.waiters.splice(0)) w()
  }

  pendingCount(): number {
    let n = 0
    for (const r of this.records.values()) if (!r.outcome) n++
    return n
  }

  async retrieve(id: string, user: string, timeoutMs: number, signal: AbortSignal): Promise<Retrieved> {
    const rec = this.records.get(id)
    if (!rec) throw new HttpError(404, `Failed to retrieve future: Future with request ID ${id} not found.`)
    if (rec.owner !== user) {
      throw new HttpError(403, 'Failed to retrieve future: You do not have permission to access this resource.')
    }
    if (!rec.outcome) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer)
          signal.removeEventListener('abort', done)
          const i = rec.waiters.indexOf(done)
          if (i >= 0) rec.waiters.splice(i, 1)
          resolve()
        }
        const timer = setTimeout(done, timeoutMs)
        signal.addEventListener('abort', done)
        rec.waiters.push(done)
      })
    }
    return rec.outcome ?? { kind: 'try_again' }
  }
}

function toOutcome(err: unknown): Outcome {
  if (err instanceof HttpError) {
    const detail = typeof err.detail === 'string' ? err.detail : JSON.stringify(err.detail)
    return { ok: false, status: err.status, detail: `Failed to retrieve future: ${detail}` }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { ok: false, status: 422, detail: `Future failed: Server error: ${message}` }
}
