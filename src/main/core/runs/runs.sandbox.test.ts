/**
 * End-to-end runs against the real sandbox over loopback, through the real TuFT client: loss falls,
 * test NLL at step 0 and every N steps, metrics in SQLite, a server killed mid-run and restarted on the
 * same data dir (resume, no metric lost or duplicated), OOM injection, rank limits, a 2 × 2 sweep with
 * its concurrency limit, sampling and exports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CHAT_JSONL, readChatRows } from '../../../../tests/helpers/fixtures'
import { openDb, type Db } from '../store'
import { importDataset } from '../datasets'
import { startSandbox } from '../../../sandbox'
import type { RunConfigInput, RunEvent, RunStatus } from '../../../shared/runs'
import {
  compareRuns,
  deleteRun,
  exportRun,
  getResumeHistory,
  getRun,
  getRunMetrics,
  listRuns,
  recoverInterruptedRuns,
  renameRun,
  resumeRun,
  sampleCompare,
  startRun,
  startSweep,
  type RunDeps,
} from './index'


type Sandbox = Awaited<ReturnType<typeof startSandbox>>

let home: string
let db: Db
let sandboxDir: string
let sb: Sandbox
let deps: RunDeps

const base = (over: Partial<RunConfigInput> = {}): RunConfigInput => ({
  server: { kind: 'sandbox' },
  dataset: { name: 'nr' },
  rank: 8,
  learningRate: 1e-3,
  batchSize: 4,
  maxLength: 256,
  steps: 24,
  evalEvery: 8,
  evalSetSize: 12,
  checkpointEvery: 8,
  seed: 1,
  ...over,
})

const collect = () => {
  const events: RunEvent[] = []
  return { events, onEvent: (e: RunEvent) => void events.push(e) }
}

const steps = (runId: string) => getRunMetrics(db, runId).trainNll.map(([s]) => s)
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i)
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-e2e-'))
  process.env.TUFT_STUDIO_HOME = home
  db = openDb(path.join(home, 'studio.sqlite'))
  await importDataset(db, { kind: 'file', path: CHAT_JSONL }, { name: 'nr' })
  sandboxDir = path.join(home, 'sandbox')
  sb = await startSandbox({ dataDir: sandboxDir })
  deps = {
    db,
    sandbox: async () => ({ url: sb.url, apiKey: sb.apiKey }),
    // A dead server must surface in seconds, not after the default minute of retries.
    clientOptions: { retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 } },
  }
})

afterAll(async () => {
  await sb?.close()
  db?.close()
})

describe('a run on the sandbox', () => {
  it('trains: loss falls, test NLL at step 0 and every N steps, everything in SQLite, then samples and exports', async () => {
    const { events, onEvent } = collect()
    const h = startRun(deps, base({ name: 'basic' }), { onEvent })
    const summary = await h.done
    expect(summary.error).toBeNull()
    expect(summary.status).toBe('completed')

    const d = getRun(db, h.runId)
    expect(d.baseModel).toBe('sandbox/qwen3-tiny') // the server's first model
    expect(steps(h.runId)).toEqual(range(1, 24))
    expect(d.evals.map((e) => e.step)).toEqual([0, 8, 16, 24])
    expect(d.data?.evalSource).toBe('held-out') // the file has only a train split
    // 5% of the usable conversations (some have no assistant token within 256 tokens and are skipped).
    expect(d.data!.heldOut).toBe(Math.round(0.05 * (d.data!.trainExamples + d.data!.heldOut)))
    expect(d.data!.trainExamples + d.data!.heldOut + d.data!.skipped).toBe(readChatRows().length)
    const train = d.metrics.map((m) => m.trainNll)
    expect(mean(train.slice(-6))).toBeLessThan(mean(train.slice(0, 6)))
    expect(d.evals.at(-1)!.testNll).toBeLessThan(d.evals[0].testNll)
    for (const e of d.evals) expect(e.bitsPerByte).toBeGreaterThan(0) // Qwen3 is byte-level BPE: bytes are known
    expect(d.evals.at(-1)!.bitsPerByte!).toBeLessThan(d.evals[0].bitsPerByte!)
    for (const m of d.metrics) {
      expect(m.weightedTokens).toBeGreaterThan(0)
      expect(m.totalTokens).toBeGreaterThanOrEqual(m.weightedTokens)
      expect(m.stepTimeS).toBeGreaterThan(0)
      // loss:sum from the server equals −Σ w·logprob computed from the returned logprobs.
      if (m.lossSum !== null) expect(m.lossSum / m.weightedTokens).toBeCloseTo(m.trainNll, 3)
    }
    // Periodic state checkpoints were saved (and announced); only the last one stays, with the final sampler weights
    // and, when the best test NLL came earlier, the sampler weights saved at that evaluation.
    const saved = events.flatMap((e) => (e.type === 'checkpoint' ? [`${e.kind}@${e.step}`] : []))
    expect(saved.filter((c) => c.startsWith('state@'))).toEqual(['state@8', 'state@16', 'state@24'])
    expect(d.checkpoints.filter((c) => c.kind === 'state').map((c) => c.step)).toEqual([24])
    const best = d.judgement.best!
    expect(best.testNll).toBe(Math.min(...d.evals.map((e) => e.testNll)))
    expect(d.checkpoints.filter((c) => c.kind === 'sampler').map((c) => c.step)).toEqual(best.step < 24 ? [best.step, 24] : [24])
    expect(d.bestCheckpoint?.step).toBe(best.step)
    expect(d.finalCheckpoint?.step).toBe(24)
    expect(d.samplerPath).toMatch(/^tinker:\/\//)
    // The stored config says what ran: 24 steps, test NLL on at most the 12 conversations asked for, from those held
    // out of the usable ones (no_robots holds out 12 or more; the bundled sample fewer).
    expect(d.config.steps).toBe(24)
    expect(d.config.evalSetSize).toBe(d.evals[0].conversations)
    expect(d.evalPlan).toMatchObject({ source: 'held-out', conversations: Math.min(12, d.data!.heldOut), heldOut: d.data!.heldOut, fraction: 0.05 })
    expect(d.epochs).toBeCloseTo((24 * 4) / d.data!.trainExamples, 10)

    const phases = events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []))
    expect(phases).toEqual(['connecting', 'creating-run', 'tokenizing', 'training', 'saving', 'done'])
    expect(events.filter((e) => e.type === 'metric')).toHaveLength(24)
    const progress = events.filter((e) => e.type === 'progress')
    expect(progress.at(-1)).toMatchObject({ current: 24, total: 24 })

    // The same database read back by a fresh connection (WAL, committed as it went).
    const again = openDb(path.join(home, 'studio.sqlite'))
    expect((again.prepare('SELECT COUNT(*) AS n FROM run_metrics WHERE run_id = ?').get(h.runId) as { n: number }).n).toBe(24)
    again.close()

    const s = await sampleCompare(deps, h.runId, { messages: [{ role: 'user', content: 'Write a haiku about rain.' }], maxTokens: 12, seed: 3 })
    expect(s.prompt.endsWith('<|im_start|>assistant\n')).toBe(true)
    expect(s.base.tokens).toBeGreaterThan(0)
    expect(s.tuned?.tokens).toBeGreaterThan(0)
    // The best checkpoint by default, the final weights beside it when they differ, one seed for all.
    expect(s.modelPath).toBe(d.bestCheckpoint!.path)
    expect(s.checkpoint).toMatchObject({ step: best.step, best: true })
    expect(s.seed).toBe(3)
    if (best.step < 24) expect(s.final?.tokens).toBeGreaterThan(0)
    else expect(s.final).toBeNull()

    const csv = (await exportRun(db, h.runId, 'csv')).content.trim().split('\n')
    expect(csv[0].split(',').slice(0, 3)).toEqual(['step', 'train_nll', 'test_nll'])
    expect(csv).toHaveLength(1 + 25) // steps 0…24
    const cfg = JSON.parse((await exportRun(db, h.runId, 'config')).content)
    expect(cfg).toMatchObject({ rank: 8, learningRate: 1e-3, batchSize: 4, maxLength: 256 })
  })

  it('exports a standalone Python script that compiles and holds no API key', async () => {
    const h = startRun(deps, { ...base({ steps: 2, evalEvery: 0, checkpointEvery: 0 }), server: { kind: 'remote', url: sb.url, apiKey: sb.apiKey } })
    expect((await h.done).status).toBe('completed')
    const script = (await exportRun(db, h.runId, 'python')).content
    expect(script).not.toContain(sb.apiKey)
    expect(JSON.stringify(getRun(db, h.runId))).not.toContain(sb.apiKey)
    expect((await exportRun(db, h.runId, 'config')).content).not.toContain(sb.apiKey)
    expect((await exportRun(db, h.runId, 'datums')).content).not.toContain(sb.apiKey)
    expect(script).toContain('apply_chat_template')
    expect(script).toContain('HF_ENDPOINT')
    let python: string | null = null
    try {
      execFileSync('python3', ['--version'])
      python = 'python3'
    } catch {
      python = null // no python3 on this machine: the syntax check is skipped, the content checks above still ran
    }
    if (python) {
      const file = path.join(home, 'repro.py')
      fs.writeFileSync(file, script)
      execFileSync(python, ['-m', 'py_compile', file])
    }
  })

  it('refuses a rank above the server maximum before creating anything', async () => {
    const h = startRun(deps, base({ rank: 4096, steps: 2 }))
    const s = await h.done
    expect(s.status).toBe('failed')
    expect(s.error?.code).toBe('rank-exceeds-server-max')
    expect(getRun(db, h.runId).modelId).toBeNull()
  })
})

describe('never lose a run', () => {
  it('a server killed mid-run leaves the run interrupted; after a restart on the same data dir it resumes from its checkpoint with every step exactly once', async () => {
    const port = Number(new URL(sb.url).port)
    const key = sb.apiKey
    let killed = false
    const h = startRun(deps, base({ name: 'killed', steps: 30, checkpointEvery: 5, evalEvery: 10 }), {
      onEvent: (e) => {
        if (e.type === 'metric' && e.step === 13 && !killed) {
          killed = true
          void sb.close()
        }
      },
    })
    const s = await h.done
    expect(s.status).toBe('interrupted')
    expect(['server-unreachable', 'future-expired', 'timeout']).toContain(s.error?.code)
    const before = getRun(db, h.runId)
    expect(before.resumable).toBe(true)
    const lastCkpt = before.checkpoints.filter((c) => c.kind === 'state').at(-1)!
    expect(lastCkpt.step).toBeGreaterThanOrEqual(10)
    expect(before.metrics.length).toBeGreaterThanOrEqual(13) // curves stay while interrupted

    sb = await startSandbox({ dataDir: sandboxDir, port, apiKeys: [key] })
    const { events, onEvent } = collect()
    const r = resumeRun(deps, h.runId, { onEvent })
    const after = await r.done
    expect(after.status).toBe('completed')
    expect(steps(h.runId)).toEqual(range(1, 30))
    expect(getRun(db, h.runId).evals.map((e) => e.step)).toEqual([0, 10, 20, 30])
    // The resumed run replayed exactly the steps after its checkpoint.
    const replayed = events.flatMap((e) => (e.type === 'metric' ? [e.step] : []))
    expect(replayed).toEqual(range(lastCkpt.step + 1, 30))
  })

  it('OOM injection stops cleanly with server-oom at the last good step; a resume with lower limits continues', async () => {
    let injected = false
    const h = startRun(deps, base({ name: 'oom', steps: 16, checkpointEvery: 0, evalEvery: 0 }), {
      onEvent: (e) => {
        if (e.type === 'metric' && e.step === 5 && !injected) {
          injected = true
          sb.setFaults({ oomTokenBudget: 64 })
        }
      },
    })
    const s = await h.done
    sb.setFaults({ oomTokenBudget: null })
    expect(s.status).toBe('failed')
    expect(s.error?.code).toBe('server-oom')
    const d = getRun(db, h.runId)
    const last = d.metrics.at(-1)!.step
    expect(last).toBeGreaterThanOrEqual(5)
    // The state of the last good step was saved after the OOM, so nothing is lost.
    expect(d.checkpoints.filter((c) => c.kind === 'state').at(-1)?.step).toBe(last)
    expect(d.resumable).toBe(true)

    // A lower rank cannot load the saved rank-8 weights: it starts a new run and leaves this one intact.
    const forked = resumeRun(deps, h.runId, { overrides: { rank: 4, batchSize: 2 } })
    expect(forked.runId).not.toBe(h.runId)
    const f = await forked.done
    expect(f.status).toBe('completed')
    expect(f.rank).toBe(4)
    expect(steps(forked.runId)).toEqual(range(1, 16))
    expect(getRun(db, h.runId).status).toBe('failed')

    const r = resumeRun(deps, h.runId, { overrides: { maxLength: 128, batchSize: 2 } })
    expect(r.runId).toBe(h.runId)
    expect((await r.done).status).toBe('completed')
    expect(getRun(db, h.runId).config).toMatchObject({ maxLength: 128, batchSize: 2 })
    expect(steps(h.runId)).toEqual(range(1, 16))
    // Its page can say which steps trained with which limits; the forked run says where it came from.
    const history = getResumeHistory(db, h.runId)
    expect(history.segments.map((g) => [g.fromStep, g.toStep, g.params.batchSize, g.params.maxLength, g.changed])).toEqual([
      [1, last, d.config.batchSize, d.config.maxLength, []],
      [last + 1, 16, 2, 128, ['batchSize', 'maxLength']],
    ])
    expect(getResumeHistory(db, forked.runId).resumes).toMatchObject([{ sourceRunId: h.runId, changes: [{ param: 'batchSize', to: 2 }, { param: 'rank', to: 4 }] }])
    expect(getRun(db, forked.runId).name).toBe('oom (rank 4)')
  })
})

describe('a full disk', () => {
  /**
   * Leaves SQLite no room, as a full disk does: the free pages are taken by a filler and the file may not
   * grow, so the next write that needs a page fails with SQLITE_FULL. Returns the undo (space freed).
   */
  const fillDisk = (): (() => void) => {
    const max = db.pragma('max_page_count', { simple: true }) as number
    const pageSize = db.pragma('page_size', { simple: true }) as number
    db.exec('CREATE TABLE disk_filler (b BLOB)')
    const free = db.pragma('freelist_count', { simple: true }) as number
    if (free > 0) db.prepare('INSERT INTO disk_filler VALUES (zeroblob(?))').run(free * pageSize)
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
    return () => {
      db.pragma(`max_page_count = ${max}`)
      db.exec('DROP TABLE disk_filler')
    }
  }

  it('mid-run leaves the run interrupted with disk-full, not running; once there is room it resumes with every step exactly once', async () => {
    let freeSpace: (() => void) | null = null
    const errors: string[] = []
    const h = startRun(deps, base({ name: 'disk full', steps: 20, checkpointEvery: 5, evalEvery: 0 }), {
      onEvent: (e) => {
        if (e.type === 'metric' && e.step === 4 && !freeSpace) freeSpace = fillDisk()
        if (e.type === 'error') errors.push(e.code)
      },
    })
    const s = await h.done
    expect(errors).toEqual(['disk-full'])
    expect(s.status).toBe('interrupted')
    expect(s.error?.code).toBe('disk-full')
    const d = getRun(db, h.runId)
    expect([d.status, d.resumable]).toEqual(['interrupted', true])

    freeSpace!()
    const r = resumeRun(deps, h.runId)
    expect((await r.done).status).toBe('completed')
    expect(steps(h.runId)).toEqual(range(1, 20))
  })

  it('a data folder turned read-only mid-run: the run ends interrupted although nothing can be stored, and is recorded so once it can', async () => {
    let readOnly = false
    const h = startRun(deps, base({ name: 'read-only', steps: 10, checkpointEvery: 4, evalEvery: 0 }), {
      onEvent: (e) => {
        if (e.type === 'metric' && e.step === 5 && !readOnly) {
          readOnly = true
          // Every write now fails with SQLITE_READONLY, as on a folder remounted read-only.
          db.pragma('query_only = ON')
        }
      },
    })
    const s = await h.done
    try {
      expect(s.status).toBe('interrupted')
      expect(s.error?.code).toBe('data-folder-not-writable')
      expect(getRun(db, h.runId).status).toBe('running') // what the store still says
      expect(() => resumeRun(deps, h.runId)).toThrow(expect.objectContaining({ code: 'data-folder-not-writable' }))
    } finally {
      db.pragma('query_only = OFF')
    }
    recoverInterruptedRuns(db)
    const d = getRun(db, h.runId)
    expect([d.status, d.error?.code, d.resumable]).toEqual(['interrupted', 'data-folder-not-writable', true])
    expect((await resumeRun(deps, h.runId).done).status).toBe('completed')
    expect(steps(h.runId)).toEqual(range(1, 10))
  })
})

