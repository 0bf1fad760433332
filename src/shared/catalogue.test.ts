import { describe, expect, it } from 'vitest'
import { englishWords } from '../../tests/helpers/english-prose'
import { ERROR_CODES } from './error-codes'
import { HINTS, KEY_HINTS, hintFor, keyHintText, type KeyHintCase } from './catalogue'
import { LOCALES } from './i18n/locale'

/** Names that must read the same in every language: env vars, snake_case fields, file names, commands, URLs. */
const identifiers = (text: string): string[] => text.match(/https?:\/\/[^\s)（）]*[^\s)（）.,]|`[^`]+`|\b[A-Z][A-Z0-9_]{3,}\b|\b[a-z]+_[a-z_]+\b|\b[\w-]+\.(?:json|jsonl|parquet)\b/g) ?? []

describe('hint catalogue', () => {
  it('explains every error code with a cause and a fix, in every language', () => {
    for (const locale of LOCALES)
      for (const code of ERROR_CODES) {
        const h = hintFor(code, locale)
        expect(h.title.length, `${locale} ${code}`).toBeGreaterThan(0)
        expect(h.why.length, `${locale} ${code}`).toBeGreaterThan(0)
        expect(h.fix.length, `${locale} ${code}`).toBeGreaterThan(0)
        // The one-click fix is the same whatever the language.
        expect(h.action, `${locale} ${code}`).toEqual(HINTS[code].action)
        expect(h.also, `${locale} ${code}`).toEqual(HINTS[code].also)
      }
  })

  it('has Chinese words for every hint, naming the same variables, files and commands as the English', () => {
    for (const code of ERROR_CODES) {
      const en = hintFor(code, 'en')
      const zh = hintFor(code, 'zh-CN')
      for (const part of ['title', 'why', 'fix'] as const) {
        expect(zh[part], `${code}.${part}`).toMatch(/[\u4e00-\u9fff]/)
        // Quoted server and OS messages stay verbatim: the user will see them in English.
        expect(englishWords(zh[part].replace(/“(Network is unreachable|Invalid API key)”/g, '')), `${code}.${part}`).toEqual([])
        for (const id of identifiers(en[part])) expect(zh[part], `${code}.${part} should keep ${id}`).toContain(id.replace(/`/g, '').split(' ')[0])
      }
    }
  })

  it('words the API-key advice in both languages', () => {
    for (const c of Object.keys(KEY_HINTS) as KeyHintCase[]) {
      expect(keyHintText(c, 'zh-CN')).toMatch(/[\u4e00-\u9fff]/)
      for (const id of identifiers(KEY_HINTS[c])) expect(keyHintText(c, 'zh-CN')).toContain(id)
      expect(keyHintText(c)).toBe(KEY_HINTS[c])
    }
  })
})
