/**
 * Numbered migrations, applied in id order. Never edit one that has shipped: its hash is recorded.
 * Each area adds its own file (`NNN-name.ts` exporting `{ id, name, sql }`) and lists it here.
 */
import { migration001Datasets } from './001-datasets'
import { migration002Tokenizers } from './002-tokenizers'
import { migration003Runs } from './003-runs'
import { migration004RunBitsPerByte } from './004-run-bits-per-byte'
import { migration008TokenizedDatums } from './008-tokenized-datums'

export type Migration = { id: number; name: string; sql: string }

export const MIGRATIONS: readonly Migration[] = [
  migration001Datasets,
  migration002Tokenizers,
  migration003Runs,
  migration004RunBitsPerByte,
  migration008TokenizedDatums,
]
