import { describe, expect, it } from 'vitest'
import {
  ADAM_DEFAULTS,
  BATCH_SIZE_DEFAULT,
  CHECKPOINT_EVERY_DEFAULT,
  EVAL_EVERY_DEFAULT,
  EVAL_SET_SIZE_DEFAULT,
  LEARNING_RATE_DEFAULT,
  LORA_RANK_DEFAULT,
  MAX_LENGTH_DEFAULT,
  PIPELINE_LOOKAHEAD_DEFAULT,
} from '../../../shared/defaults'
import { adamParamsOf } from '../../../shared/runs'
import { StudioError } from '../../../shared/result'
import { parseRunConfig } from './runner'

describe('run config', () => {
  it('fills every default from the defaults module and sends TuFT/SDK AdamParams unless overridden', () => {
    const c = parseRunConfig({ dataset: { name: 'd' } })
    expect(c).toMatchObject({
      server: { kind: 'sandbox' },
      rank: LORA_RANK_DEFAULT,
      trainMlp: true,
      trainAttn: true,
      trainUnembed: true,
      learningRate: LEARNING_RATE_DEFAULT,
      batchSize: BATCH_SIZE_DEFAULT,
      maxLength: MAX_LENGTH_DEFAULT,
      evalEvery: EVAL_EVERY_DEFAULT,
      evalSetSize: EVAL_SET_SIZE_DEFAULT,
      checkpointEvery: CHECKPOINT_EVERY_DEFAULT,
      trainOn: 'all-assistant',
      lookahead: PIPELINE_LOOKAHEAD_DEFAULT,
    })
    expect(adamParamsOf(c)).toEqual({ ...ADAM_DEFAULTS, learning_rate: LEARNING_RATE_DEFAULT })
    expect(adamParamsOf(parseRunConfig({ dataset: { name: 'd' }, learningRate: 1e-3, adam: { weightDecay: 0.01, gradClipNorm: 1 } }))).toEqual({
      ...ADAM_DEFAULTS,
      learning_rate: 1e-3,
      weight_decay: 0.01,
      grad_clip_norm: 1,
    })
  })

  it('rejects bad values and unknown keys with invalid-input, naming the field', () => {
    const bad = (x: unknown) => {
      try {
        parseRunConfig(x)
      } catch (e) {
        expect(e).toBeInstanceOf(StudioError)
        expect((e as StudioError).code).toBe('invalid-input')
        return (e as Error).message
      }
      throw new Error('accepted')
    }
    expect(bad({ dataset: { name: 'd' }, rank: 0 })).toMatch(/rank/)
    expect(bad({ dataset: { name: 'd' }, learningRate: -1 })).toMatch(/learningRate/)
    expect(bad({ dataset: { name: 'd' }, lr: 1e-4 })).toMatch(/lr/)
    expect(bad({ rank: 8 })).toMatch(/dataset/)
    expect(bad({ dataset: { name: 'd' }, server: { kind: 'remote', url: 'not a url' } })).toMatch(/server/)
  })
})
