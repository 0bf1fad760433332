import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHAT_JSONL, hasNoRobots, readChatRows, repoRoot } from '../../../tests/helpers/fixtures'
import { QWEN_ID } from '../../../tests/helpers/hub-mirror'
import type { Conversation } from '../../shared/chat'
import { buildExample, closeIdleWorkers, loadTokenizer } from '../core/tokenize'
import { openDb, type Db } from '../core/store'
import { main, type CliContext } from './dataset-cli'

let home: string
let db: Db
let out: string[]
let err: string[]
const ctx = (): CliContext => ({ db: () => db, out: (l) => out.push(l), err: (l) => err.push(l), signal: new AbortController().signal, isTty: false })
const run = async (...argv: string[]): Promise<number> => {
  out = []
  err = []
  return main(['dataset', ...argv], ctx())
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-cli-tok-'))
  process.env.TUFT_STUDIO_HOME = home
  db = openDb(path.join(home, 'studio.sqlite'))
  expect(await run('import', CHAT_JSONL, '--name', 'nr')).toBe(0)
})
afterAll(async () => {
  await closeIdleWorkers()
  db.close()
})

describe.skipIf(!hasNoRobots)('dataset stats', () => {
  it('prints the no_robots counts, percentiles, truncated share, suggested max length and a histogram', async () => {
    expect(await run('stats', 'nr', '--tokenizer', QWEN_ID, '--max-length', '512')).toBe(0)
    const text = out.join('\n')
    expect(text).toContain('conversations: 500')
    expect(text).toMatch(/tokens: 149,757 total, [\d,]+ weighted/)
    expect(text).toContain('length: p50 241, p95 730, max 1,965')
    expect(text).toContain('truncated at max length 512: 13.8% of conversations')
    expect(text).toContain('suggested max length (p95): 730')
    expect(text).toMatch(/ {3}0- {2}99 \| #+ +64/)
    expect(await run('stats', 'nr', '--tokenizer', QWEN_ID, '--json')).toBe(0)
    const json = JSON.parse(out.join('\n'))
    expect(json).toMatchObject({ conversations: 500, totalTokens: 149_757, p95: 730, suggestedMaxLength: 730, truncatedShare: 0, maxLength: 2048, skipped: 0 })
    expect(json.histogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(500)
  })
})

describe('dataset datums', () => {
  it('writes one {model_input,target_tokens,weights} object per line in dataset order; skipped rows go to stderr', async () => {
    const file = path.join(home, 'd.jsonl')
    expect(await run('datums', 'nr', '--tokenizer', QWEN_ID, '--train-on', 'last-assistant', '--max-length', '64', '--out', file)).toBe(0)
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
    const rows = readChatRows() as Conversation[]
    const tok = await loadTokenizer(db, { modelId: QWEN_ID })
    const expected = []
    const skippedRows: number[] = []
    for (let i = 0; i < rows.length; i++) {
      const ex = await buildExample(tok, rows[i], { trainOn: 'last-assistant', maxLength: 64 })
      if (ex.datum) expected.push(ex.datum)
      else skippedRows.push(i)
    }
    expect(lines.length).toBe(expected.length)
    expect(Object.keys(lines[0])).toEqual(['model_input', 'target_tokens', 'weights'])
    expect(lines).toEqual(expected)
    expect(skippedRows.length).toBeGreaterThan(0)
    expect(err[0]).toBe(`skipped ${skippedRows.length} conversations (no datum):`)
    expect(err.join('\n')).toContain(`row ${skippedRows[0]}: no weighted target token within max length 64`)
    expect(out.at(-1)).toBe(`wrote ${expected.length} datums to ${file} (${skippedRows.length} skipped)`)
  })

  it('fails with one clear line and a non-zero exit on bad input', async () => {
    expect(await run('datums', 'nr', '--tokenizer', QWEN_ID, '--out', path.join(home, 'x.jsonl'), '--train-on', 'users')).toBe(2)
    expect(err).toEqual(['error: --train-on must be one of all-assistant, last-assistant, all (got "users")'])
    expect(await run('datums', 'nr', '--tokenizer', QWEN_ID)).toBe(2)
    expect(err).toHaveLength(1)
    expect(err[0]).toMatch(/^error: --out file.jsonl is required/)
    expect(await run('stats', 'nr', '--tokenizer', QWEN_ID, '--max-length', '1.5')).toBe(2)
    expect(await run('stats', 'nope', '--tokenizer', QWEN_ID)).toBe(1)
    expect(err).toHaveLength(1)
    expect(err[0]).toMatch(/^error \[dataset-not-cached\]: No dataset named "nope"/)
    expect(await run('stats', 'nr', '--tokenizer', path.join(home, 'no-such-dir'))).toBe(1)
    expect(err[0]).toMatch(/^error \[tokenizer-not-found\]/)
    expect(await run('datums', 'nr', '--tokenizer', QWEN_ID, '--split', 'validation', '--out', path.join(home, 'x.jsonl'))).toBe(1)
    expect(err[0]).toMatch(/^error \[not-found\]: Dataset "nr" has no split "validation"/)
  })

  it('runs as `npm run cli` (tsx + worker threads) and exits on its own', async () => {
    const file = path.join(home, 'spawned.jsonl')
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'src/main/cli/dataset-cli.ts', 'dataset', 'datums', 'nr', '--tokenizer', QWEN_ID, '--max-length', '4096', '--train-on', 'all', '--out', file],
      { cwd: repoRoot, env: { ...process.env, TUFT_STUDIO_HOME: home }, timeout: 120_000 },
    )
    const rows = readChatRows().length
    expect(stdout).toContain(`wrote ${rows} datums to ${file}`)
    expect(fs.readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(rows)
  })
})
