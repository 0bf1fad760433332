import { describe, expect, it } from 'vitest'
import { parseLearningRate, parsePositive, parseWhole } from './parse'

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

describe('parseLearningRate and parseWhole', () => {
  it('say why a learning rate is refused', () => {
    expect(parseLearningRate('5e-5')).toEqual({ ok: true, value: 5e-5 })
    expect(parseLearningRate('abc')).toEqual({ ok: false, reason: 'invalid' })
    expect(parseLearningRate('0')).toEqual({ ok: false, reason: 'invalid' })
    expect(parseLearningRate('2')).toEqual({ ok: false, reason: 'too-high' })
  })
  it('read whole numbers only', () => {
    expect(parseWhole(' 16 ')).toBe(16)
    expect(parseWhole('0')).toBeNull()
    expect(parseWhole('0', 0)).toBe(0)
    for (const bad of ['8.5', '1e1', '', '-4', 'abc']) expect(parseWhole(bad)).toBeNull()
  })
})
