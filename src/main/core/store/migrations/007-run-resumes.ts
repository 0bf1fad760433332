import type { Migration } from './index'

/**
 * Every resume of a run with the parameters before and after it (batch size, max length, learning rate, rank)
 * and the checkpoint step it continued from, so a run's page can say which steps trained with what.
 */
export const migration007RunResumes: Migration = {
  id: 7,
  name: 'run-resumes',
  sql: `
CREATE TABLE run_resumes (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  from_step INTEGER NOT NULL,
  before_json TEXT NOT NULL,
  after_json TEXT NOT NULL,
  source_run_id TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
`,
}
