import { describe, expect, it } from 'vitest'
import { COMMAND_WORDS, englishWords } from '../../tests/helpers/english-prose'
import { en } from './ui-strings'
import { zhCN } from './ui-strings.zh-cn'

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
