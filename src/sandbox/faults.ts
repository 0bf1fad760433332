/**
 * Fault injection for tests and demos (`/_sandbox/faults`, `npm run sandbox -- --…-rate`): latency, 503s,
 * connections dropped before a call is handled, replies lost after it was handled, and an OOM token budget.
 */
import type { Rng } from './model/rng'

/** A call whose reply is lost after the server handled it: the call to `path` after the next `skip` ones (counted from when it is set). */
export type LostReply = { path: string; skip: number }

export type Faults = {
  latencyMs: number
  /** Share of calls answered 503 before they are handled. */
  failureRate: number
  /** Share of calls whose connection is dropped before they are handled (nothing happens on the server). */
  dropRate: number
  oomTokenBudget: number | null
  /** Share of calls handled in full whose reply is then lost: the connection closes instead of answering. */
  lostReplyRate: number
  /** Exactly which replies are lost, for reproducible tests; each entry fires once and is then removed. */
  lostReplies: LostReply[]
}

export const NO_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  failureRate: 0,
  dropRate: 0,
  oomTokenBudget: null,
  lostReplyRate: 0,
  lostReplies: [],
})

/** Applies `partial` to `current` in place (undefined fields are left alone); lists are copied, as entries are consumed. */
export function applyFaults(current: Faults, partial: Partial<Faults>): Faults {
  for (const [k, v] of Object.entries(partial) as [keyof Faults, Faults[keyof Faults] | undefined][]) {
    if (v === undefined) continue
    ;(current as Record<keyof Faults, unknown>)[k] =
      k === 'lostReplies' ? (v as LostReply[]).map((e) => ({ path: e.path, skip: e.skip })) : v
  }
  return current
}

export const initialFaults = (partial: Partial<Faults> = {}): Faults =>
  applyFaults({ ...NO_FAULTS, lostReplies: [] }, partial)

/**
 * Decides, once per call, whether this call's reply is to be lost. Every `lostReplies` entry for the path
 * counts the call; an entry whose skip count is used up fires and is removed.
 */
export function takeLostReply(f: Faults, path: string, rng: Rng): boolean {
  let lose = false
  if (f.lostReplies.length)
    f.lostReplies = f.lostReplies.filter((e) => {
      if (e.path !== path) return true
      if (e.skip > 0) {
        e.skip--
        return true
      }
      lose = true
      return false
    })
  return lose || (f.lostReplyRate > 0 && rng.next() < f.lostReplyRate)
}
