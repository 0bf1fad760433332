import type { Migration } from './index'

/**
 * Tokenized splits stored one datum per row instead of one BLOB per array, so a split is written in
 * bounded chunks as workers finish them and read back by datum index (a training batch, an eval chunk,
 * a streaming export) without loading the whole split. The old one-row-per-split cache is dropped: it
 * only held derived data, rebuilt on the next tokenization.
 *
 * - `tokenized_sets`: one per (dataset split content, tokenizer, template, max length, train-on). `datums`
 *   is NULL while the set is being written; readers only see complete sets.
 * - `tokenized_rows`: every conversation of the split with its whole rendered length (0 when it could
 *   not be rendered) and, when it yields no datum, why; statistics are aggregated from it in SQL.
 * - `tokenized_datums`: the kept tokens (Int32 LE) and loss weights (one byte per token) of each datum,
 *   numbered densely in dataset order.
 */
export const migration008TokenizedDatums: Migration = {
  id: 8,
  name: 'tokenized-datums',
  sql: `
DROP TABLE IF EXISTS tokenized_splits;
CREATE TABLE tokenized_sets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  dataset_key TEXT NOT NULL,
  dataset_name TEXT NOT NULL,
  split TEXT NOT NULL,
  tokenizer_id TEXT NOT NULL,
  template_hash TEXT NOT NULL,
  max_length INTEGER NOT NULL,
  train_on TEXT NOT NULL,
  encoder TEXT NOT NULL,
  conversations INTEGER NOT NULL,
  datums INTEGER,
  skipped INTEGER,
  stats_json TEXT,
  owner_pid INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX tokenized_sets_by_key ON tokenized_sets (key);
CREATE INDEX tokenized_sets_by_dataset ON tokenized_sets (dataset_name, split);
CREATE TABLE tokenized_rows (
  set_id INTEGER NOT NULL REFERENCES tokenized_sets(id) ON DELETE CASCADE,
  row INTEGER NOT NULL,
  full_length INTEGER NOT NULL,
  skip_reason TEXT,
  PRIMARY KEY (set_id, row)
) WITHOUT ROWID;
CREATE TABLE tokenized_datums (
  set_id INTEGER NOT NULL REFERENCES tokenized_sets(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  row INTEGER NOT NULL,
  tokens BLOB NOT NULL,
  weights BLOB NOT NULL,
  PRIMARY KEY (set_id, idx)
);
`,
}
