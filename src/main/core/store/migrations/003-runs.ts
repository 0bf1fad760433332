import type { Migration } from './index'

/**
 * Runs, their per-step metrics, evals and checkpoints, and sweeps. Metrics and evals are keyed by
 * (run_id, step), so a resumed run can never record a step twice.
 */
export const migration003Runs: Migration = {
  id: 3,
  name: 'runs',
  sql: `
CREATE TABLE sweeps (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  ranks_json TEXT NOT NULL,
  lrs_json TEXT NOT NULL,
  concurrency INTEGER NOT NULL,
  base_config_json TEXT NOT NULL,
  max_concurrent_observed INTEGER NOT NULL DEFAULT 0,
  recommendation_json TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  config_json TEXT NOT NULL,
  sweep_id TEXT REFERENCES sweeps(id) ON DELETE SET NULL,
  server_url TEXT,
  base_model TEXT NOT NULL,
  dataset TEXT NOT NULL,
  rank INTEGER NOT NULL,
  learning_rate REAL NOT NULL,
  model_id TEXT,
  tokenizer_id TEXT,
  total_steps INTEGER NOT NULL,
  data_json TEXT,
  error_code TEXT,
  error_message TEXT,
  error_details_json TEXT,
  sampler_path TEXT,
  owner_pid INTEGER,
  heartbeat_at INTEGER,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX runs_status ON runs(status);
CREATE INDEX runs_sweep ON runs(sweep_id);

CREATE TABLE run_metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  train_nll REAL,
  weighted_tokens INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  tokens_per_s REAL,
  step_time_s REAL,
  learning_rate REAL NOT NULL,
  loss_sum REAL,
  grad_norm REAL,
  server_metrics_json TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

CREATE TABLE run_evals (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  test_nll REAL,
  weighted_tokens INTEGER NOT NULL,
  conversations INTEGER NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

CREATE TABLE run_checkpoints (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('state', 'sampler')),
  step INTEGER NOT NULL,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  cursor INTEGER NOT NULL,
  model_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, kind, step)
) WITHOUT ROWID;
`,
}
