/**
 * Numbered migrations, applied in id order. Never edit one that has shipped: its hash is recorded.
 * Each area adds its own file (`NNN-name.ts` exporting `{ id, name, sql }`) and lists it here.
 */
import { migration001Datasets } from './001-datasets'
import { migration002Tokenizers } from './002-tokenizers'
import { migration003Runs } from './003-runs'
import { migration004RunBitsPerByte } from './004-run-bits-per-byte'
import { migration005IncrementalVacuum } from './005-incremental-vacuum'
import { migration006DatasetStaging } from './006-dataset-staging'
import { migration007RunResumes } from './007-run-resumes'
import { migration008TokenizedDatums } from './008-tokenized-datums'

/**
 * `transaction: false` is only for statements SQLite refuses inside a transaction (VACUUM); such a
 * migration must be idempotent, since a run cut short before it is recorded is repeated.
 */
export type Migration = { id: number; name: string; sql: string; transaction?: false }

export const MIGRATIONS: readonly Migration[] = [
  migration001Datasets,
  migration002Tokenizers,
  migration003Runs,
  migration004RunBitsPerByte,
  migration005IncrementalVacuum,
  migration006DatasetStaging,
  migration007RunResumes,
  migration008TokenizedDatums,
]
