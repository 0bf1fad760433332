import { describe, expect, it } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb } from './db'

describe('openDb', () => {
  it('applies migrations once, in order, and uses WAL', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-db-'))
    const file = path.join(dir, 'x.sqlite')
    const migs = [
      { id: 2, name: 'b', sql: 'ALTER TABLE t ADD COLUMN b TEXT' },
      { id: 1, name: 'a', sql: 'CREATE TABLE t (a INTEGER)' },
    ]
    const db = openDb(file, migs)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.prepare('INSERT INTO t (a, b) VALUES (1, ?)').run('x')
    db.close()
    const again = openDb(file, migs)
    expect(again.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 2 })
    again.close()
  })

  it('refuses a migration that was edited after it was applied', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-db-'))
    const file = path.join(dir, 'x.sqlite')
    openDb(file, [{ id: 1, name: 'a', sql: 'CREATE TABLE t (a INTEGER)' }]).close()
    expect(() => openDb(file, [{ id: 1, name: 'a', sql: 'CREATE TABLE t (a TEXT)' }])).toThrow(/edited/)
  })
})
