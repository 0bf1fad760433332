import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../store'
import { RunConfigSchema } from '../../../shared/runs'
import { insertRun, recordMetric, renameRun } from './store'
import { getResumeHistory, recordResume } from './resume-history'
import { uniqueRunName } from './run-names'

const tmpDb = () => openDb(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runs-resume-')), 'db.sqlite'))
const config = RunConfigSchema.parse({ dataset: { name: 'd' }, steps: 30, batchSize: 4, maxLength: 1024, rank: 32, learningRate: 1e-4 })
const params = { batchSize: 4, maxLength: 1024, rank: 32, learningRate: 1e-4 }
const metric = (step: number) => ({ step, trainNll: 2, weightedTokens: 1, totalTokens: 1, tokensPerS: 1, stepTimeS: 1, learningRate: 1e-4, lossSum: null, gradNorm: null, serverMetrics: {} })

describe('resume history', () => {
  it('says which steps trained with which parameters, across resumes that changed them and one that did not', () => {
    const db = tmpDb()
    insertRun(db, { id: 'r', name: 'r', config, baseModel: 'm', totalSteps: 30 })
    expect(getResumeHistory(db, 'r')).toEqual({ runId: 'r', initial: params, resumes: [], segments: [{ fromStep: 1, toStep: 0, params, changed: [] }] })
    for (let s = 1; s <= 14; s++) recordMetric(db, 'r', metric(s))
    recordResume(db, 'r', { fromStep: 14, before: params, after: { ...params, batchSize: 2 } })
    for (let s = 15; s <= 20; s++) recordMetric(db, 'r', metric(s))
    // Interrupted and resumed as it was: no new stretch.
    recordResume(db, 'r', { fromStep: 20, before: { ...params, batchSize: 2 }, after: { ...params, batchSize: 2 } })
    for (let s = 21; s <= 30; s++) recordMetric(db, 'r', metric(s))
    const h = getResumeHistory(db, 'r')
    expect(h.segments).toEqual([
      { fromStep: 1, toStep: 14, params, changed: [] },
      { fromStep: 15, toStep: 30, params: { ...params, batchSize: 2 }, changed: ['batchSize'] },
    ])
    expect(h.resumes.map((r) => [r.fromStep, r.changes])).toEqual([
      [14, [{ param: 'batchSize', from: 4, to: 2 }]],
      [20, []],
    ])
  })

  it('a resume from an earlier checkpoint replaces the stretches trained after it', () => {
    const db = tmpDb()
    insertRun(db, { id: 'r', name: 'r', config, baseModel: 'm', totalSteps: 30 })
    recordResume(db, 'r', { fromStep: 20, before: params, after: { ...params, learningRate: 5e-5 } })
    recordResume(db, 'r', { fromStep: 10, before: { ...params, learningRate: 5e-5 }, after: { ...params, maxLength: 512 } })
    for (let s = 1; s <= 25; s++) recordMetric(db, 'r', metric(s))
    expect(getResumeHistory(db, 'r').segments).toEqual([
      { fromStep: 1, toStep: 10, params, changed: [] },
      { fromStep: 11, toStep: 25, params: { ...params, maxLength: 512 }, changed: ['maxLength'] },
    ])
  })

  it('a resume from step 0 (no checkpoint yet) replaces the first stretch, which then says what changed from the start', () => {
    const db = tmpDb()
    insertRun(db, { id: 'r', name: 'r', config, baseModel: 'm', totalSteps: 30 })
    recordResume(db, 'r', { fromStep: 0, before: params, after: { ...params, maxLength: 256 } })
    for (let s = 1; s <= 10; s++) recordMetric(db, 'r', metric(s))
    expect(getResumeHistory(db, 'r')).toMatchObject({ initial: params, segments: [{ fromStep: 1, toStep: 10, params: { ...params, maxLength: 256 }, changed: ['maxLength'] }] })
  })
})

describe('run names', () => {
  it('are unique: a taken name gets the next free number, and a rename to a taken name is refused', () => {
    const db = tmpDb()
    expect(uniqueRunName(db, 'no_robots r32 lr1e-4')).toBe('no_robots r32 lr1e-4')
    insertRun(db, { id: 'a', name: 'no_robots r32 lr1e-4', config, baseModel: 'm', totalSteps: 1 })
    expect(uniqueRunName(db, 'no_robots r32 lr1e-4')).toBe('no_robots r32 lr1e-4 (2)')
    insertRun(db, { id: 'b', name: 'no_robots r32 lr1e-4 (2)', config, baseModel: 'm', totalSteps: 1 })
    expect(uniqueRunName(db, 'no_robots r32 lr1e-4')).toBe('no_robots r32 lr1e-4 (3)')
    expect(() => renameRun(db, 'b', 'no_robots r32 lr1e-4')).toThrow(expect.objectContaining({ code: 'run-name-taken' }))
    expect(renameRun(db, 'b', 'no_robots r32 lr1e-4 (2)').name).toBe('no_robots r32 lr1e-4 (2)')
    expect(renameRun(db, 'b', 'second try').name).toBe('second try')
  })
})
