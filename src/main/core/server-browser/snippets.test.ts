import { execFile, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTuftClient } from '../tuft'
import { startSandbox, type SandboxHandle } from '../../../sandbox'
import { repoRoot } from '../../../../tests/helpers/fixtures'
import { SNIPPET_KEY_ENV, useModelSnippets } from '../../../shared/use-model-snippets'

let sb: SandboxHandle
let sampler: string
let tmp: string

const has = (cmd: string): boolean => {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const run = (
  cmd: string,
  args: string[],
  env: Record<string, string>,
  cwd = tmp,
): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    )
  })

beforeAll(async () => {
  sb = await startSandbox({ longPollMs: 1_000 })
  const client = createTuftClient({ url: sb.url, apiKey: sb.apiKey, env: {}, heartbeatIntervalMs: 3_600_000 })
  const model = await client.createLoraModel({ base_model: 'sandbox/qwen3-tiny', rank: 4 })
  sampler = (await (await model.saveWeightsForSampler('best')).result).path
  client.close()
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snippets-'))
})
afterAll(async () => {
  await sb.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

// A prompt that breaks naive quoting in every language the snippets are written in.
const TRICKY = `It's "quoted" — $HOME \\n \`ls\` ${'${x}'}`

describe('"Use this model" snippets run against the sandbox', () => {
  it.skipIf(!has('curl'))(
    'the curl snippet runs against the sandbox with the sampler path and a hostile prompt',
    async () => {
      const s = useModelSnippets({ serverUrl: sb.url, model: sampler, prompt: TRICKY, maxTokens: 4 })
      const r = await run('sh', ['-c', s.curl], { [SNIPPET_KEY_ENV]: sb.apiKey, HOME: '/should-not-appear' })
      expect(r.code).toBe(0)
      const body = JSON.parse(r.stdout) as { model: string; id: string; usage: { completion_tokens: number } }
      expect(body.model).toBe(sampler)
      expect(body.usage.completion_tokens).toBe(4)
      // Without the key in the environment the same snippet is refused: it carries no key of its own.
      const anon = await run('sh', ['-c', s.curl], {})
      expect(JSON.parse(anon.stdout)).toEqual({
        detail: 'Missing API key. Provide Authorization: Bearer <key> or X-API-Key header.',
      })
    },
  )

  it('the Node snippet runs with the real openai package', async () => {
    const s = useModelSnippets({ serverUrl: sb.url, model: sampler, prompt: TRICKY, maxTokens: 3 })
    const dir = path.join(tmp, 'node')
    fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true })
    fs.symlinkSync(path.join(repoRoot, 'node_modules', 'openai'), path.join(dir, 'node_modules', 'openai'))
    fs.writeFileSync(path.join(dir, 'chat.mjs'), s.nodeOpenai)
    const r = await run(process.execPath, ['chat.mjs'], { [SNIPPET_KEY_ENV]: sb.apiKey }, dir)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout.endsWith('\n')).toBe(true)
  })

  it.skipIf(!has('python3'))('the Python snippets compile', async () => {
    const s = useModelSnippets({ serverUrl: sb.url, model: sampler, prompt: TRICKY })
    for (const [name, text] of [
      ['openai_chat.py', s.pythonOpenai],
      ['tinker_sample.py', s.pythonTinker],
    ] as const) {
      const file = path.join(tmp, name)
      fs.writeFileSync(file, text)
      const r = await run('python3', ['-m', 'py_compile', file], {})
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      // The prompt survives as a Python string literal, byte for byte.
      const literal = await run(
        'python3',
        [
          '-c',
          `import ast,sys; src=open(${JSON.stringify(file)}).read(); print([n.value for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Constant) and n.value == ${JSON.stringify(TRICKY)}] != [])`,
        ],
        {},
      )
      expect(literal.stdout.trim()).toBe('True')
    }
  })
})
