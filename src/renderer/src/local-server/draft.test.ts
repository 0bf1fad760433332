import { describe, expect, it } from 'vitest'
import type { LocalServerPlan } from '../../../shared/local-server'
import type { Failure } from '../../../shared/result'
import { configOf, emptyForm, emptyModel, fixFocus, halvedMaxModelLen, lowerMaxModelLen, nextPort } from './draft'

const failure = (code: Failure['code'], details: Record<string, unknown> = {}): Failure => ({ ok: false, code, message: 'x', details })
const plan = (lens: number[]): LocalServerPlan =>
  ({ models: lens.map((maxModelLen, i) => ({ name: `m${i}`, path: `/m${i}`, maxModelLen, tensorParallelSize: 1 })) }) as LocalServerPlan

describe('local-server form fixes', () => {
  it('offer the port after the one a start found taken', () => {
    expect(nextPort(failure('local-server-port-taken', { port: 10610 }))).toBe(10611)
    expect(nextPort(failure('local-server-port-taken', { port: 65535 }))).toBeNull()
    expect(nextPort(failure('local-server-gpu-oom', { port: 10610 }))).toBeNull()
  })

  it('halve every model’s max_model_len, the typed one or the one filled in from its folder', () => {
    const form = { ...emptyForm(), models: [{ ...emptyModel(0), path: '/m0', maxModelLen: '8192' }, { ...emptyModel(1), path: '/m1' }] }
    const fix = lowerMaxModelLen(form, plan([8192, 32768]))
    expect(fix?.form.models.map((m) => m.maxModelLen)).toEqual(['4096', '16384'])
    expect(fix?.to).toBe(16384)
    expect(fix?.focus).toEqual({ field: 'max_model_len', modelIndex: 0 })
    // What the form sends is the lowered value.
    expect(configOf(fix!.form).models.map((m) => m.maxModelLen)).toEqual([4096, 16384])
    // Without a plan, only typed values are known.
    expect(lowerMaxModelLen({ ...form, models: [form.models[1]] }, null)).toBeNull()
  })

  it('stop at the shortest max_model_len TuFT accepts, on multiples of 128', () => {
    expect(halvedMaxModelLen(40960)).toBe(20480)
    expect(halvedMaxModelLen(1000)).toBe(384)
    expect(halvedMaxModelLen(200)).toBe(128)
    const floor = { ...emptyForm(), models: [{ ...emptyModel(0), maxModelLen: '128' }] }
    expect(lowerMaxModelLen(floor, null)).toBeNull()
  })

  it('open the form at the field the hint names, else the one the log named, of the model it named', () => {
    expect(fixFocus('tensor_parallel_size', failure('local-server-gpu-oom'))).toEqual({ field: 'tensor_parallel_size', modelIndex: 0 })
    expect(fixFocus(undefined, failure('local-server-bad-config', { field: 'max_lora_rank', modelIndex: 1 }))).toEqual({ field: 'max_lora_rank', modelIndex: 1 })
    expect(fixFocus('model_path', failure('local-server-missing-weights', { modelIndex: 2 }))).toEqual({ field: 'model_path', modelIndex: 2 })
    expect(fixFocus(undefined, failure('local-server-bad-config'))).toEqual({ field: null, modelIndex: 0 })
  })
})
