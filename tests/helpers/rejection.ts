import { expect } from 'vitest'
import { StudioError } from '../../src/shared/result'

/** Awaits a promise that must reject with an instance of `cls` and returns that error for further checks. */
export async function rejectionOf<E extends Error>(p: Promise<unknown>, cls: new (...args: never[]) => E): Promise<E> {
  const e = await p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(cls)
  return e as E
}

/** The error code of a promise that must reject with a StudioError. */
export const studioCodeOf = async (p: Promise<unknown>): Promise<string> => (await rejectionOf(p, StudioError)).code
