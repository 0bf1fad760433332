import type { Migration } from './index'

/** Test NLL in bits per UTF-8 byte of the weighted target text (comparable across tokenizers). */
export const migration004RunBitsPerByte: Migration = {
  id: 4,
  name: 'run-bits-per-byte',
  sql: `ALTER TABLE run_evals ADD COLUMN bits_per_byte REAL;`,
}
