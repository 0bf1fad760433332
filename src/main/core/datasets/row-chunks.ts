import { StudioError } from '../../../shared/result'
import type { Db } from '../store'

/** A split's conversations as stored (the JSON of each messages array), read in dataset order a bounded chunk at a time. */
export type SplitRowReader = {
  /** Rows in the split. */
  total: number
  /**
   * Rows from position `from` on: at most `maxRows`, stopping once `maxChars` characters of JSON have been
   * read (always at least one row, however long). `rows` are positions in the split (0-based).
   */
  read(from: number, maxRows: number, maxChars: number): { rows: number[]; json: string[] }
}

/** Streams a cached split without ever holding more than one chunk of it (tokenization reads it this way). */
export function splitRowReader(db: Db, name: string, split: string): SplitRowReader {
  const s = db
    .prepare(
      'SELECT s.id, s.row_count FROM dataset_splits s JOIN datasets d ON d.id = s.dataset_id WHERE d.name = ? AND s.name = ?',
    )
    .get(name, split) as { id: number; row_count: number } | undefined
  if (!s) {
    const known = db.prepare('SELECT id FROM datasets WHERE name = ?').get(name)
    if (!known)
      throw new StudioError(
        'dataset-not-cached',
        `No dataset named "${name}" in the local store; import it first`,
        { name },
      )
    throw new StudioError('not-found', `Dataset "${name}" has no split "${split}"`, { name, split })
  }
  const page = db
    .prepare('SELECT idx, messages_json FROM dataset_rows WHERE split_id = ? AND idx >= ? ORDER BY idx')
    .raw()
  return {
    total: s.row_count,
    read(from, maxRows, maxChars) {
      const rows: number[] = []
      const json: string[] = []
      let chars = 0
      for (const [idx, text] of page.iterate(s.id, from) as IterableIterator<[number, string]>) {
        rows.push(idx)
        json.push(text)
        chars += text.length
        if (rows.length >= maxRows || chars >= maxChars) break
      }
      return { rows, json }
    },
  }
}
