/**
 * `npm run cli` under LANG=zh_CN.UTF-8, in-process: help, usage errors, failures from main with their fix,
 * an import report and tokenized datums read in Chinese, with no English prose left (main's own message,
 * kept under the catalogue's words for a search or a bug report, aside).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMAND_WORDS, englishWords } from '../../../tests/helpers/english-prose'
import { repoRoot } from '../../../tests/helpers/fixtures'
import { QWEN_ID } from '../../../tests/helpers/hub-mirror'
import { cliI18n } from '../../platform/cli-i18n'
import { closeIdleWorkers } from '../core/tokenize'
import { openDb, type Db } from '../core/store'
import { formatReport, main } from './dataset-cli'

const i18n = cliI18n({ LANG: 'zh_CN.UTF-8' })
const SAMPLE = path.join(repoRoot, 'resources', 'datasets', 'sample-chat.jsonl')

/**
 * English words in these lines, apart from the line that quotes main's own message and `data` (what the user
 * typed, names and excerpts from their files).
 */
const prose = (lines: string[], data: string[] = []): string[] => {
  const text = lines.filter((l) => !l.trim().startsWith('原始信息：')).join('\n')
  return englishWords(data.reduce((t, d) => t.replaceAll(d, ' '), text), COMMAND_WORDS)
}

let home: string
let db: Db
let out: string[] = []
let err: string[] = []
const run = (...argv: string[]): Promise<number> => {
  out = []
  err = []
  return main(argv, { db: () => db, out: (l) => out.push(...l.split('\n')), err: (l) => err.push(...l.split('\n')), signal: new AbortController().signal, isTty: false, i18n })
}

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-zh-'))
  process.env.TUFT_STUDIO_HOME = home
  db = openDb(path.join(home, 'studio.sqlite'))
})
afterAll(async () => {
  await closeIdleWorkers()
  db.close()
  fs.rmSync(home, { recursive: true, force: true })
})

