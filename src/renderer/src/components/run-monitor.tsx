/**
 * A run as it trains (or as it ended): phase, progress with ETA and tokens/s, live train/test NLL, grad norm
 * and LR (or "not reported"), the controls, and — on failure — the catalogue hint with its one-click fix
 * (for out-of-memory: lower max length, then batch size, then rank, with the values to try, and resume).
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { judgeRun, type Verdict } from '../../../shared/judge'
import { useShallow } from 'zustand/react/shallow'
import type { RunDetail, RunSummary } from '../../../shared/contract'
import type { Failure, Result } from '../../../shared/result'
import { MISSING } from '../../../shared/i18n'
import { useT } from '../i18n'
import { api } from '../api'
import { NllChart, type ChartHandle, type ChartLine } from '../charts/nll-chart'
import { oomSuggestion } from '../lib/advice'
import { usePrefs } from '../stores/prefs-store'
import { useRuns } from '../stores/run-store'
import { HintPanel } from './hint-panel'
import { PhaseIndicator } from './phase-indicator'
import { Button, Card, ProgressBar, Stat } from './ui'
import { ChartToolbar } from './chart-toolbar'
import { LiveNote, VerdictPanel, lowerLr } from './run-verdict'

const phaseOfStatus = (status: string | null): string | null =>
  status === 'completed' ? 'done' : status === 'failed' ? 'error' : status === 'stopped' || status === 'cancelled' || status === 'interrupted' ? 'stopped' : status === 'paused' ? 'paused' : null

const RESUMABLE = new Set(['paused', 'stopped', 'failed', 'interrupted'])

const cfgNum = (cfg: Record<string, unknown> | undefined, k: string, fallback: number): number => (typeof cfg?.[k] === 'number' ? (cfg[k] as number) : fallback)

type MonitorProps = {
  runId: string
  onStatus?: (status: string) => void
  /** A resume started a new run in place of this one. */
  onReplaced?: (runId: string) => void
  chartHandle?: React.Ref<ChartHandle>
  p95Tokens?: number | null
  /** What the curves say once the run has finished (null while it trains). */
  onVerdict?: (v: Verdict | null) => void
}

