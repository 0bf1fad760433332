/**
 * `npm run serve` under LANG=zh_CN.UTF-8, in-process: help, a bad flag and a host the bridge refuses (with what
 * to do instead), in Chinese with no English prose left.
 */
import { describe, expect, it } from 'vitest'
import { COMMAND_WORDS, englishWords } from '../../../tests/helpers/english-prose'
import { cliI18n } from '../../platform/cli-i18n'
import { fail } from '../../shared/result'
import { serveFailureLine } from './run'
import { main } from './serve-cli'

const i18n = cliI18n({ LC_ALL: 'zh_CN.UTF-8' })

async function serve(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), i18n })
  return { code, out, err }
}

const prose = (lines: string[], data: string[] = []): string[] => englishWords(data.reduce((t, d) => t.replaceAll(d, ' '), lines.join('\n')), COMMAND_WORDS)

describe('npm run serve in Chinese', () => {
  it('--help, a bad flag and a host that is not this machine', async () => {
    expect(await serve('--help')).toEqual({ code: 0, out: ['用法：npm run serve -- [--port 端口] [--host 127.0.0.1] [--open] [--sandbox-port 端口]'], err: [] })
    const bad = await serve('--bogus')
    expect(bad).toMatchObject({ code: 1, err: ['tuft-studio serve：没有 --bogus 这个选项（见 --help）'] })
    expect(prose(bad.err, ['bogus'])).toEqual([])
    expect((await serve('--sandbox-port', '80')).err).toEqual(['tuft-studio serve：--sandbox-port 须为 1024–65535 之间的整数（收到的是 80）'])
    // The bridge itself refuses (before building or listening): it only ever serves this machine.
    const host = await serve('--host', '0.0.0.0')
    expect(host.code).toBe(1)
    expect(host.err).toEqual(['tuft-studio serve：--host 只能是本机回环地址（收到的是 0.0.0.0）。远程机器上请保留 127.0.0.1，再用 `ssh -L` 把端口转发到本地'])
    expect(prose(host.err)).toEqual([])
  })

  it('logs a failed call from the page in Chinese, main’s own message kept below for a search', () => {
    const failure = fail('hf-unreachable', 'Cannot reach https://huggingface.co/api/datasets/x/y (Network is unreachable): fetch failed')
    const [line, original] = serveFailureLine(i18n)('datasetImport', failure).split('\n')
    expect(line).toBe(`datasetImport 调用失败 [hf-unreachable]：${i18n.hint('hf-unreachable').title}`)
    expect(original).toBe(`  原始信息：${failure.message}`)
    expect(prose([line], ['datasetImport'])).toEqual([])
    expect(serveFailureLine(cliI18n({ LANG: 'en_US.UTF-8' }))('datasetImport', failure)).toBe(`datasetImport failed: hf-unreachable: ${failure.message}`)
  })
})
