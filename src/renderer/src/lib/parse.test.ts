import { describe, expect, it } from 'vitest'
import { parsePositive } from './parse'

describe('parsePositive', () => {
  it('reads the guide’s notation and plain decimals', () => {
    expect(parsePositive('1e-4')).toBe(1e-4)
    expect(parsePositive(' 0.0005 ')).toBe(5e-4)
  })
  it('rejects anything that is not a positive number', () => {
    expect(parsePositive('-1')).toBeNull()
    expect(parsePositive('0')).toBeNull()
    expect(parsePositive('abc')).toBeNull()
    expect(parsePositive('')).toBeNull()
  })
})