export function RunMonitor({ runId, onStatus, onReplaced, chartHandle, p95Tokens = null, onVerdict }: MonitorProps): React.JSX.Element {
  const { t, fmt } = useT()
  const live = useRuns(useShallow((s) => s.runs[runId] ?? null))
  const { logAxis, smoothing, showRaw } = usePrefs(useShallow((s) => ({ logAxis: s.logAxis, smoothing: s.smoothing, showRaw: s.showRaw })))
  const [detail, setDetail] = useState<RunDetail | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const loaded = useRef<string | null>(null)

  useEffect(() => {
    if (loaded.current === runId) return
    loaded.current = runId
    void api.runMetrics({ runId }).then((m) => m.ok && useRuns.getState().loadMetrics(m.value))
  }, [runId])

  const status = live?.status ?? detail?.status ?? null
  // The run detail (config, checkpoints, resumable, final numbers) is re-read whenever the status changes.
  useEffect(() => {
    let alive = true
    void api.runGet({ runId }).then((d) => {
      if (!alive) return
      if (!d.ok) return setFailure(d)
      setDetail(d.value)
      if (!useRuns.getState().runs[runId]?.status) useRuns.getState().setStatus(runId, d.value.status)
    })
    return () => {
      alive = false
    }
  }, [runId, status])
  useEffect(() => {
    if (status) onStatus?.(status)
  }, [status, onStatus])

  const control = async (name: string, call: () => Promise<Result<RunSummary>>): Promise<void> => {
    setBusy(name)
    setFailure(null)
    const r = await call()
    setBusy(null)
    if (!r.ok) return setFailure(r)
    useRuns.getState().setStatus(r.value.id, r.value.status)
    // Some resumes continue as a new run (e.g. a new rank cannot load the old LoRA weights): follow it.
    if (r.value.id !== runId) onReplaced?.(r.value.id)
  }
  const resume = (overrides?: { maxLength?: number; batchSize?: number; rank?: number; learningRate?: number }): Promise<void> =>
    control('resume', () => api.runResume({ runId, ...(overrides ? { overrides } : {}) }))

  const runError: Failure | null = live?.error ?? (detail?.error && status === 'failed' ? { ok: false, code: detail.error.code as Failure['code'], message: detail.error.message, ...(detail.error.details ? { details: detail.error.details } : {}) } : null)
  const shownFailure = failure ?? runError
  const phase = live?.phase && !(live.phase === 'training' && phaseOfStatus(status)) ? live.phase : (phaseOfStatus(status) ?? live?.phase ?? null)
  const total = live?.total ?? detail?.totalSteps ?? null
  const step = Math.max(live?.step ?? 0, detail?.step ?? 0)
  const cfg = detail?.config
  const cur = { maxLength: cfgNum(cfg, 'maxLength', 0), batchSize: cfgNum(cfg, 'batchSize', 0), rank: cfgNum(cfg, 'rank', detail?.rank ?? 0) }
  const lr = cfgNum(cfg, 'learningRate', detail?.learningRate ?? 0)

  const lines = useMemo<ChartLine[]>(
    () => [
      { id: `${runId}:train`, runId, name: t.train.trainNll, kind: 'train', points: live?.train ?? [] },
      { id: `${runId}:test`, name: t.train.testNll, kind: 'test', points: live?.test ?? [] },
    ],
    [runId, live?.train, live?.test, t],
  )
  const gradLines = useMemo<ChartLine[]>(() => [{ id: `${runId}:grad`, name: t.judge.gradNormPerToken, kind: 'plain', points: live?.gradNormPerToken ?? [] }], [runId, live?.gradNormPerToken, t])
  const finished = status === 'completed' || status === 'stopped'
  const diverged = (live?.error?.code ?? detail?.error?.code) === 'loss-diverged'
  const judgement = useMemo(() => judgeRun({ train: live?.train ?? [], test: live?.test ?? [], finished, diverged }), [live?.train, live?.test, finished, diverged])
  const verdict = finished || status === 'failed' ? judgement.verdict : null
  useEffect(() => onVerdict?.(verdict), [verdict, onVerdict])
  const best = judgement.best
  const testPoints = live?.test.length ?? 0
  const mark = useMemo(() => (best && testPoints > 1 ? { step: best.step, value: best.testNll, label: t.judge.bestMarker } : undefined), [best, testPoints, t])
  const plan = detail?.evalPlan ?? null
  const elapsedS = detail && finished ? (Date.parse(detail.updatedAt) - Date.parse(detail.createdAt)) / 1000 : null
  const lrLines = useMemo<ChartLine[]>(() => [{ id: `${runId}:lr`, name: t.train.learningRate, kind: 'plain', points: live?.lr ?? [] }], [runId, live?.lr, t])
  const lastTrain = live?.train.length ? live.train[live.train.length - 1][1] : (detail?.finalTrainNll ?? null)
  const lastTest = live?.test.length ? live.test[live.test.length - 1][1] : (detail?.finalTestNll ?? null)

  const oomExtra =
    shownFailure?.code === 'server-oom' && cur.maxLength > 0
      ? (() => {
          const s = oomSuggestion(cur, p95Tokens)
          return (
            <div className="oom" data-testid="oom-suggestions">
              <div className="small">{t.hint.oomTry(s)}</div>
              <div className="row">
                <Button variant="primary" onClick={() => void resume({ maxLength: s.maxLength })} busy={busy === 'resume'} data-testid="oom-max-length">{t.hint.oomApply('maxLength', s.maxLength)}</Button>
                <Button onClick={() => void resume({ batchSize: s.batchSize })} disabled={busy !== null} data-testid="oom-batch-size">{t.hint.oomApply('batchSize', s.batchSize)}</Button>
                <Button onClick={() => void resume({ rank: s.rank })} disabled={busy !== null} data-testid="oom-rank">{t.hint.oomApply('rank', s.rank)}</Button>
              </div>
            </div>
          )
        })()
      : null

  return (
    <div className="run-monitor" data-testid="run-monitor" data-status={status ?? ''}>
      <PhaseIndicator phase={phase} reached={live?.reached ?? null} />
      <div className="monitor-top">
        <div className="grow">
          <ProgressBar
            testId="train-progress"
            label={total ? t.train.stepOf(step, total) : t.train.waiting}
            current={step}
            total={total ?? 0}
            detail={
              <>
                {status === 'running' ? t.train.eta(fmt.duration(live?.etaS)) : elapsedS !== null ? t.judge.elapsed(fmt.duration(elapsedS)) : null}
                {(status === 'running' || elapsedS !== null) && ' · '}
                {t.train.throughput(live?.tokensPerS ? fmt.int(live.tokensPerS) : MISSING)}
              </>
            }
          />
        </div>
        <div className="controls">
          {status === 'running' && (
            <>
              <Button onClick={() => void control('pause', () => api.runPause({ runId }))} busy={busy === 'pause'} disabled={busy !== null} data-testid="pause">{t.train.pause}</Button>
              <Button variant="danger" onClick={() => void control('stop', () => api.runStop({ runId }))} busy={busy === 'stop'} disabled={busy !== null} data-testid="stop">{t.train.stop}</Button>
            </>
          )}
          {status !== null && RESUMABLE.has(status) && (detail?.resumable ?? true) && (
            <Button variant="primary" onClick={() => void resume()} busy={busy === 'resume'} disabled={busy !== null} data-testid="resume">{t.train.resume}</Button>
          )}
          {status === 'paused' && <Button variant="danger" onClick={() => void control('stop', () => api.runStop({ runId }))} busy={busy === 'stop'} disabled={busy !== null}>{t.train.stop}</Button>}
        </div>
      </div>

      {shownFailure && (
        <HintPanel
          failure={shownFailure}
          handlers={{
            resume: () => resume(),
            retry: () => resume(),
            lowerLearningRate: lr > 0 ? () => resume({ learningRate: lowerLr(lr) }) : undefined,
            lowerLearningRateTo: lr > 0 ? fmt.lr(lowerLr(lr)) : undefined,
            lowerRank: () => resume({ rank: 8 }),
          }}
          extra={
            <>
              {oomExtra}
              {shownFailure.code === 'loss-diverged' && lr > 0 && <span className="small muted">{fmt.lr(lr)} → {fmt.lr(lowerLr(lr))}</span>}
            </>
          }
        />
      )}

      {finished && detail && <VerdictPanel detail={detail} judgement={judgement} onStarted={(id) => onReplaced?.(id)} />}

      <div className="stats-row">
        <Stat label={t.train.trainNll} value={fmt.nll(lastTrain)} testId="last-train-nll" />
        <Stat label={t.train.testNll} value={fmt.nll(lastTest)} testId="last-test-nll" />
        <Stat label={t.judge.bestLabel} value={best ? t.judge.best(best.step, fmt.nll(best.testNll)) : MISSING} testId="best-test-nll" />
        <Stat label={t.train.tokensPerS} value={live?.tokensPerS ? fmt.int(live.tokensPerS) : MISSING} />
      </div>

      <Card title={`${t.train.trainNll} / ${t.train.testNll}`} actions={<ChartToolbar />} testId="nll-card">
        {plan && (
          <div className="small muted" data-testid="eval-set">
            {t.judge.evalSet({ ...plan, split: detail?.data?.evalSplit ?? null })}
            {plan.tooSmall && <span className="warn-text"> {t.judge.evalTooSmall}</span>}
          </div>
        )}
        {!finished && <LiveNote judgement={judgement} />}
        {(live?.train.length ?? 0) + (live?.test.length ?? 0) === 0 && <div className="chart-empty muted">{t.train.waiting}</div>}
        <NllChart lines={lines} logAxis={logAxis} smoothing={smoothing} showRaw={showRaw} ariaLabel={`${t.train.trainNll} / ${t.train.testNll}`} testId="nll-chart" handle={chartHandle} height={300} xMax={total ?? undefined} mark={mark} />
        <div className="chart-counts muted small">
          <span data-testid="point-counts" data-train={live?.train.length ?? 0} data-test={live?.test.length ?? 0}>{t.train.points(live?.train.length ?? 0, live?.test.length ?? 0)}</span>
        </div>
      </Card>
      <div className="grid-2">
        <Card title={t.judge.gradNormPerToken}>
          {live?.gradNormPerToken.length ? (
            <>
              <NllChart lines={gradLines} smoothing={smoothing} ariaLabel={t.judge.gradNormPerToken} height={160} yName="" xMax={total ?? undefined} testId="grad-norm-chart" />
              <div className="field-help">{t.judge.gradNormHelp}</div>
            </>
          ) : (
            <div className="not-reported" data-testid="grad-norm-not-reported">{t.common.notReported}</div>
          )}
        </Card>
        <Card title={t.train.learningRate}>
          {live?.lr.length ? <NllChart lines={lrLines} smoothing={smoothing} ariaLabel={t.train.learningRate} height={160} yName="" xMax={total ?? undefined} /> : <div className="not-reported">{t.common.notReported}</div>}
        </Card>
      </div>
    </div>
  )
}
