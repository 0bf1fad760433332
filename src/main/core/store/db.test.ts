import { describe, expect, it } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { asStudioError } from '../../../shared/result'
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

describe('storage failures from SQLite', () => {
  it("maps SQLite's own errors: a database that may not grow (SQLITE_FULL) and one that is read-only", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-errors-'))
    try {
      const file = path.join(dir, 'x.sqlite')
      const db = openDb(file, [{ id: 1, name: 't', sql: 'CREATE TABLE t (s TEXT)' }])
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
      const full = (() => {
        try {
          for (let i = 0; i < 1000; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(500))
        } catch (e) {
          return e
        }
      })()
      db.close()
      expect(asStudioError(full).code).toBe('disk-full')
      const ro = new Database(file, { readonly: true })
      const readOnly = (() => {
        try {
          ro.exec("INSERT INTO t VALUES ('y')")
        } catch (e) {
          return e
        }
      })()
      ro.close()
      expect(asStudioError(readOnly).code).toBe('data-folder-not-writable')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
