/**
 * Step 6: follows the run (or sweep) the Review step started. When a run completes, the app stops opening
 * into the wizard and offers the playground and the history.
 */
import { useCallback, useEffect, useMemo, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { SweepView } from '../../../shared/contract'
import type { Verdict } from '../../../shared/judge'
import { labelOf } from '../../../shared/i18n'
import { useT } from '../i18n'
import { api } from '../api'
import { NllChart, type ChartLine } from '../charts/nll-chart'
import { ChartToolbar } from '../components/chart-toolbar'
import { RunMonitor } from '../components/run-monitor'
import { Badge, Button, Card, FocusHeading, Notice, ProgressBar } from '../components/ui'
import { useNav } from '../stores/nav-store'
import { usePrefs } from '../stores/prefs-store'
import { useRuns } from '../stores/run-store'
import { useSettings } from '../stores/settings-store'
import { useWizard } from '../stores/wizard-store'
import { sweepProgress } from '../lib/sweep-progress'

export function TrainStep(): React.JSX.Element {
  const { t } = useT()
  const { runId, sweepId, stats, started, newRun } = useWizard(
    useShallow((s) => ({ runId: s.runId, sweepId: s.sweepId, stats: s.stats, started: s.started, newRun: s.newRun })),
  )
  const update = useSettings((s) => s.update)
  const { openPlayground, go } = useNav(useShallow((s) => ({ openPlayground: s.openPlayground, go: s.go })))
  const [done, setDone] = useState(false)
  const [verdict, setVerdict] = useState<Verdict | null>(null)
  // After a sweep, the playground should open on the cell the sweep recommends, not on whichever run is first.
  const [recommendedRunId, setRecommendedRunId] = useState<string | null>(null)

  const onStatus = useCallback(
    (status: string) => {
      if (status !== 'completed') return
      setDone(true)
      if (!useSettings.getState().settings?.wizardCompleted) void update({ wizardCompleted: true })
    },
    [update],
  )

  return (
    <div className="step" data-testid="step-train">
      <FocusHeading>{t.train.title}</FocusHeading>
      {done && (
        <Notice tone={verdict === null || verdict === 'fine' ? 'ok' : 'warning'} testId="train-done">
          <div className="row spread">
            <span data-verdict={verdict ?? ''}>{runId && verdict && verdict !== 'fine' ? t.judge.finishedVerdict(t.judge.verdict[verdict]) : t.train.done}</span>
            <span className="row">
              <Button variant="primary" onClick={() => openPlayground(runId ?? recommendedRunId)} data-testid="open-playground">{t.train.openPlayground}</Button>
              <Button onClick={() => go('history')}>{t.train.openHistory}</Button>
              <Button variant="ghost" onClick={newRun} data-testid="new-run">
                {t.train.newRun}
              </Button>
            </span>
          </div>
        </Notice>
      )}
      {runId && (
        <RunMonitor
          key={runId}
          runId={runId}
          onStatus={onStatus}
          onVerdict={setVerdict}
          onReplaced={(id) => {
            setDone(false)
            started({ runId: id, sweepId: null })
          }}
          p95Tokens={stats?.p95 ?? null}
        />
      )}
      {sweepId && <SweepMonitor sweepId={sweepId} onStatus={onStatus} onRecommendation={setRecommendedRunId} />}
    </div>
  )
}

function SweepMonitor({
  sweepId,
  onStatus,
  onRecommendation,
}: {
  sweepId: string
  onStatus: (s: string) => void
  onRecommendation: (runId: string | null) => void
}): React.JSX.Element {
  const { t, fmt } = useT()
  const [sweep, setSweep] = useState<SweepView | null>(null)
  const runs = useRuns((s) => s.runs)
  const { logAxis, smoothing, showRaw } = usePrefs(useShallow((s) => ({ logAxis: s.logAxis, smoothing: s.smoothing, showRaw: s.showRaw })))
  const openCompare = useNav((s) => s.openCompare)
  // Cell statuses come from run events; re-read the sweep (table, recommendation) whenever one changes.
  const statusKey = sweep?.cells.map((c) => runs[c.runId]?.status ?? c.status).join(',') ?? ''
  const done = sweep?.status === 'done'
  useEffect(() => {
    let alive = true
    const load = (): void => void api.sweepGet({ sweepId }).then((r) => alive && r.ok && setSweep(r.value))
    load()
    // Cells start as the concurrency limit frees a slot; look for new ones until the sweep is done.
    const timer = done ? null : setInterval(load, 2000)
    return () => {
      alive = false
      if (timer) clearInterval(timer)
    }
  }, [sweepId, statusKey, done])
  useEffect(() => {
    if (done) onStatus('completed')
  }, [done, onStatus])
  // The ETA counts down between run events too.
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (done) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [done])
  const recommendedRunId = sweep?.recommendation?.runId ?? null
  useEffect(() => onRecommendation(recommendedRunId), [recommendedRunId, onRecommendation])
  const lines = useMemo<ChartLine[]>(
    () =>
      (sweep?.cells ?? []).map((c) => ({
        id: c.runId,
        runId: c.runId,
        name: t.compare.cell(c.rank, fmt.lr(c.learningRate)),
        kind: 'train' as const,
        points: runs[c.runId]?.train ?? [],
        emphasis: sweep?.recommendation?.runId === c.runId,
      })),
    [sweep, runs, t, fmt],
  )
  const progress = sweep ? sweepProgress(sweep, runs, now) : null
  return (
    <>
      {progress && (
        <div className="monitor-top" role="group" aria-label={t.train.sweepProgress}>
          <div className="grow">
            <ProgressBar
              testId="sweep-progress"
              label={t.train.sweepCellsDone(progress.cellsFinished, progress.cellsTotal)}
              current={progress.stepsDone}
              total={progress.stepsTotal ?? 0}
              detail={
                <span data-testid="sweep-progress-detail" data-cells-finished={progress.cellsFinished} data-cells-total={progress.cellsTotal} data-steps-done={progress.stepsDone} data-steps-total={progress.stepsTotal ?? ''}>
                  {t.train.sweepSteps(progress.stepsDone, progress.stepsTotal)} · {t.train.eta(fmt.duration(progress.etaS))}
                </span>
              }
            />
          </div>
        </div>
      )}
      <Card title={t.compare.trainTitle} actions={<ChartToolbar />}>
        <NllChart lines={lines} logAxis={logAxis} smoothing={smoothing} showRaw={showRaw} ariaLabel={t.compare.trainTitle} testId="sweep-chart" />
      </Card>
      <Card title={t.history.sweeps} actions={<Button onClick={() => openCompare({ sweepId })}>{t.history.compareSweep}</Button>}>
        <table className="table" data-testid="sweep-table">
          <thead>
            <tr>
              <th scope="col">{t.history.cols.rank}</th>
              <th scope="col">{t.history.cols.lr}</th>
              <th scope="col">{t.history.cols.status}</th>
              <th scope="col" className="num">{t.judge.bestLabel}</th>
              <th scope="col">{t.judge.verdictLabel}</th>
            </tr>
          </thead>
          <tbody>
            {sweep?.cells.map((c) => (
              <tr key={c.runId} data-run-id={c.runId} className={sweep.recommendation?.runId === c.runId ? 'recommended' : ''}>
                <td>{c.rank}</td>
                <td className="mono">{fmt.lr(c.learningRate)}</td>
                <td>{labelOf(t.history.status, runs[c.runId]?.status ?? c.status)}</td>
                <td className="num">
                  {c.bestStep !== null ? t.judge.best(c.bestStep, fmt.nll(c.bestTestNll)) : fmt.nll(c.bestTestNll)} {sweep.recommendation?.runId === c.runId && <Badge tone="ok">{t.history.recommended}</Badge>}
                </td>
                <td className="small" data-testid="cell-verdict" data-verdict={c.verdict ?? ''}>{c.verdict ? t.judge.cell({ verdict: c.verdict, bestStep: c.bestStep }) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {sweep && !sweep.recommendation && <div className="muted small" data-testid="sweep-progress">{t.judge.sweepProgress(sweep.finished, sweep.total)}</div>}
        {done && sweep?.recommendation && (
          <Notice tone="ok" testId="sweep-recommendation">
            {t.judge.recommend({ rank: sweep.recommendation.rank, lr: fmt.lr(sweep.recommendation.learningRate), stopStep: sweep.recommendation.stopStep, best: fmt.nll(sweep.recommendation.bestTestNll) })}
          </Notice>
        )}
      </Card>
    </>
  )
}
