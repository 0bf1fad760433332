/**
 * A StudioCore for tests of the app layer (validation, keys, redaction, transports) that must not depend on
 * the engine: every call is recorded, and calls a test did not script fail with `internal`.
 */
import { StudioError } from '../../shared/result'
import type { StudioCore } from './core'

export type ScriptedCore = StudioCore & { calls: { method: string; args: unknown[] }[] }

export function scriptedCore(script: Partial<StudioCore>): ScriptedCore {
  const calls: { method: string; args: unknown[] }[] = []
  return new Proxy({ calls } as ScriptedCore, {
    get(_target, prop: string) {
      if (prop === 'calls') return calls
      if (prop === 'then') return undefined
      const fn = (script as Record<string, unknown>)[prop]
      return (...args: unknown[]) => {
        calls.push({ method: prop, args })
        if (typeof fn === 'function') return fn(...args)
        if (prop === 'close') return Promise.resolve()
        throw new StudioError('internal', `${prop} is not scripted in this test`)
      }
    },
  })
}
