import { describe, expect, it } from 'vitest'
import { i18nFor } from '../../../shared/i18n'
import { fail } from '../../../shared/result'
import { parseInput } from '../../../shared/contract'
import { fieldErrors } from './field-errors'

describe('fieldErrors', () => {
  it('names the fields of a contract validation failure by their last segment', () => {
    const r = parseInput('datasetImport', { opId: 'a', source: { kind: 'hub', repo: 'not a repo', split: '../x' }, endpoint: 'ftp://x' })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(Object.keys(fieldErrors(r)).sort()).toEqual(['endpoint', 'repo', 'split'])
  })

  it('takes the field a main-side check names, and ignores other failures', () => {
    expect(fieldErrors(fail('invalid-input', '"x.txt" is not a .jsonl file', { details: { issues: [{ path: 'file', message: 'must be a .jsonl, .json, .parquet file' }] } }))).toEqual({
      file: 'must be a .jsonl, .json, .parquet file',
    })
    expect(fieldErrors(fail('hf-unreachable', 'down', { details: { issues: [{ path: 'file' }] } }))).toEqual({})
    expect(fieldErrors(null)).toEqual({})
  })

  it('words a file of the wrong kind in the reader’s language from the kinds main lists', () => {
    const details = { issues: [{ path: 'file', message: 'must be a .jsonl, .json file' }], wanted: ['jsonl', 'json'], name: 'a.txt' }
    expect(fieldErrors(fail('invalid-input', '"a.txt" is not a .jsonl, .json file', { details }), i18nFor('zh-CN'))).toEqual({ file: '必须是 .jsonl、.json 文件' })
  })

  it('says in Chinese that a value the contract refused is not valid; English keeps the validator’s words', () => {
    const r = parseInput('datasetImport', { opId: 'a', source: { kind: 'hub', repo: 'not a repo' } })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(fieldErrors(r, i18nFor('zh-CN'))).toEqual({ repo: '这个值不符合要求。' })
    expect(fieldErrors(r, i18nFor('en')).repo).toBe(fieldErrors(r).repo)
  })
})
