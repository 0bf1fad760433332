import { describe, expect, it } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb } from '../store'
import { RunConfigSchema } from '../../../shared/runs'
import {
  discardAfter,
  getEvals,
  getMetrics,
  getRunDetail,
  insertRun,
  markInterruptedRuns,
  recordCheckpoint,
  recordEval,
  recordMetric,
  updateRun,
} from './store'

const tmpDb = () => openDb(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'runs-store-')), 'db.sqlite'))
const metric = (step: number) => ({
  step,
  trainNll: 3 - step * 0.1,
  weightedTokens: 10,
  totalTokens: 20,
  tokensPerS: 100,
  stepTimeS: 0.2,
  learningRate: 1e-4,
  lossSum: null,
  gradNorm: 1.5,
  serverMetrics: { 'grad_norm:mean': 1.5 },
})

describe('run store', () => {
  it('never stores the API key, records metrics once per step, and discards steps after a resume point', () => {
    const db = tmpDb()
    const config = RunConfigSchema.parse({ server: { kind: 'remote', url: 'http://127.0.0.1:1', apiKey: 'sk-secret' }, dataset: { name: 'd' }, steps: 10 })
    insertRun(db, { id: 'r1', name: 'one', config, baseModel: 'm', totalSteps: 10 })
    expect(JSON.stringify(db.prepare('SELECT * FROM runs').all())).not.toContain('sk-secret')
    for (let s = 1; s <= 6; s++) recordMetric(db, 'r1', metric(s))
    recordMetric(db, 'r1', metric(6)) // replayed step replaces, never duplicates
    recordEval(db, 'r1', { step: 0, testNll: 4, weightedTokens: 5, conversations: 2, bitsPerByte: 1.5 })
    recordEval(db, 'r1', { step: 5, testNll: 3.5, weightedTokens: 5, conversations: 2, bitsPerByte: null })
    recordCheckpoint(db, 'r1', { step: 4, kind: 'state', name: 'step-4', path: 'tinker://m/weights/step-4', cursor: 32, modelId: 'm', createdAt: 'now' })
    expect(getMetrics(db, 'r1').map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6])
    expect(getMetrics(db, 'r1')[0].lossSum).toBeNull() // "not reported" stays null
    expect(discardAfter(db, 'r1', 4)).toEqual({ metrics: 2, evals: 1 })
    expect(getMetrics(db, 'r1').map((m) => m.step)).toEqual([1, 2, 3, 4])
    expect(getEvals(db, 'r1').map((e) => e.step)).toEqual([0])
    const d = getRunDetail(db, 'r1')
    expect(d.checkpoints).toHaveLength(1)
    expect(d.config.server).toEqual({ kind: 'remote', url: 'http://127.0.0.1:1' })
  })

  it('marks runs of a dead runner interrupted and leaves live ones alone', () => {
    const db = tmpDb()
    const config = RunConfigSchema.parse({ dataset: { name: 'd' }, steps: 5 })
    insertRun(db, { id: 'dead', name: 'a', config, baseModel: 'm', totalSteps: 5 })
    insertRun(db, { id: 'mine', name: 'b', config, baseModel: 'm', totalSteps: 5 })
    updateRun(db, 'dead', { status: 'running' })
    updateRun(db, 'mine', { status: 'running' })
    // A pid that cannot exist (above pid_max) stands for a killed runner.
    db.prepare('UPDATE runs SET owner_pid = 99999999 WHERE id = ?').run('dead')
    expect(markInterruptedRuns(db, (id) => id === 'mine')).toEqual(['dead'])
    const d = getRunDetail(db, 'dead')
    expect(d.status).toBe('interrupted')
    expect(d.error?.code).toBe('run-interrupted')
    expect(getRunDetail(db, 'mine').status).toBe('running')
  })
})
