import { describe, expect, it } from 'vitest'
import { localeFromEnv, localeOfTag, matchLocale, resolveLocale } from './locale'

describe('locale choice', () => {
  it('maps browser, Electron and POSIX tags onto a catalogue', () => {
    expect(localeOfTag('zh-CN')).toBe('zh-CN')
    expect(localeOfTag('zh-Hans-CN')).toBe('zh-CN')
    expect(localeOfTag('zh_CN.UTF-8')).toBe('zh-CN')
    expect(localeOfTag('zh-TW')).toBe('zh-CN')
    expect(localeOfTag('en-GB')).toBe('en')
    expect(localeOfTag('fr-FR')).toBeNull()
  })

  it('takes the first preferred language that has a catalogue', () => {
    expect(matchLocale(['fr-FR', 'zh-CN', 'en-US'])).toBe('zh-CN')
    expect(matchLocale(['en-US', 'zh-CN'])).toBe('en')
    expect(matchLocale(['de', undefined, ''])).toBe('en')
    expect(matchLocale([])).toBe('en')
  })

  it('lets a saved choice win over the system', () => {
    expect(resolveLocale(null, ['zh-CN'])).toBe('zh-CN')
    expect(resolveLocale('en', ['zh-CN'])).toBe('en')
    expect(resolveLocale('zh-CN', ['en-US'])).toBe('zh-CN')
  })

  it('reads a command line’s language from LC_ALL, then LC_MESSAGES, then LANG', () => {
    expect(localeFromEnv({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN')
    expect(localeFromEnv({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' })).toBe('en')
    expect(localeFromEnv({ LC_ALL: '', LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('zh-CN')
    expect(localeFromEnv({ LC_MESSAGES: 'C', LANG: 'zh_CN.UTF-8' })).toBe('en')
    expect(localeFromEnv({ LC_ALL: 'zh_CN.GB18030' })).toBe('zh-CN')
    expect(localeFromEnv({})).toBe('en')
  })
})
