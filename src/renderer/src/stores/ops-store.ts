/**
 * Progress of long operations (imports, tokenizer downloads, tokenizing), fed by the main process's
 * `progress` push events and keyed by the op id the renderer chose when it started the operation.
 */
import { create } from 'zustand'
import type { ProgressEvent } from '../../../shared/contract'

type Ops = {
  progress: Record<string, ProgressEvent>
  apply: (e: ProgressEvent) => void
  clear: (opId: string) => void
}

export const useOps = create<Ops>()((set) => ({
  progress: {},
  apply: (e) => set((s) => ({ progress: { ...s.progress, [e.opId]: e } })),
  clear: (opId) =>
    set((s) => {
      const next = { ...s.progress }
      delete next[opId]
      return { progress: next }
    }),
}))

let counter = 0
/** A fresh op id for one long operation. */
export const newOpId = (kind: string): string => `${kind}-${Date.now().toString(36)}-${(counter++).toString(36)}`
