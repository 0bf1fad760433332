/**
 * Rules for names that address stored things (datasets, runs) and dataset splits. The IPC contract
 * validates the renderer's input with them and the engine applies the same rules to names that come
 * from the command line or the network, so anything stored can be addressed again from the app.
 * No node or electron imports: the renderer bundles this file.
 */
import { z } from 'zod'

/** A dataset or run name: 1–200 characters after trimming, never NUL (which no UI or path can carry). */
export const storeNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty or only whitespace')
  .max(200, 'must be at most 200 characters')
  .refine((s) => !s.includes('\0'), 'must not contain a NUL character')

/**
 * A split (or config) name: the Hugging Face datasets rule (`\w+(\.\w+)*`) with `-` allowed as a
 * separator too. Word characters only at both ends, so `.`, `..`, path separators and hidden names
 * can never pass: such a name is safe to use as one folder name.
 */
export const SPLIT_NAME = /^\w+(?:[.-]\w+)*$/
export const SPLIT_NAME_MAX = 100

export const splitNameSchema = z
  .string()
  .trim()
  .max(SPLIT_NAME_MAX)
  .regex(SPLIT_NAME, 'letters, digits and "_", joined by "." or "-"')

export const isSplitName = (s: string): boolean => s.length <= SPLIT_NAME_MAX && SPLIT_NAME.test(s)
