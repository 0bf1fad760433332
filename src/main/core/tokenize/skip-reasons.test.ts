import { describe, expect, it } from 'vitest'
import { datumSkipReason } from './datums'
import { computeMask } from './mask'
import {
  parseSkipReason,
  SKIP_NO_OFFSETS,
  SKIP_NOTHING_WEIGHTED,
  skipBeyondMaxLength,
  skipNoTargetMessage,
  skipNotVerbatim,
  skipTemplateError,
  skipTooFewTokens,
} from './skip-reasons'

describe('skip reasons', () => {
  it('reads every reason the tokenizer writes back into its parts', () => {
    expect(parseSkipReason(skipTooFewTokens(1, 64))).toEqual({ kind: 'too-few-tokens', tokens: 1, maxLength: 64 })
    expect(parseSkipReason(skipBeyondMaxLength(64, 95, 127))).toEqual({ kind: 'beyond-max-length', maxLength: 64, firstTrained: 95, length: 127 })
    expect(parseSkipReason(SKIP_NOTHING_WEIGHTED)).toEqual({ kind: 'nothing-weighted' })
    expect(parseSkipReason(skipNoTargetMessage('all-assistant'))).toEqual({ kind: 'no-target-message', assistantOnly: true })
    expect(parseSkipReason(skipNoTargetMessage('all'))).toEqual({ kind: 'no-target-message', assistantOnly: false })
    expect(parseSkipReason(skipNotVerbatim(3, 'assistant'))).toEqual({ kind: 'not-verbatim', message: 3, role: 'assistant' })
    expect(parseSkipReason(SKIP_NO_OFFSETS)).toEqual({ kind: 'no-offsets' })
    expect(parseSkipReason(skipTemplateError('System role not supported'))).toEqual({ kind: 'template-error', error: 'System role not supported' })
    expect(parseSkipReason('something else')).toEqual({ kind: 'other', text: 'something else' })
  })

  it('is what the datum and mask code write', () => {
    expect(parseSkipReason(datumSkipReason([0, 0, 0, 1], 4, 2)!)).toEqual({ kind: 'beyond-max-length', maxLength: 2, firstTrained: 3, length: 4 })
    expect(parseSkipReason(datumSkipReason([0, 0], 2, 1)!)).toMatchObject({ kind: 'too-few-tokens', tokens: 1 })
    const mask = computeMask('user: hi', [{ role: 'user', content: 'hi' }], 'all-assistant', { unit: 'utf8', starts: new Int32Array(), ends: new Int32Array() }, [])
    expect(parseSkipReason(mask.skipReason!)).toEqual({ kind: 'no-target-message', assistantOnly: true })
  })
})