describe('lost replies', () => {
  it('training calls whose reply is lost after the server ran them count once: the curve equals an undisturbed run with the same seed', async () => {
    const config = base({ steps: 10, evalEvery: 5, checkpointEvery: 4, seed: 7, keepCheckpoints: 'all' })
    const undisturbed = await startRun(deps, { ...config, name: 'undisturbed' }).done
    expect(undisturbed.status).toBe('completed')

    // forward_backward calls: 3 eval chunks at step 0, then one per step, 3 eval chunks after step 5.
    const fb = '/api/v1/forward_backward'
    sb.setFaults({
      lostReplies: [
        { path: fb, skip: 3 + 2 }, // step 3's forward_backward
        { path: fb, skip: 3 + 5 + 1 }, // the second eval chunk at step 5
        { path: '/api/v1/optim_step', skip: 6 }, // step 7's optim_step
        { path: '/api/v1/save_weights', skip: 0 }, // the checkpoint at step 4
        { path: '/api/v1/save_weights_for_sampler', skip: 0 }, // the first sampler weights (the best at step 5, or the final ones)
      ],
    })
    const h = startRun(deps, { ...config, name: 'lost replies' })
    const s = await h.done
    expect(sb.faults.lostReplies).toEqual([])
    expect(s.status).toBe('completed')
    const a = getRunMetrics(db, undisturbed.id)
    const b = getRunMetrics(db, h.runId)
    expect(b.trainNll.map(([step]) => step)).toEqual(range(1, 10))
    expect(b.trainNll).toEqual(a.trainNll)
    expect(b.testNll).toEqual(a.testNll)
    const d = getRun(db, h.runId)
    const named = (id: string) => getRun(db, id).checkpoints.map((c) => [c.step, c.kind, c.name])
    expect(named(h.runId)).toEqual(named(undisturbed.id))
    expect(d.checkpoints.map((c) => [c.step, c.path]).sort()).toEqual(
      expect.arrayContaining([
        [10, `tinker://${d.modelId}/sampler_weights/sampler-000010`],
        [10, `tinker://${d.modelId}/weights/step-000010`],
        [4, `tinker://${d.modelId}/weights/step-000004`],
        [8, `tinker://${d.modelId}/weights/step-000008`],
      ]),
    )
    for (const c of d.checkpoints) expect(c.path).toBe(`tinker://${d.modelId}/${c.kind === 'state' ? 'weights' : 'sampler_weights'}/${c.name}`)
    // The recovered paths name what the server saved: sampling from them works.
    const sampled = await sampleCompare(deps, h.runId, { messages: [{ role: 'user', content: 'Hi' }], maxTokens: 4, seed: 1 })
    expect(sampled.modelPath).toBe(d.bestCheckpoint?.path ?? d.samplerPath)
    expect(sampled.tuned?.tokens).toBeGreaterThan(0)
  })
})

