import type { Migration } from './index'

/**
 * Imported datasets, kept whole so everything works offline after one import. A dataset carries its
 * provenance (hub repo + endpoint + revision/etag, or the file path + content hash); each split keeps
 * its conversations in dataset order (`idx`) as the JSON of their messages, plus its rejection report.
 * `content_hash` changes whenever a split's rows change, so caches built from a split can key on it.
 */
export const migration001Datasets: Migration = {
  id: 1,
  name: 'datasets',
  sql: `
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  source_kind TEXT NOT NULL CHECK (source_kind IN ('hub', 'file')),
  source_ref TEXT NOT NULL,
  endpoint TEXT,
  revision TEXT,
  etag TEXT,
  format TEXT NOT NULL,
  mapping_json TEXT,
  imported_at TEXT NOT NULL
);
CREATE TABLE dataset_splits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  rejected_count INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  revision TEXT,
  etag TEXT,
  files_json TEXT NOT NULL,
  rejections_json TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  UNIQUE (dataset_id, name)
);
CREATE TABLE dataset_rows (
  split_id INTEGER NOT NULL REFERENCES dataset_splits(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  source_row INTEGER NOT NULL,
  messages_json TEXT NOT NULL,
  PRIMARY KEY (split_id, idx)
) WITHOUT ROWID;
`,
}
