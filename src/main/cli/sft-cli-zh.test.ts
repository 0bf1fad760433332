/**
 * `npm run sft` under LANG=zh_CN.UTF-8, in-process: help, a usage error, a run on the built-in sandbox (its
 * progress and summary) and a run whose server cannot be reached (the error and its fix), in Chinese with no
 * English prose left — main's own message, kept under the catalogue's words, aside. --summary-json keeps its keys.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { COMMAND_WORDS, englishWords } from '../../../tests/helpers/english-prose'
import { repoRoot } from '../../../tests/helpers/fixtures'
import { unusedLocalUrl } from '../../../tests/helpers/hub-mirror'
import { main } from './sft-cli'

const ZH = { LANG: 'zh_CN.UTF-8', LC_ALL: '', LC_MESSAGES: '' }
const SAMPLE = path.join(repoRoot, 'resources', 'datasets', 'sample-chat.jsonl')

/** English words in these lines, apart from the line that quotes main's own message and `data` (names, paths). */
const prose = (text: string, data: string[] = []): string[] => {
  const kept = text
    .split('\n')
    .filter((l) => !l.trim().startsWith('原始信息：'))
    .join('\n')
  return englishWords(data.reduce((t, d) => t.replaceAll(d, ' '), kept), COMMAND_WORDS)
}

let home: string
beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sft-zh-'))
  process.env.TUFT_STUDIO_HOME = home
})
afterAll(() => fs.rmSync(home, { recursive: true, force: true }))

/** Runs the CLI in this process, capturing what it writes. */
async function sft(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((stdout += String(c)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((stderr += String(c)), true))
  try {
    const code = await main(argv, { ...process.env, ...ZH })
    return { code, stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}

describe('npm run sft in Chinese', () => {
  it('--help lists every option in Chinese, flags and JSON keys as typed', async () => {
    const r = await sft('--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^用法：npm run sft -- \[选项\]/)
    expect(r.stdout).toMatch(/--api-key-file 文件 +从文件读取远程服务器的 API 密钥/)
    expect(r.stdout).toContain('退出码：')
    expect(prose(r.stdout)).toEqual([])
  })

  it('a usage error names the option and the fix', async () => {
    const r = await sft('--rank')
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual(['错误 invalid-input：--rank 后面需要跟一个值', '解决办法：改正这个值后重新运行命令（--help 会列出所有选项）。'])
  })

  it('a run on the sandbox: progress, evaluations, checkpoints and the summary', async () => {
    const summaryFile = path.join(home, 'summary.json')
    const r = await sft('--sandbox', '--dataset', SAMPLE, '--steps', '2', '--batch-size', '2', '--max-length', '128', '--eval-every', '2', '--eval-set-size', '4', '--summary-json', summaryFile)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/^指定了 --sandbox：已在本进程内启动内置沙箱，地址 http:\/\/127\.0\.0\.1:\d+/m)
    expect(r.stderr).toMatch(/^数据集 sample-chat：已从 .* 导入 train 划分 73 行。$/m)
    expect(r.stderr).toMatch(/^\[█+░*\] 2\/2 训练 NLL \d+\.\d{4} 测试 NLL \d+\.\d{4}/m)
    expect(r.stderr).toMatch(/^第 2 步：4 条留出对话上的测试 NLL 为 \d+\.\d{4}$/m)
    expect(r.stdout).toMatch(/^训练运行 \S+“sample-chat r32 lr1e-4”：已完成，第 2\/2 步$/m)
    expect(r.stdout).toMatch(/^ {2}模型 sandbox\/qwen3-tiny，秩 32，学习率 1e-4，数据集 sample-chat（训练 69 条，评估 4 条，来自留出部分）$/m)
    expect(prose(r.stdout + r.stderr, [home, 'sample-chat r32 lr1e-4', 'sandbox/qwen3-tiny'])).toEqual([])
    expect(Object.keys(JSON.parse(fs.readFileSync(summaryFile, 'utf8'))).sort()).toEqual(
      ['best', 'best_checkpoint', 'checkpoints', 'epochs', 'eval_conversations', 'run_id', 'status', 'steps', 'test_nll', 'train_nll', 'verdict'].sort(),
    )
  })

  it('a server that does not answer: the error with its fix, then how to resume', async () => {
    const r = await sft('--server', await unusedLocalUrl(), '--dataset', 'sample-chat', '--steps', '2')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^错误 server-unreachable：无法连接 TuFT 服务器$/m)
    expect(r.stderr).toMatch(/^ {2}原始信息：healthz: could not reach TuFT at /m)
    expect(r.stderr).toMatch(/^ {2}解决办法：在 GPU 机器上用 `tuft launch` 启动 TuFT/m)
    expect(r.stdout).toMatch(/：已中断，第 0\/2 步$/m)
    expect(r.stdout).toMatch(/^ {2}继续训练：npm run sft -- --resume \S+$/m)
    expect(prose(r.stdout + r.stderr, ['sample-chat r32 lr1e-4'])).toEqual([])
  })
})
