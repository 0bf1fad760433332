import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CHAT_JSONL, readChatRows, repoRoot } from '../../../tests/helpers/fixtures'
import { NO_ROBOTS_ID, startHubMirror, unusedLocalUrl, type HubMirror } from '../../../tests/helpers/hub-mirror'
import { parseInput } from '../../shared/contract'
import { hasControlChars } from '../../shared/text'
import { listDatasets } from '../core/datasets'
import { openDb, type Db } from '../core/store'
import { looksLikePath, main, type CliContext } from './dataset-cli'

type Run = { code: number; stdout: string; stderr: string }

/** How many conversations the hub mirror serves per split. */
const MIRROR_ROWS = readChatRows().length

const cleanEnv = (extra: Record<string, string | undefined>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  for (const k of ['HF_ENDPOINT', 'HF_TOKEN'] as const) if (extra[k] === undefined) delete env[k]
  return env
}

/** Spawns the CLI exactly as `npm run cli` does, with its own data folder and environment. */
function cli(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'src/main/cli/dataset-cli.ts', ...args],
      { cwd: repoRoot, env: cleanEnv(env), timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        resolve({ code, stdout, stderr: stderr.split('\n').filter((l) => l && !l.startsWith('npm warn')).join('\n') })
      },
    )
  })
}

describe('dataset CLI', () => {
  let mirror: HubMirror
  let home: string
  beforeAll(async () => {
    mirror = await startHubMirror({ qwen: false })
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dataset-cli-'))
  })
  afterAll(async () => {
    await mirror.close()
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('imports a hub dataset through HF_ENDPOINT, showing progress and the report, then lists it', async () => {
    const r = await cli(['dataset', 'import', NO_ROBOTS_ID, '--split', 'test', '--name', 'nr'], { TUFT_STUDIO_HOME: home, HF_ENDPOINT: mirror.url })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Imported dataset "nr" (messages format)')
    expect(r.stdout).toContain(`split test: ${MIRROR_ROWS} conversations, 0 rejected`)
    expect(r.stderr).toMatch(/downloading test-00000-of-00001\.parquet/)
    expect(fs.existsSync(path.join(home, 'studio.sqlite'))).toBe(true)

    const bad = path.join(home, 'mixed.jsonl')
    fs.writeFileSync(bad, fs.readFileSync(CHAT_JSONL, 'utf8').split('\n').slice(0, 3).join('\n') + '\nnot json\n{"messages":[{"role":"user","content":"q"}]}\n')
    const f = await cli(['dataset', 'import', bad, '--format', 'messages'], { TUFT_STUDIO_HOME: home })
    expect(f.code).toBe(0)
    expect(f.stdout).toContain('split train: 3 conversations, 2 rejected')
    expect(f.stdout).toMatch(/not-json: 1\n\s+e\.g\. train row 4/)
    expect(f.stdout).toMatch(/no-assistant-turn: 1/)

    const list = await cli(['dataset', 'list'], { TUFT_STUDIO_HOME: home })
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(new RegExp(`^nr\tmessages\ttest ${MIRROR_ROWS}\thub HuggingFaceH4/no_robots via http://127\\.0\\.0\\.1`, 'm'))
    expect(list.stdout).toMatch(/^mixed\tmessages\ttrain 3 \(\+2 rejected\)\tfile /m)
  })

  it('fails with one line and a non-zero exit', async () => {
    const down = await cli(['dataset', 'import', NO_ROBOTS_ID], { TUFT_STUDIO_HOME: home, HF_ENDPOINT: await unusedLocalUrl() })
    expect(down.code).toBe(1)
    const lines = down.stderr.split('\n').filter((l) => l.startsWith('error'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^error \[hf-unreachable\]: .*mirror endpoint such as https:\/\/hf-mirror\.com/)

    const flag = await cli(['dataset', 'import', 'x.jsonl', '--format', 'csv'], { TUFT_STUDIO_HOME: home })
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('--format must be messages, sharegpt or alpaca')

    const empty = path.join(home, 'empty.jsonl')
    fs.writeFileSync(empty, '')
    const e = await cli(['dataset', 'import', empty], { TUFT_STUDIO_HOME: home })
    expect(e.code).toBe(1)
    expect(e.stderr).toMatch(/^error \[dataset-file-unreadable\]: .*empty/)
  })
})

describe('looksLikePath', () => {
  it('tells files from hub ids', () => {
    expect(looksLikePath('HuggingFaceH4/no_robots')).toBe(false)
    expect(looksLikePath('data/train.jsonl')).toBe(true)
    expect(looksLikePath('./mydata')).toBe(true)
    expect(looksLikePath(CHAT_JSONL)).toBe(true)
  })
})

describe('dataset names', () => {
  let home: string
  let db: Db
  let out: string[]
  let err: string[]
  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dataset-cli-names-'))
    db = openDb(path.join(home, 'studio.sqlite'))
  })
  afterAll(() => {
    db.close()
    fs.rmSync(home, { recursive: true, force: true })
  })
  const run = (...argv: string[]): Promise<number> => {
    out = []
    err = []
    const ctx: CliContext = { db: () => db, out: (l) => out.push(l), err: (l) => err.push(l), signal: new AbortController().signal, isTty: false }
    return main(['dataset', ...argv], ctx)
  }

  it.each([
    ['whitespace only', '   '],
    ['over 200 characters', 'n'.repeat(201)],
    ['a NUL character', 'a\0b'],
  ])('refuses a name the app cannot address (%s), as the contract does', async (_what, name) => {
    expect(parseInput('datasetDelete', { name }).ok).toBe(false)
    expect(await run('import', CHAT_JSONL, '--name', name)).toBe(1)
    expect(err.join('\n')).toMatch(/^error \[invalid-input\]: Dataset name/)
    expect(listDatasets(db)).toEqual([])
  })

  it('prints names, excerpts and messages from data with control characters escaped', async () => {
    const evil = path.join(home, 'evil\x1b[2J.jsonl')
    fs.writeFileSync(evil, `${JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] })}\nnot json \x1b]0;owned\x07 \u202e\n`)
    const printed: string[] = []
    expect(await run('import', evil)).toBe(0)
    printed.push(...out, ...err)
    expect(await run('list')).toBe(0)
    printed.push(...out, ...err)
    expect(await run('import', path.join(home, 'missing\x1b[31m.jsonl'))).toBe(1)
    printed.push(...out, ...err)
    expect(printed.join('\n')).toMatch(/not json \\u001b\]0;owned\\u0007 \\u202e/)
    expect(printed.join('\n')).toContain('missing\\u001b[31m.jsonl')
    expect(printed.join('\n')).toContain('"evil\\u001b[2J"')
    expect(hasControlChars(printed.join(' ').replaceAll('\t', ' '))).toBe(false)
  })

  it('stores a padded name trimmed, as the app addresses it', async () => {
    expect(await run('import', CHAT_JSONL, '--name', '  padded  ')).toBe(0)
    expect(listDatasets(db).map((d) => d.name)).toContain('padded')
    expect(parseInput('datasetDelete', { name: '  padded  ' })).toEqual({ ok: true, value: { name: 'padded' } })
  })
})
