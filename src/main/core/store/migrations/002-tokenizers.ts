import type { Migration } from './index'

/**
 * Tokenizer files downloaded from the hub (content-addressed, keyed by model id + content hash) and
 * tokenized splits. A tokenized split is keyed by (dataset split, tokenizer, chat template, max length,
 * train-on) and stores its token arrays as BLOBs of Int32Array / Uint8Array, so a warm reopen reads a
 * few large values instead of millions of rows.
 */
export const migration002Tokenizers: Migration = {
  id: 2,
  name: 'tokenizers',
  sql: `
CREATE TABLE tokenizer_files (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  content BLOB NOT NULL
);
CREATE TABLE tokenizers (
  model_id TEXT NOT NULL,
  tokenizer_id TEXT NOT NULL,
  tokenizer_json_sha256 TEXT NOT NULL REFERENCES tokenizer_files(sha256),
  tokenizer_config_sha256 TEXT NOT NULL REFERENCES tokenizer_files(sha256),
  endpoint TEXT,
  revision TEXT,
  etag TEXT,
  fetched_at TEXT NOT NULL,
  PRIMARY KEY (model_id, tokenizer_id)
);
CREATE TABLE tokenized_splits (
  key TEXT PRIMARY KEY,
  dataset_key TEXT NOT NULL,
  dataset_name TEXT NOT NULL,
  split TEXT NOT NULL,
  tokenizer_id TEXT NOT NULL,
  template_hash TEXT NOT NULL,
  max_length INTEGER NOT NULL,
  train_on TEXT NOT NULL,
  encoder TEXT NOT NULL,
  conversations INTEGER NOT NULL,
  row_index BLOB NOT NULL,
  lengths BLOB NOT NULL,
  full_lengths BLOB NOT NULL,
  tokens BLOB NOT NULL,
  weights BLOB NOT NULL,
  skipped_json TEXT NOT NULL,
  stats_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX tokenized_splits_by_dataset ON tokenized_splits (dataset_name, split);
`,
}
