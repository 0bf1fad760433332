import { describe, expect, it } from 'vitest'
import { COMMAND_WORDS, englishWords } from '../../tests/helpers/english-prose'
import { en } from './ui-strings'
import { zhCN } from './ui-strings.zh-cn'
import type { RowFact } from './datasets'

type Leaf = { path: string; value: unknown }
/** Every value under `v` by its path; lists (the SFT-or-RL rows) are leaves unless `intoLists`: each language may write its own number of rows. */
function leaves(v: unknown, intoLists = false, path = ''): Leaf[] {
  if (v && typeof v === 'object' && (intoLists || !Array.isArray(v))) return Object.entries(v).flatMap(([k, x]) => leaves(x, intoLists, path ? `${path}.${k}` : k))
  return [{ path, value: v }]
}
const byPath = (v: unknown): Map<string, unknown> => new Map(leaves(v).map((l) => [l.path, l.value]))

describe('UI catalogues', () => {
  it('have the same keys, with functions of the same arity, in every language', () => {
    const a = byPath(en)
    const b = byPath(zhCN)
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort())
    for (const [path, v] of a) {
      expect(typeof b.get(path), path).toBe(typeof v)
      if (typeof v === 'function') expect((b.get(path) as (...x: unknown[]) => unknown).length, path).toBe(v.length)
    }
  })

  it('write Chinese prose in zh-CN, keeping only code, ids and product names in Latin letters', () => {
    const strings = leaves(zhCN, true).filter((l): l is { path: string; value: string } => typeof l.value === 'string')
    expect(strings.length).toBeGreaterThan(200)
    // The command lines' usage lines name commands as they are typed (`npm run cli -- dataset import`).
    for (const { path, value } of strings) expect(englishWords(value, path.startsWith('cli.') ? COMMAND_WORDS : []), path).toEqual([])
  })

  it('word the interpolating functions in Chinese, with Chinese number and list formats', () => {
    expect(zhCN.dataset.rows(1500)).toBe('1,500 条对话')
    expect(en.dataset.rows(1)).toBe('1 conversation')
    expect(en.dataset.rows(1500)).toBe('1,500 conversations')
    expect(zhCN.review.sweepSummary([8, 32], ['1e-4', '1e-3'])).toBe('秩 8、32 × 学习率 1e-4、1e-3（共 4 次训练）')
    expect(en.review.sweepSummary([8, 32], ['1e-4', '1e-3'])).toBe('ranks 8, 32 × LR 1e-4, 1e-3 (4 runs)')
    expect(zhCN.model.truncated(0.034, 1024)).toBe('3.4% 的对话超过 1,024 个 token，训练时会被截断。')
    expect(zhCN.train.eta('1分钟15秒')).toBe('预计剩余 1分钟15秒')
    for (const s of [zhCN.wizard.stepOf(1, 6), zhCN.hint.oomTry({ maxLength: 256, batchSize: 4, rank: 8 }), zhCN.connect.keyStatus({ set: true, storage: 'key-file', masked: '…a1b2', envMasked: null }), zhCN.hint.keySentFact('TINKER_API_KEY', '…a1b2'), zhCN.rankLr.advice['lr-far-high']({ lr: 0.1 }), zhCN.settings.noServers(null)])
      expect(englishWords(s)).toEqual([])
  })
})

describe('the facts of a rejected or odd row', () => {
  const every: RowFact[] = [
    { kind: 'turn-is', turn: 2, is: 'list' },
    { kind: 'turn-no-role', turn: 1, field: 'from' },
    { kind: 'turn-unknown-role', turn: 3, rawRole: '"robot"' },
    { kind: 'content-missing', turn: 2, role: 'assistant' },
    { kind: 'content-is', turn: 2, role: 'user', is: 'number' },
    { kind: 'turn-empty', turn: 2, role: 'assistant' },
    { kind: 'no-turns' },
    { kind: 'roles', roles: ['system', 'user'] },
    { kind: 'field-is', field: 'system', is: 'object' },
    { kind: 'no-field', field: 'messages' },
    { kind: 'no-fields', fields: ['instruction', 'output'] },
    { kind: 'instruction-empty' },
    { kind: 'output-empty' },
    { kind: 'history-shape' },
    { kind: 'history-turn-empty' },
    { kind: 'too-long', chars: 1_048_577, max: 1_048_576 },
    { kind: 'row-is', is: 'null' },
    { kind: 'too-deep', max: 64 },
    { kind: 'too-large', what: 'line', max: 16_777_216 },
    { kind: 'not-utf8', byte: 12, hex: 'E9', latin1: true, inValue: false },
    { kind: 'first-turn', turn: 1 },
    { kind: 'same-role', first: 1, second: 2, role: 'user' },
    { kind: 'unanswered', turn: 4 },
  ]

  it('reads in English as command lines have always printed it', () => {
    expect(every.map((f) => en.dataset.fact(f))).toEqual([
      'turn 2 is a list',
      'turn 1 has no "from"',
      'turn 3 role "robot"',
      'turn 2 (assistant): content is missing or null',
      'turn 2 (user): content is number',
      'turn 2 (assistant) is empty',
      'no turns',
      'roles: system, user',
      '"system" is object',
      'no "messages" field',
      'no "instruction" or "output"',
      'instruction and input are empty',
      'output is empty',
      'history must be [[query, response], …]',
      'empty history turn',
      '1,048,577 characters; at most 1,048,576 are imported',
      'row is null',
      'nested more than 64 levels deep',
      'line longer than 16,777,216 bytes',
      'not valid UTF-8 at byte 12 (0xE9): the text looks Latin-1 / Windows-1252 encoded',
      'turn 1 is the first non-system turn',
      'turns 1 and 2 are both user',
      'turn 4 is a user turn with no reply',
    ])
  })

  it('reads in Chinese without English words, naming roles in Chinese', () => {
    // Field names and roles as the data spells them are data, not prose.
    const fromData = ['from', 'robot', 'system']
    for (const f of every) expect(englishWords(zhCN.dataset.fact(f), fromData), f.kind).toEqual([])
    expect(zhCN.dataset.fact({ kind: 'turn-empty', turn: 2, role: 'assistant' })).toBe('第 2 轮（助手）内容为空')
    expect(zhCN.dataset.fact({ kind: 'row-is', is: 'null' })).toBe('这一行是 null，不是对象')
  })
})