describe('divergence', () => {
  it('a too-high learning rate stops with loss-diverged, keeps only checkpoints saved before the bad update, and resumes with a lower one', async () => {
    const h = startRun(deps, base({ name: 'diverge', learningRate: 1, steps: 12, checkpointEvery: 1, evalEvery: 0 }))
    const s = await h.done
    expect(s.status).toBe('failed')
    expect(s.error?.code).toBe('loss-diverged')
    const d = getRun(db, h.runId)
    const bad = d.metrics.at(-1)!.step
    expect(d.checkpoints.filter((c) => c.kind === 'state').every((c) => c.step < bad - 1)).toBe(true)
    expect(d.resumable).toBe(true)
    const r = resumeRun(deps, h.runId, { overrides: { learningRate: 1e-3 } })
    expect((await r.done).status).toBe('completed')
    expect(steps(h.runId)).toEqual(range(1, 12))
    expect(getRun(db, h.runId).metrics.every((m) => Number.isFinite(m.trainNll) && m.trainNll < 20)).toBe(true)
  })
})

describe('controls and history', () => {
  it('pause, resume and stop-and-save; rename, compare, delete', async () => {
    const statuses: RunStatus[] = []
    let h: ReturnType<typeof startRun> | null = null
    h = startRun(deps, base({ name: 'controlled', steps: 200, evalEvery: 0, checkpointEvery: 0 }), {
      onEvent: (e) => {
        if (e.type === 'status') statuses.push(e.status)
        if (e.type === 'metric' && e.step === 3) h!.pause()
        if (e.type === 'status' && e.status === 'paused') setTimeout(() => h!.resume(), 50)
        if (e.type === 'metric' && e.step === 8) h!.stop()
      },
    })
    const s = await h.done
    expect(statuses).toEqual(['running', 'paused', 'running', 'stopped'])
    expect(s.status).toBe('stopped')
    const d = getRun(db, h.runId)
    expect(d.step).toBeLessThan(12) // stopped within the look-ahead
    const state = d.checkpoints.filter((c) => c.kind === 'state')
    expect(state.at(-1)?.step).toBe(d.step)
    expect(d.checkpoints.some((c) => c.kind === 'sampler' && c.step === d.step)).toBe(true)
    expect(d.resumable).toBe(true)

    renameRun(db, h.runId, 'renamed')
    expect(listRuns(db).find((r) => r.id === h!.runId)?.name).toBe('renamed')
    const cmp = compareRuns(db, { runIds: [h.runId] })
    expect(cmp.runs[0].metrics.trainNll.length).toBe(d.step)
    expect(deleteRun(db, h.runId)).toBe(true)
    expect(() => getRun(db, h!.runId)).toThrow(/No run/)
  })
})

