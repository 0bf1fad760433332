import { describe, expect, it } from 'vitest'
import { createFormat, formatLr } from './format'

const en = createFormat('en')
const zh = createFormat('zh-CN')
// A fixed local time, so the test does not depend on the machine's time zone.
const DEC_6 = new Date(2026, 11, 6, 14, 3)

describe('formatters', () => {
  it('write dates the way each language does', () => {
    expect(zh.date(DEC_6)).toBe('2026年12月6日')
    expect(en.date(DEC_6)).toBe('December 6, 2026')
    expect(zh.dateTime(DEC_6)).toBe('2026年12月6日 14:03')
    expect(en.dateTime(DEC_6)).toMatch(/^Dec 6, 2026, 2:03\sPM$/)
    expect(en.dateTime(DEC_6.toISOString())).toBe(en.dateTime(DEC_6))
  })

  it('group counts and keep three decimals for NLL', () => {
    expect(en.int(1024)).toBe('1,024')
    expect(zh.int(1024)).toBe('1,024')
    expect(en.int(2.6)).toBe('3')
    expect(en.nll(2.34567)).toBe('2.346')
    expect(zh.nll(2.34567)).toBe('2.346')
    expect(en.nll(null)).toBe('—')
    expect(zh.nll(Number.NaN)).toBe('—')
    expect(en.decimal(0.6, 2)).toBe('0.60')
    expect(en.significant(0.012345, 3)).toBe('0.0123')
  })

  it('show shares with a decimal only where it matters', () => {
    expect(en.percent(0.0345)).toBe('3.5%')
    expect(en.percent(0.456)).toBe('46%')
    expect(zh.percent(0.456)).toBe('46%')
    expect(en.percent(0)).toBe('0%')
  })

  it('name byte sizes in decimal units', () => {
    expect(en.bytes(512)).toBe('512 bytes')
    expect(zh.bytes(512)).toBe('512字节')
    expect(en.bytes(1536)).toBe('1.5 kB')
    expect(zh.bytes(2_300_000_000)).toBe('2.3 GB')
    expect(en.bytes(999_999)).toBe('1,000 kB')
  })

  it('write durations with at most two units, dropping a zero one', () => {
    expect(en.duration(45)).toBe('45 sec')
    expect(en.duration(75)).toBe('1 min 15 sec')
    expect(en.duration(120)).toBe('2 min')
    expect(en.duration(2 * 3600 + 5 * 60 + 9)).toBe('2 hr 5 min')
    expect(zh.duration(75)).toBe('1分钟15秒')
    expect(zh.duration(7500)).toBe('2小时5分钟')
    expect(zh.duration(null)).toBe('—')
    expect(en.duration(Number.POSITIVE_INFINITY)).toBe('—')
    expect(en.milliseconds(12)).toBe('12 ms')
    expect(zh.milliseconds(12)).toBe('12毫秒')
  })

  it('list values and choose plural forms by the language’s rules', () => {
    expect(en.list(['8', '32'])).toBe('8, 32')
    expect(zh.list(['8', '32', '128'])).toBe('8、32、128')
    const forms = { one: 'run', other: 'runs' }
    expect(en.plural(1, forms)).toBe('run')
    expect(en.plural(4, forms)).toBe('runs')
    expect(en.plural(0, forms)).toBe('runs')
    // Chinese nouns do not inflect: always the "other" form.
    expect(zh.plural(1, { one: 'x', other: '次' })).toBe('次')
  })

  it('keep the guide’s learning-rate notation in every language', () => {
    expect(formatLr(1e-4)).toBe('1e-4')
    expect(formatLr(5e-5)).toBe('5e-5')
    expect(formatLr(2.5e-4)).toBe('2.5e-4')
    expect(zh.lr(1e-3)).toBe('1e-3')
  })

  it('abbreviate parameter counts the way each language does', () => {
    expect(en.compact(4_022_468_096)).toBe('4.02B')
    expect(zh.compact(4_022_468_096)).toBe('40.2亿')
    expect(en.compact(596_049_920)).toBe('596M')
    expect(zh.compact(596_049_920)).toBe('5.96亿')
  })
})
