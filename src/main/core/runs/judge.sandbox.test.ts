/**
 * Judging runs on the sandbox with the bundled sample (73 conversations, no test split): the default length comes
 * from epochs of what is actually trained on, the held-out set is what the config says, an overfitting run keeps
 * its best step and the sampler weights saved there, early stop ends a run at its patience, only the last and best
 * checkpoints stay (and a clean-up removes the rest of a run that kept them all), and Compare samples the best
 * weights of several runs on the same held-out prompts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb, type Db } from '../store'
import { importDataset } from '../datasets'
import { startSandbox } from '../../../sandbox'
import type { RunConfigInput, RunEvent } from '../../../shared/runs'
import { checkpointUsage, cleanupCheckpoints, compareGenerations, getRun, heldOutPrompts, startRun, bundledDatasetPath, type DiskDeps } from './index'

type Sandbox = Awaited<ReturnType<typeof startSandbox>>

let home: string
let db: Db
let sb: Sandbox
let deps: DiskDeps

const base = (over: Partial<RunConfigInput> = {}): RunConfigInput => ({
  server: { kind: 'sandbox' },
  dataset: { name: 'sample' },
  rank: 8,
  learningRate: 1e-3,
  batchSize: 8,
  maxLength: 512,
  evalEvery: 5,
  checkpointEvery: 10,
  seed: 0,
  ...over,
})

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-'))
  db = openDb(path.join(home, 'studio.sqlite'))
  await importDataset(db, { kind: 'file', path: bundledDatasetPath() }, { name: 'sample' })
  const sandboxDir = path.join(home, 'sandbox')
  sb = await startSandbox({ dataDir: sandboxDir })
  deps = { db, sandbox: async () => ({ url: sb.url, apiKey: sb.apiKey }), sandboxDir, sandboxRunning: () => ({ url: sb.url, apiKey: sb.apiKey }) }
})

afterAll(async () => {
  await sb?.close()
  db?.close()
})

describe('judging a run', () => {
  let overfit = ''
  it('runs three epochs of the examples it trains on by default, and its config says which held-out set it measured', async () => {
    const h = startRun(deps, base({ learningRate: 1e-4 }))
    expect((await h.done).status).toBe('completed')
    const d = getRun(db, h.runId)
    // 73 conversations, 5% (4) held out: 69 train; ceil(3 × 69 / 8) = 26 steps.
    expect(d.data).toMatchObject({ evalSource: 'held-out', heldOut: 4, trainExamples: 69, heldOutOf: 73, heldOutFraction: 0.05 })
    expect(d.totalSteps).toBe(26)
    expect(d.config.steps).toBe(26)
    expect(d.epochs).toBeCloseTo((26 * 8) / 69, 10)
    expect(d.config.evalSetSize).toBe(4)
    expect(d.evals.every((e) => e.conversations === 4)).toBe(true)
    expect(d.evalPlan).toMatchObject({ source: 'held-out', conversations: 4, of: 73, fraction: 0.05, tooSmall: true })
  })

  it('an overfitting run: best test NLL and its step, sampler weights saved there, only the last state kept, judged overfit', async () => {
    const events: RunEvent[] = []
    const h = startRun(deps, base({ steps: 40 }), { onEvent: (e) => void events.push(e) })
    expect((await h.done).status).toBe('completed')
    overfit = h.runId
    const d = getRun(db, h.runId)
    const tests = d.evals.map((e) => e.testNll)
    const best = d.judgement.best!
    expect(best.testNll).toBe(Math.min(...tests))
    expect(d.evals.find((e) => e.testNll === best.testNll)!.step).toBe(best.step)
    expect(best.step).toBeLessThan(40)
    expect(d.judgement).toMatchObject({ verdict: 'overfit', trainFalling: true })
    expect(d.judgement.riseAboveBest).toBeGreaterThan(0.05)
    // Each new best was saved as sampler weights when it was measured; the earlier ones are gone.
    const bestSaves = events.flatMap((e) => (e.type === 'checkpoint' && e.best ? [e.step] : []))
    expect(bestSaves.at(-1)).toBe(best.step)
    expect(d.bestCheckpoint).toMatchObject({ step: best.step, kind: 'sampler', best: true })
    expect(d.finalCheckpoint).toMatchObject({ step: 40, kind: 'sampler' })
    expect(d.checkpoints.map((c) => `${c.kind}@${c.step}`).sort()).toEqual([`sampler@${best.step}`, 'sampler@40', 'state@40'].sort())
    // Deleted on the server as the run went: its folder holds exactly these.
    const modelDir = path.join(home, 'sandbox', 'runs', d.modelId!)
    expect(fs.readdirSync(path.join(modelDir, 'weights'))).toEqual(['step-000040'])
    expect(fs.readdirSync(path.join(modelDir, 'sampler_weights')).sort()).toEqual([d.bestCheckpoint!.name, 'sampler-000040'].sort())
  })

  it('early stop ends the run once test NLL has not improved for `earlyStop` evaluations, and says so', async () => {
    const events: RunEvent[] = []
    const h = startRun(deps, base({ steps: 60, earlyStop: 2 }), { onEvent: (e) => void events.push(e) })
    expect((await h.done).status).toBe('completed')
    const d = getRun(db, h.runId)
    const best = d.judgement.best!
    expect(d.earlyStopped).toBe(true)
    expect(d.step).toBe(best.step + 2 * 5)
    expect(d.evals.filter((e) => e.step > best.step)).toHaveLength(2)
    expect(d.totalSteps).toBe(60)
    expect(events.find((e) => e.type === 'phase' && e.phase === 'done')).toMatchObject({ message: expect.stringMatching(/stopped early at step/) })
  })

  it('keepCheckpoints "all" keeps every checkpoint; a clean-up then keeps the last state and the best and final weights, and frees their disk', async () => {
    const h = startRun(deps, base({ steps: 30, keepCheckpoints: 'all' }))
    expect((await h.done).status).toBe('completed')
    const before = await checkpointUsage(deps, [h.runId])
    const run = before.runs[0]
    expect(run.where).toBe('sandbox')
    expect(run.checkpoints.filter((c) => c.kind === 'state').map((c) => c.step)).toEqual([10, 20, 30])
    for (const c of run.checkpoints) expect(c.bytes).toBeGreaterThan(0)
    expect(run.reclaimable).toBeGreaterThanOrEqual(2)
    const after = await cleanupCheckpoints(deps, [h.runId])
    expect(after.deleted).toBe(run.reclaimable)
    expect(after.failed).toBe(0)
    expect(after.runs[0].bytes).toBe(run.bytes! - run.reclaimableBytes!)
    expect(after.runs[0].checkpoints.every((c) => c.keep)).toBe(true)
    const d = getRun(db, h.runId)
    expect(d.checkpoints.filter((c) => c.kind === 'state').map((c) => c.step)).toEqual([30])
    // Deleted from the sandbox's folder too.
    const modelDir = path.join(home, 'sandbox', 'runs', d.modelId!)
    expect(fs.readdirSync(path.join(modelDir, 'weights'))).toEqual(['step-000030'])
  })

  it('a clean-up with no sandbox running deletes in its data folder', async () => {
    const h = startRun(deps, base({ steps: 20, keepCheckpoints: 'all' }))
    expect((await h.done).status).toBe('completed')
    const offline: DiskDeps = { ...deps, sandboxRunning: () => null }
    const r = await cleanupCheckpoints(offline, [h.runId])
    expect(r.deleted).toBeGreaterThan(0)
    const d = getRun(db, h.runId)
    const modelDir = path.join(home, 'sandbox', 'runs', d.modelId!)
    const onDisk = ['weights', 'sampler_weights'].flatMap((k) => fs.readdirSync(path.join(modelDir, k)).map((n) => `tinker://${d.modelId}/${k}/${n}`))
    expect(onDisk.sort()).toEqual(d.checkpoints.map((c) => c.path).sort())
  })

  it('Compare samples the best weights of several runs on the same held-out prompts with one seed', async () => {
    const other = startRun(deps, base({ steps: 10, learningRate: 1e-4 }))
    expect((await other.done).status).toBe('completed')
    const prompts = await heldOutPrompts(db, getRun(db, overfit), 2)
    expect(prompts).toHaveLength(2)
    for (const p of prompts) expect(p.messages.at(-1)!.role).not.toBe('assistant')
    const g = await compareGenerations(deps, [overfit, other.runId], { target: 'best', prompts: 2, maxTokens: 8 })
    expect(g.prompts.map((p) => p.row)).toEqual(prompts.map((p) => p.row))
    expect(g.base).toHaveLength(2)
    expect(g.columns.map((c) => c.runId)).toEqual([overfit, other.runId])
    expect(g.columns[0].checkpoint).toMatchObject({ step: getRun(db, overfit).judgement.best!.step, best: true })
    for (const c of g.columns) for (const s of c.samples) expect(s!.tokens).toBeGreaterThan(0)
    // Same seed, same weights: the same text again.
    const again = await compareGenerations(deps, [overfit], { target: 'best', prompts: 1, maxTokens: 8 })
    expect(again.columns[0].samples[0]!.text).toBe(g.columns[0].samples[0]!.text)
  })
})
