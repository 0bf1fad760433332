import { describe, expect, it } from 'vitest'
import { fmtBytes, fmtDuration, fmtLr, parsePositive } from './format'

describe('format', () => {
  it('writes learning rates the way the guide does', () => {
    expect(fmtLr(1e-4)).toBe('1e-4')
    expect(fmtLr(5e-5)).toBe('5e-5')
    expect(fmtLr(1e-3)).toBe('1e-3')
  })
  it('formats sizes and durations', () => {
    expect(fmtBytes(512)).toBe('512 B')
    expect(fmtBytes(1536)).toBe('1.5 KB')
    expect(fmtDuration(75)).toBe('1 min 15 s')
    expect(fmtDuration(null)).toBe('—')
  })
  it('parses positive numbers only', () => {
    expect(parsePositive('1e-4')).toBe(1e-4)
    expect(parsePositive('-1')).toBeNull()
    expect(parsePositive('abc')).toBeNull()
  })
})
