import { describe, expect, it } from 'vitest'
import { maskKey, registerSecret, registerSecretSource, scrubDeep, scrubSecrets } from './redact'
import { fail, StudioError } from './result'

describe('scrubSecrets', () => {
  it('removes every registered secret, in any text, the longest first', () => {
    registerSecret('  plain-server-key-42  ')
    registerSecret('abc') // too short to be treated as a secret
    const drop = registerSecretSource(() => ['rotating-key-1', null, 'rotating-key-1-and-more'])
    expect(scrubSecrets('sent plain-server-key-42 to http://gpu:10610')).toBe('sent [redacted] to http://gpu:10610')
    expect(scrubSecrets('rotating-key-1-and-more / rotating-key-1 / abc')).toBe('[redacted] / [redacted] / abc')
    drop()
    expect(scrubSecrets('rotating-key-1')).toBe('rotating-key-1')
    expect(scrubSecrets('only-mine-1234', { extra: ['only-mine-1234'] })).toBe('[redacted]')
  })

  it('removes key-looking strings nobody registered: tml-…, hf_…, sk-…, labelled values, bearer tokens, URL passwords', () => {
    const cases: [string, string][] = [
      ['Invalid API key tml-9f8e7d6c5b4a39281706', 'Invalid API key [redacted]'],
      ['token hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345 rejected', 'token [redacted] rejected'],
      ['sk-proj-abcdefghijklmnop1234', '[redacted]'],
      ['{"X-API-Key": "hunter2-long"}', '{"X-API-Key": "[redacted]"}'],
      ['GET /x?api_key=s3cr3tvalue&limit=2', 'GET /x?api_key=[redacted]&limit=2'],
      ['password: correct-horse', 'password: [redacted]'],
      ['Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig', 'Authorization: Bearer [redacted]'],
      ['cannot reach https://me:pa55word@gpu-box:10610/api', 'cannot reach https://me:[redacted]@gpu-box:10610/api'],
    ]
    for (const [text, want] of cases) expect(scrubSecrets(text), text).toBe(want)
  })

  it('leaves ordinary error texts alone', () => {
    for (const text of [
      'Invalid API key',
      'The password is incorrect',
      'token 151643 is <|im_end|>',
      'Sequence conflict: expected 3, got 2.',
      'tml-short',
      'https://hf-mirror.com/datasets/HuggingFaceH4/no_robots',
    ])
      expect(scrubSecrets(text)).toBe(text)
    expect(scrubSecrets('tml-9f8e7d6c5b4a39281706', { patterns: false })).toBe('tml-9f8e7d6c5b4a39281706')
  })

  it('scrubDeep cleans nested strings and returns the same value when there is nothing to remove', () => {
    registerSecret('deep-secret-value')
    const clean = { a: [1, 'x', { b: null }], n: 3 }
    expect(scrubDeep(clean)).toBe(clean)
    expect(scrubDeep({ a: ['deep-secret-value', 2], b: { c: 'k=deep-secret-value' } })).toEqual({ a: ['[redacted]', 2], b: { c: 'k=[redacted]' } })
  })

  it('StudioErrors and Failures are born scrubbed: message, details and hint', () => {
    registerSecret('born-scrubbed-key')
    const e = new StudioError('invalid-api-key', 'Invalid API key born-scrubbed-key', { serverMessage: 'key born-scrubbed-key', status: 403 })
    expect(e.message).toBe('Invalid API key [redacted]')
    expect(e.details).toEqual({ serverMessage: 'key [redacted]', status: 403 })
    expect(e.toFailure()).toMatchObject({ message: 'Invalid API key [redacted]', details: { serverMessage: 'key [redacted]' } })
    expect(fail('server-error', 'echo tml-0123456789abcdef', { hint: 'born-scrubbed-key', details: { k: 'hf_0123456789abcdefghij' } })).toEqual({
      ok: false,
      code: 'server-error',
      message: 'echo [redacted]',
      hint: '[redacted]',
      details: { k: '[redacted]' },
    })
  })
})

describe('maskKey', () => {
  it('shows the last four characters of a key, none of a short one, and null for no key', () => {
    expect(maskKey('tml-0123456789abcdef')).toBe('…cdef')
    expect(maskKey('  tml-0123456789abcdef\n')).toBe('…cdef')
    expect(maskKey('short-key')).toBe('…')
    expect(maskKey('')).toBeNull()
    expect(maskKey(undefined)).toBeNull()
  })

  it('is never scrubbed as a secret, while the key it masks is', () => {
    registerSecret('tml-mask-me-0123456789')
    const text = `sent ${maskKey('tml-mask-me-0123456789')} (tml-mask-me-0123456789)`
    expect(scrubSecrets(text)).toBe('sent …6789 ([redacted])')
    expect(scrubSecrets(text, { allow: ['tml-mask-me-0123456789'], patterns: false })).toBe(text)
  })
})