describe('npm run cli in Chinese', () => {
  it('--help: every command, its options and what it does', async () => {
    expect(await run('--help')).toBe(0)
    expect(out[0]).toBe('用法：npm run cli -- <dataset|server> <命令> [选项]')
    expect(out).toContain('      把 Hub 上的数据集（全部划分，或 --split 指定的划分）或一个 .jsonl/.json/.parquet 文件导入本地存储')
    expect(out.join('\n')).toContain('server launch --model-path 目录 [--model-name 名称]')
    expect(prose(out)).toEqual([])
    expect(await run('server', 'checkpoints', '--help')).toBe(0)
    expect(out[0]).toBe('用法：npm run cli -- server checkpoints 运行ID [--server URL] [--api-key-file 文件] [--json]')
    expect(prose(out)).toEqual([])
  })

  it('usage errors say what is wrong, then the usage line', async () => {
    expect(await run('dataset', 'import', 'x.jsonl', '--format', 'csv')).toBe(2)
    expect(err[0]).toBe('错误：--format 只能是 messages、sharegpt 或 alpaca（收到的是“csv”）')
    expect(err[1]).toMatch(/^用法：dataset import <hf-id\|路径> /)
    const printed = [...err]
    expect(await run('dataset', 'import', 'x.jsonl', '--bogus')).toBe(2)
    expect(err[0]).toBe('错误：没有 --bogus 这个选项')
    printed.push(...err)
    expect(await run('bogus')).toBe(2)
    expect(err[0]).toBe('错误：没有“bogus”这个命令')
    printed.push(...err)
    expect(await run('server', 'logs', '--lines', 'x')).toBe(2)
    expect(err).toEqual(['错误：--lines 须为 1 到 1,000,000 之间的整数（收到的是“x”）'])
    printed.push(...err)
    expect(prose(printed, ['csv', 'bogus'])).toEqual([])
  })

  it('an unreadable parquet row group is named by the rows it held, in Chinese', () => {
    const example = { split: 'train', row: 17, excerpt: 'rows 17–32', rows: { first: 17, last: 32 }, fact: { kind: 'parser', message: 'invalid page header' } as const }
    const report = {
      datasetId: 1, name: 'pq', format: 'messages', splits: [{ split: 'train', rows: 16, rejected: 16 }],
      rejections: [{ reason: 'unreadable-row-group', count: 16, examples: [example] }], warnings: [],
      source: { kind: 'file', path: '/d/pq.parquet' }, revision: null, etag: null, importedAt: '2026-01-01T00:00:00Z', fromCache: false,
    } as unknown as Parameters<typeof formatReport>[0]
    const lines = formatReport(report, cliI18n({ LANG: 'zh_CN.UTF-8' }))
    const line = lines.find((l) => l.includes('17–32'))
    expect(line).toContain('第 17–32 行')
    expect(englishWords(line ?? '', COMMAND_WORDS)).toEqual([])
  })

  it('a failure from main: the catalogue’s words and fix, main’s message kept below them', async () => {
    const missing = path.join(home, 'missing.jsonl')
    expect(await run('dataset', 'import', missing)).toBe(1)
    const hint = i18n.hint('dataset-file-unreadable')
    expect(err).toEqual([`错误 [dataset-file-unreadable]：${hint.title}。${hint.fix}`, `  原始信息：No such file: ${missing}`])
    expect(prose(err)).toEqual([])
    expect(await run('server', 'logs')).toBe(1)
    expect(err).toEqual(['错误 [local-server-not-running]：还没有本地 TuFT 服务器的日志。先用 `npm run cli -- server launch --model-path DIR` 启动一个。'])
    expect(await run('server', 'status')).toBe(0)
    expect(out).toEqual(['没有正在运行的本地 TuFT 服务器。'])
  })

  it('an import report, the dataset list and datums with skipped rows; --json stays as it is', async () => {
    const mixed = path.join(home, 'mixed.jsonl')
    fs.writeFileSync(mixed, `${fs.readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 3).join('\n')}\nnot json\n{"messages":[{"role":"user","content":"q"}]}\n`)
    expect(await run('dataset', 'import', mixed)).toBe(0)
    expect(out).toContain('  train 划分：3 条对话，剔除 2 行')
    expect(out).toContain('  不是合法的 JSON（not-json）：1 行')
    expect(out).toContain('    例：train 划分第 4 行：not json')
    expect(prose([...out, ...err], ['mixed', 'not json', '{"messages":[{"role":"user","content":"q"}]}'])).toEqual([])

    expect(await run('dataset', 'import', SAMPLE)).toBe(0)
    expect(await run('dataset', 'list')).toBe(0)
    expect(out).toHaveLength(2)
    expect(out.find((l) => l.startsWith('mixed'))).toMatch(/^mixed\tmessages\ttrain 3（另剔除 2）\t文件 .*mixed\.jsonl\t导入于 \d{4}年\d{1,2}月\d{1,2}日 /)
    expect(prose(out, ['mixed'])).toEqual([])
    expect(await run('dataset', 'list', '--json')).toBe(0)
    expect(JSON.parse(out.join('\n')).map((d: { name: string; format: string }) => [d.name, d.format]).sort()).toEqual([
      ['mixed', 'messages'],
      ['sample-chat', 'messages'],
    ])

    const file = path.join(home, 'datums.jsonl')
    expect(await run('dataset', 'datums', 'sample-chat', '--tokenizer', QWEN_ID, '--train-on', 'last-assistant', '--max-length', '64', '--out', file)).toBe(0)
    expect(err[0]).toMatch(/^跳过了 \d+ 条对话（没有生成训练样本）：$/)
    expect(err[1]).toMatch(/^ {2}\d+ × 最大长度 64 以内没有需要训练的 token$/)
    expect(err[2]).toMatch(/^ {4}第 \d+ 行：第一个需要训练的 token 在第 \d+ 位，全长 \d+$/)
    expect(out.at(-1)).toMatch(new RegExp(`^已把 \\d+ 个训练样本写入 ${file.replace(/[.]/g, '\\.')}（跳过 \\d+ 条）$`))
    expect(prose([...out, ...err])).toEqual([])
  })
})