describe('sweeps', () => {
  it('a 2 × 2 sweep completes with at most `concurrency` runs at once and recommends a cell', async () => {
    let running = 0
    let maxRunning = 0
    const sweep = startSweep(
      deps,
      { config: base({ steps: 8, evalEvery: 4, checkpointEvery: 0 }), ranks: [4, 8], learningRates: [1e-4, 1e-3], concurrency: 2 },
      {
        onEvent: (e) => {
          if (e.type !== 'status') return
          if (e.status === 'running') maxRunning = Math.max(maxRunning, ++running)
          if (['completed', 'failed', 'stopped', 'cancelled', 'interrupted'].includes(e.status)) running--
        },
      },
    )
    const s = await sweep.done
    expect(s.cells).toHaveLength(4)
    expect(s).toMatchObject({ total: 4, stepsPerCell: 8 })
    expect(s.cells.map((c) => [c.step, c.totalSteps])).toEqual([[8, 8], [8, 8], [8, 8], [8, 8]])
    expect(s.cells.every((c) => c.status === 'completed')).toBe(true)
    expect(maxRunning).toBeLessThanOrEqual(2)
    expect(maxRunning).toBe(2) // the limit is used, not just respected
    expect(s.maxConcurrentObserved).toBe(2)
    for (const c of s.cells) {
      expect(c.finalTestNll).not.toBeNull()
      expect(c.bestTestNll).not.toBeNull()
      expect(c.trainMeanNll).not.toBeNull()
    }
    expect(s.recommendation).not.toBeNull()
    expect(s.recommendation!.reason.length).toBeGreaterThan(10)
    expect(compareRuns(db, { sweepId: s.id }).recommendedRunId).toBe(s.recommendation!.runId)
  })
})
