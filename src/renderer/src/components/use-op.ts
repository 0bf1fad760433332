import { useCallback, useState } from 'react'
import { useOps, newOpId } from '../stores/ops-store'
import type { ProgressEvent } from '../../../shared/contract'

/**
 * A long operation with progress: `start(kind)` returns a fresh op id to pass to the API, and `progress` is
 * the latest progress event main sent for it (null before the first one).
 */
export function useOp(): { opId: string | null; progress: ProgressEvent | null; start: (kind: string) => string; done: () => void } {
  const [opId, setOpId] = useState<string | null>(null)
  const progress = useOps((s) => (opId ? (s.progress[opId] ?? null) : null))
  const start = useCallback((kind: string) => {
    const id = newOpId(kind)
    setOpId(id)
    return id
  }, [])
  const done = useCallback(() => {
    setOpId((cur) => {
      if (cur) useOps.getState().clear(cur)
      return null
    })
  }, [])
  return { opId, progress, start, done }
}
