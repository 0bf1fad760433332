/**
 * `npm run sandbox` under LANG=zh_CN.UTF-8, in-process: help, a bad flag with the usage, a port that is taken
 * (with its fix) and the lines it prints once it runs, in Chinese with no English prose left.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { COMMAND_WORDS, englishWords } from '../../tests/helpers/english-prose'
import { cliI18n } from '../platform/cli-i18n'
import { main } from './cli'

const i18n = cliI18n({ LANG: 'zh_CN.UTF-8' })
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-zh-'))
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

async function sandbox(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const r = await main(argv, { out: (l) => out.push(...l.split('\n')), err: (l) => err.push(...l.split('\n')), i18n })
  return { r, out, err }
}

/** English words, apart from the machine-readable ready line and `data` (what the user typed). */
const prose = (lines: string[], data: string[] = []): string[] =>
  englishWords(data.reduce((t, d) => t.replaceAll(d, ' '), lines.filter((l) => !l.startsWith('SANDBOX_READY ')).join('\n')), COMMAND_WORDS)

describe('npm run sandbox in Chinese', () => {
  it('--help and a bad flag', async () => {
    const help = await sandbox('--help')
    expect(help.r).toEqual({ exitCode: 0 })
    expect(help.out[0]).toBe('用法：npm run sandbox -- [选项]')
    expect(help.out).toContain('  --oom-token-budget N  故障注入：超过 N 个 token 的 forward_backward 批次报 CUDA 显存不足')
    expect(prose(help.out)).toEqual([])
    const bad = await sandbox('--port', 'abc')
    expect(bad.r).toEqual({ exitCode: 1 })
    expect(bad.err[0]).toBe('sandbox：--port 须为 [0, 65535] 范围内的数字，收到的是“abc”')
    expect(bad.err[1]).toBe('用法：npm run sandbox -- [选项]')
    expect(prose(bad.err, ['abc'])).toEqual([])
  })

  it('a port that is taken: what happened and the fix', async () => {
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = holder.address() as net.AddressInfo
      const taken = await sandbox('--port', String(port), '--data-dir', dataDir)
      expect(taken.r).toEqual({ exitCode: 1 })
      expect(taken.err).toEqual([
        `sandbox：错误 [sandbox-port-taken]：${i18n.hint('sandbox-port-taken').title}。停掉占用该端口的程序，或者用 --port 换一个端口（--port 0 表示任选一个空闲端口）。`,
      ])
      expect(prose(taken.err)).toEqual([])
    } finally {
      holder.close()
    }
  })

  it('running: address, key, data folder and how to stop, then the ready line for programs', async () => {
    const started = await sandbox('--port', '0', '--data-dir', dataDir, '--host', '0.0.0.0')
    if (!('sandbox' in started.r)) throw new Error(started.err.join('\n'))
    try {
      expect(started.out[0]).toBe('TuFT Studio 沙箱（兼容 TuFT，仅用 CPU 的微型模型 sandbox/qwen3-tiny）')
      expect(started.out).toContain(`  数据目录：${dataDir}`)
      expect(started.out).toContain('按 Ctrl-C 停止。')
      expect(started.err[0]).toMatch(/^警告：--host 0\.0\.0\.0 会让其他机器也能访问这个沙箱。/)
      expect(JSON.parse(started.out.at(-1)!.slice('SANDBOX_READY '.length))).toMatchObject({ url: started.r.sandbox.url, dataDir })
      expect(prose([...started.out, ...started.err], [dataDir])).toEqual([])
    } finally {
      await started.r.sandbox.close()
    }
  })
})
