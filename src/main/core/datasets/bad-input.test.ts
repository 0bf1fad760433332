/**
 * Hundreds of malformed dataset files, generated from a seed (tests/helpers/bad-datasets.ts): each import
 * must end as a clean import, a partial import with a rejection report, or one coded error that is not
 * `internal` — and the datasets imported before stay byte for byte what they were. Set BAD_INPUT_SEED to
 * replay another corpus; a failing case names its seed, family and file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isChatRole } from '../../../shared/chat'
import { MAX_CONVERSATION_CHARS } from '../../../shared/defaults'
import { ERROR_CODES } from '../../../shared/error-codes'
import { StudioError } from '../../../shared/result'
import { escapeControlChars } from '../../../shared/text'
import { badDatasetCases } from '../../../../tests/helpers/bad-datasets'
import { chatParquet } from '../../../../tests/helpers/hub-mirror'
import { syntheticRows } from '../../../../tests/helpers/synthetic-chat'
import { openDb, type Db } from '../store'
import { importDataset, loadConversations, type ImportReport, type RejectionGroup } from '.'

const SEED = Number(process.env.BAD_INPUT_SEED ?? 20_260_806)
const CASES = badDatasetCases(SEED, 320)
/** Per case, generous for a 2-core machine shared with other work; the import itself is far quicker. */
const CASE_TIMEOUT_MS = 30_000

let dir: string
let db: Db
const prevHome = process.env.TUFT_STUDIO_HOME
const reference = ['ref-jsonl', 'ref-parquet']
let referenceHash: string

/** No character a terminal or the page would act on (tabs and line breaks are layout). */
const printable = (s: string): boolean => escapeControlChars(s) === s

/** Every stored byte of the reference datasets: their rows and their split records. */
function hashOf(names: string[]): string {
  const h = createHash('sha256')
  for (const name of names) {
    const rows = db
      .prepare(
        `SELECT s.name AS split, s.row_count, s.content_hash, r.idx, r.source_row, r.messages_json
         FROM datasets d JOIN dataset_splits s ON s.dataset_id = d.id JOIN dataset_rows r ON r.split_id = s.id
         WHERE d.name = ? ORDER BY s.name, r.idx`,
      )
      .all(name)
    h.update(JSON.stringify(rows))
  }
  return h.digest('hex')
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'))
  process.env.TUFT_STUDIO_HOME = dir
  db = openDb(path.join(dir, 'studio.sqlite'))
  const rows = syntheticRows(60)
  fs.writeFileSync(path.join(dir, 'ref.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'))
  fs.writeFileSync(path.join(dir, 'ref.parquet'), chatParquet(rows, { rowGroupSize: 16 }))
  await importDataset(db, { kind: 'file', path: path.join(dir, 'ref.jsonl') }, { name: 'ref-jsonl' })
  await importDataset(db, { kind: 'file', path: path.join(dir, 'ref.parquet') }, { name: 'ref-parquet' })
  referenceHash = hashOf(reference)
})
afterAll(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
  if (prevHome === undefined) delete process.env.TUFT_STUDIO_HOME
  else process.env.TUFT_STUDIO_HOME = prevHome
})

describe(`bad dataset files (seed ${SEED})`, () => {
  it('covers at least 300 files over JSON Lines, JSON and parquet', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300)
    const kinds = new Set(CASES.map((c) => path.extname(c.file)))
    expect([...kinds]).toEqual(expect.arrayContaining(['.jsonl', '.json', '.parquet']))
  })

  it.each(CASES.map((c, i) => [c.name, i] as const))(
    '%s',
    async (_name, i) => {
      const c = CASES[i]
      const file = path.join(dir, `${i}-${c.file}`)
      fs.writeFileSync(file, c.build())
      let outcome: ImportReport | unknown
      try {
        outcome = await importDataset(db, { kind: 'file', path: file }, { name: `case-${i}`, ...c.options })
      } catch (err) {
        outcome = err
      } finally {
        fs.rmSync(file, { force: true })
      }
      if (outcome instanceof Error) {
        // One clear coded error, safe to print.
        expect(outcome, String(outcome.stack)).toBeInstanceOf(StudioError)
        const e = outcome as StudioError
        expect(ERROR_CODES).toContain(e.code)
        expect(e.code, e.message).not.toBe('internal')
        expect(printable(e.message), e.message).toBe(true)
        const reasons = ((e.details?.rejections ?? []) as RejectionGroup[]).map((g) => g.reason)
        if (c.expect && 'code' in c.expect) expect(e.code).toBe(c.expect.code)
        if (c.expect && 'reason' in c.expect) expect(reasons).toContain(c.expect.reason)
      } else {
        // A clean or partial import whose report adds up and shows only printable examples.
        const r = outcome as ImportReport
        const rows = r.splits.reduce((a, s) => a + s.rows, 0)
        const rejected = r.splits.reduce((a, s) => a + s.rejected, 0)
        expect(rows).toBeGreaterThan(0)
        expect(r.rejections.reduce((a, g) => a + g.count, 0)).toBe(rejected)
        for (const g of r.rejections) {
          expect(g.examples.length).toBeGreaterThan(0)
          for (const ex of g.examples) expect(printable(`${ex.excerpt} ${ex.detail ?? ''}`), ex.excerpt).toBe(true)
        }
        if (c.expect) expect(c.expect).toMatchObject({ reason: expect.any(String) })
        if (c.expect && 'reason' in c.expect) expect(r.rejections.map((g) => g.reason)).toContain(c.expect.reason)
        // What was stored is a chat the rest of the app can use.
        for (const split of r.splits)
          for (const conv of loadConversations(db, r.name, split.split)) {
            expect(conv.messages.every((m) => isChatRole(m.role) && typeof m.content === 'string'), JSON.stringify(conv).slice(0, 200)).toBe(true)
            expect(conv.messages.reduce((a, m) => a + m.content.length, 0)).toBeLessThanOrEqual(MAX_CONVERSATION_CHARS)
            expect(conv.messages.some((m) => m.content.includes('\uFFFD')), 'text decoded with replacement characters').toBe(false)
          }
      }
      expect(hashOf(reference)).toBe(referenceHash)
      expect(db.prepare('SELECT COUNT(*) AS n FROM datasets WHERE staging_owner IS NOT NULL').get()).toEqual({ n: 0 })
    },
    CASE_TIMEOUT_MS,
  )
})
