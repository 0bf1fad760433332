import { describe, expect, it } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { asStudioError } from '../../../shared/result'
import { openDb, reclaimSpace } from './db'
import { MIGRATIONS } from './migrations'

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

describe('the studio store', () => {
  it('gives the space of deleted rows back to the file system', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-db-'))
    const file = path.join(dir, 'studio.sqlite')
    const db = openDb(file)
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2)
    db.exec('CREATE TABLE filler (x TEXT)')
    const add = db.prepare('INSERT INTO filler (x) VALUES (?)')
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) add.run('x'.repeat(2000))
    })()
    db.pragma('wal_checkpoint(TRUNCATE)')
    const full = fs.statSync(file).size
    db.exec('DELETE FROM filler')
    await reclaimSpace(db)
    expect(fs.statSync(file).size).toBeLessThan(full / 4)
    db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('switches a store created before incremental vacuum over, keeping its data', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-db-'))
    const file = path.join(dir, 'studio.sqlite')
    const old = openDb(file, MIGRATIONS.filter((m) => m.id < 5))
    expect(old.pragma('auto_vacuum', { simple: true })).toBe(0)
    old.prepare("INSERT INTO datasets (name, source_kind, source_ref, format, imported_at) VALUES ('d', 'file', '/x', 'messages', 'now')").run()
    old.close()
    const db = openDb(file)
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2)
    expect(db.prepare('SELECT name, staging_owner FROM datasets').all()).toEqual([{ name: 'd', staging_owner: null }])
    db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
