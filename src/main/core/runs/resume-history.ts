/**
 * What each resume of a run changed. A resume may lower the batch size, max length, learning rate or rank
 * (the OOM and divergence fixes); the run keeps its id and curves, so without this record its page could not
 * say that steps 1–14 trained at batch 4 and the rest at batch 2.
 */
import type { Db } from '../store'
import {
  RESUMABLE_PARAMS,
  type ResumableParams,
  type RunConfig,
  type RunResumeHistoryDto,
  type RunResumeRecord,
  type RunSegment,
} from '../../../shared/runs'
import { getRunSummary, runConfig } from './store'

export const resumableParamsOf = (c: Pick<RunConfig, keyof ResumableParams>): ResumableParams => ({
  batchSize: c.batchSize,
  maxLength: c.maxLength,
  learningRate: c.learningRate,
  rank: c.rank,
})

/** Records one resume (called when it is asked for, before the run continues). */
export function recordResume(
  db: Db,
  runId: string,
  r: { fromStep: number; before: ResumableParams; after: ResumableParams; sourceRunId?: string | null },
): void {
  db.prepare(
    `INSERT INTO run_resumes (run_id, seq, from_step, before_json, after_json, source_run_id, created_at)
     VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM run_resumes WHERE run_id = ?), ?, ?, ?, ?, ?)`,
  ).run(runId, runId, r.fromStep, JSON.stringify(r.before), JSON.stringify(r.after), r.sourceRunId ?? null, new Date().toISOString())
}

type Row = { from_step: number; before_json: string; after_json: string; source_run_id: string | null; created_at: string }

/**
 * The resumes of a run and the stretches of steps each set of parameters trained. A resume from step S
 * replays the steps after S, so a later resume from an earlier checkpoint cuts the stretches that came after it.
 */
export function getResumeHistory(db: Db, runId: string): RunResumeHistoryDto {
  const lastStep = getRunSummary(db, runId).step
  const rows = db
    .prepare('SELECT from_step, before_json, after_json, source_run_id, created_at FROM run_resumes WHERE run_id = ? ORDER BY seq')
    .all(runId) as Row[]
  const resumes: RunResumeRecord[] = rows.map((r) => {
    const before = JSON.parse(r.before_json) as ResumableParams
    const after = JSON.parse(r.after_json) as ResumableParams
    return {
      at: r.created_at,
      fromStep: r.from_step,
      changes: RESUMABLE_PARAMS.filter((p) => before[p] !== after[p]).map((param) => ({ param, from: before[param], to: after[param] })),
      sourceRunId: r.source_run_id,
    }
  })

  const first = rows.length ? (JSON.parse(rows[0].before_json) as ResumableParams) : resumableParamsOf(runConfig(db, runId))
  const stretches: { fromStep: number; params: ResumableParams }[] = [{ fromStep: 1, params: first }]
  for (const r of rows) {
    const params = JSON.parse(r.after_json) as ResumableParams
    const from = r.from_step + 1
    while (stretches.length > 1 && stretches[stretches.length - 1].fromStep >= from) stretches.pop()
    if (stretches[0].fromStep >= from) stretches.splice(0, stretches.length)
    stretches.push({ fromStep: from, params })
  }
  // A resume that changed nothing continues the stretch before it.
  const merged = stretches.filter((s, i) => i === 0 || RESUMABLE_PARAMS.some((p) => s.params[p] !== stretches[i - 1].params[p]))
  const segments: RunSegment[] = merged.map((s, i) => ({
    fromStep: s.fromStep,
    toStep: i + 1 < merged.length ? merged[i + 1].fromStep - 1 : Math.max(lastStep, s.fromStep - 1),
    params: s.params,
    // The first stretch is compared with how the run started: a resume from step 0 replaced it entirely.
    changed: RESUMABLE_PARAMS.filter((p) => s.params[p] !== (i === 0 ? first : merged[i - 1].params)[p]),
  }))
  return { runId, initial: first, resumes, segments }
}
