import { parseArgs } from 'node:util'
import { describe, expect, it } from 'vitest'
import { StudioError } from '../shared/result'
import { cliI18n, CliError, displayWidth, failureLines, parseArgsMessage } from './cli-i18n'

const zh = cliI18n({ LANG: 'zh_CN.UTF-8' })
const en = cliI18n({ LANG: 'C' })

const parseError = (args: string[]): unknown => {
  try {
    parseArgs({ args, options: { split: { type: 'string' }, json: { type: 'boolean' } }, strict: true })
  } catch (err) {
    return err
  }
  throw new Error('parsed')
}

describe('the command lines’ language', () => {
  it('follows LC_ALL, then LC_MESSAGES, then LANG', () => {
    expect(cliI18n({ LANG: 'zh_CN.UTF-8' }).locale).toBe('zh-CN')
    expect(cliI18n({ LC_MESSAGES: 'C', LANG: 'zh_CN.UTF-8' }).locale).toBe('en')
    expect(cliI18n({ LC_ALL: 'zh_CN.UTF-8', LC_MESSAGES: 'C', LANG: 'C' }).locale).toBe('zh-CN')
  })

  it('prints a failure from main as the catalogue’s title and fix, with main’s English message below in Chinese', () => {
    const err = new StudioError('dataset-file-unreadable', 'No such file: /data/x.jsonl')
    expect(failureLines(err, en)).toEqual(['error [dataset-file-unreadable]: No such file: /data/x.jsonl — Choose a .jsonl, .json or .parquet file you can open.'])
    const [line, original] = failureLines(err, zh)
    expect(line).toBe(`错误 [dataset-file-unreadable]：${zh.hint('dataset-file-unreadable').title}。${zh.hint('dataset-file-unreadable').fix}`)
    expect(original).toBe('  原始信息：No such file: /data/x.jsonl')
  })

  it('prints a message the CLI worded itself as it is, with a terminal’s fix where the app’s names a screen', () => {
    const lines = failureLines(new CliError('invalid-input', zh.t.cli.apiKey.emptyFlag), zh)
    expect(lines).toEqual([`错误 [invalid-input]：--api-key 的值是空的。${zh.t.cli.fix['invalid-input']}`])
    expect(failureLines(new StudioError('run-not-found', 'No run with id x'), en)[0]).toContain('TUFT_STUDIO_HOME')
  })

  it('words node’s parseArgs errors', () => {
    expect(parseArgsMessage(parseError(['--bogus']), zh)).toBe('没有 --bogus 这个选项')
    expect(parseArgsMessage(parseError(['--split']), zh)).toBe('--split 后面需要跟一个值')
    expect(parseArgsMessage(parseError(['--json=1']), en)).toBe('--json takes no value')
    expect(parseArgsMessage(parseError(['extra']), en)).toBe('unexpected argument "extra"')
  })

  it('counts a Chinese character as two terminal columns', () => {
    expect(displayWidth('秩')).toBe(2)
    expect(displayWidth('rank')).toBe(4)
    expect(displayWidth('最佳测试（步）')).toBe(14)
  })
})
