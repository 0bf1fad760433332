import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from './error-codes'
import { HINTS } from './catalogue'

describe('hint catalogue', () => {
  it('explains every error code with a cause and a fix', () => {
    for (const code of ERROR_CODES) {
      const h = HINTS[code]
      expect(h, code).toBeDefined()
      expect(h.title.length, code).toBeGreaterThan(0)
      expect(h.why.length, code).toBeGreaterThan(0)
      expect(h.fix.length, code).toBeGreaterThan(0)
    }
  })
})
