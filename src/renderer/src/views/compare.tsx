/**
 * Overlay the train NLL (smoothed, raw faint) and test NLL of several runs or a whole sweep — the guide's
 * Figures 1 and 2 — with the recommended cell drawn bold and marked. Each chart exports as PNG.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { GenerationComparison, RunCompare, SweepView } from '../../../shared/contract'
import type { CheckpointTarget } from '../../../shared/runs'
import { labelOf } from '../../../shared/i18n'
import type { Failure } from '../../../shared/result'
import { useT } from '../i18n'
import { api } from '../api'
import { NllChart, type ChartHandle, type ChartLine } from '../charts/nll-chart'
import { ChartToolbar } from '../components/chart-toolbar'
import { HintPanel } from '../components/hint-panel'
import { Badge, Button, Card, Notice } from '../components/ui'
import { exportChartPng } from '../charts/export-png'
import { exportFileName } from '../../../shared/export-names'
import { useNav } from '../stores/nav-store'
import { usePrefs } from '../stores/prefs-store'

export function Compare(): React.JSX.Element {
  const { t, fmt } = useT()
  const target = useNav((s) => s.compare)
  const openRun = useNav((s) => s.openRun)
  const { logAxis, smoothing, showRaw } = usePrefs(useShallow((s) => ({ logAxis: s.logAxis, smoothing: s.smoothing, showRaw: s.showRaw })))
  const [data, setData] = useState<RunCompare | null>(null)
  const [sweep, setSweep] = useState<SweepView | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const trainChart = useRef<ChartHandle>(null)
  const testChart = useRef<ChartHandle>(null)

  useEffect(() => {
    if (!target) return
    void api.runCompare(target).then((r) => (r.ok ? setData(r.value) : setFailure(r)))
    if ('sweepId' in target) void api.sweepGet({ sweepId: target.sweepId }).then((r) => r.ok && setSweep(r.value))
  }, [target])

  const recommended = data?.recommendedRunId ?? sweep?.recommendation?.runId ?? null
  // Cells of one sweep differ only in rank and LR: say just that; separate runs keep their names.
  const isSweep = target !== null && 'sweepId' in target
  const label = useCallback((r: RunCompare['runs'][number]['run']): string => (isSweep ? t.compare.cell(r.rank, fmt.lr(r.learningRate)) : t.compare.namedCell(r.name, r.rank, fmt.lr(r.learningRate))), [isSweep, t, fmt])
  const trainLines = useMemo<ChartLine[]>(() => (data?.runs ?? []).map(({ run, metrics }) => ({ id: `${run.id}:train`, runId: run.id, name: label(run), kind: 'train', points: metrics.trainNll, emphasis: run.id === recommended })), [data, recommended, label])
  const testLines = useMemo<ChartLine[]>(() => (data?.runs ?? []).map(({ run, metrics }) => ({ id: `${run.id}:test`, runId: run.id, name: label(run), kind: 'test', points: metrics.testNll, emphasis: run.id === recommended })), [data, recommended, label])

  // Named after what is compared: the sweep, or the runs' names.
  const subject = sweep?.name ?? fmt.list((data?.runs ?? []).map(({ run }) => run.name))
  const png = (h: React.RefObject<ChartHandle | null>, kind: 'train-nll' | 'test-nll', title: string): void =>
    void exportChartPng(h.current?.chart(), exportFileName(subject || t.compare.title, kind, 'png'), {
      title: subject || t.compare.title,
      lines: [title, t.run.pngSubtitle(fmt.dateTime(new Date().toISOString()))],
    })

  if (!target)
    return (
      <div className="page" data-testid="compare-empty">
        <h1>{t.compare.title}</h1>
        <Notice tone="info">
          <div className="row spread">
            <span>{t.judge.compareEmpty}</span>
            <Button variant="primary" onClick={() => useNav.getState().go('history')} data-testid="compare-go-runs">{t.judge.goToRuns}</Button>
          </div>
        </Notice>
      </div>
    )
  return (
    <div className="page" data-testid="compare">
      <div className="page-head">
        <div>
          <h1>{t.compare.title}</h1>
          <p className="lead">{t.compare.intro}</p>
        </div>
        <ChartToolbar />
      </div>
      {failure && <HintPanel failure={failure} />}
      {sweep?.recommendation && (
        <Notice tone="ok" testId="recommendation">
          {t.judge.recommend({ rank: sweep.recommendation.rank, lr: fmt.lr(sweep.recommendation.learningRate), stopStep: sweep.recommendation.stopStep, best: fmt.nll(sweep.recommendation.bestTestNll) })}
        </Notice>
      )}
      {sweep && !sweep.recommendation && <Notice tone="info" testId="sweep-progress">{t.judge.sweepProgress(sweep.finished, sweep.total)}</Notice>}
      <div className="grid-2">
        <Card title={t.compare.testTitle} actions={<Button variant="ghost" onClick={() => png(testChart, 'test-nll', t.compare.testTitle)} data-testid="export-test-png">{t.run.exportPng}</Button>}>
          <NllChart lines={testLines} logAxis={logAxis} smoothing={smoothing} ariaLabel={t.compare.testTitle} handle={testChart} testId="compare-test" height={320} />
        </Card>
        <Card title={t.compare.trainTitle} actions={<Button variant="ghost" onClick={() => png(trainChart, 'train-nll', t.compare.trainTitle)} data-testid="export-train-png">{t.run.exportPng}</Button>}>
          <NllChart lines={trainLines} logAxis={logAxis} smoothing={smoothing} showRaw={showRaw} ariaLabel={t.compare.trainTitle} handle={trainChart} testId="compare-train" height={320} />
        </Card>
      </div>
      <Card>
        <table className="table" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">{t.history.cols.name}</th>
              <th scope="col" className="num">{t.history.cols.rank}</th>
              <th scope="col" className="num">{t.history.cols.lr}</th>
              <th scope="col" className="num">{t.history.cols.train}</th>
              <th scope="col" className="num">{t.history.cols.test}</th>
              <th scope="col" className="num">{t.judge.bestLabel}</th>
              {sweep && <th scope="col">{t.judge.verdictLabel}</th>}
            </tr>
          </thead>
          <tbody>
            {data?.runs.map(({ run }) => (
              <tr key={run.id} className={run.id === recommended ? 'recommended' : ''}>
                <td>
                  <button type="button" className="linklike" onClick={() => openRun(run.id)}>{run.name}</button> {run.id === recommended && <Badge tone="ok">{t.history.recommended}</Badge>}
                </td>
                <td className="num">{run.rank}</td>
                <td className="num mono">{fmt.lr(run.learningRate)}</td>
                <td className="num">{fmt.nll(run.finalTrainNll)}</td>
                <td className="num">{fmt.nll(run.finalTestNll)}</td>
                <td className="num">{fmt.nll(run.bestTestNll)}</td>
                {sweep && (() => {
                  const cell = sweep.cells.find((c) => c.runId === run.id)
                  return <td className="small">{cell?.verdict ? t.judge.cell({ verdict: cell.verdict, bestStep: cell.bestStep }) : labelOf(t.history.status, run.status)}</td>
                })()}
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {data && data.runs.length > 0 && <Generations runIds={data.runs.map((r) => r.run.id)} />}
    </div>
  )
}

/** The compared runs' weights sampled on the same held-out prompts, side by side. */
function Generations({ runIds }: { runIds: string[] }): React.JSX.Element {
  const { t } = useT()
  const [which, setWhich] = useState<CheckpointTarget>('best')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<GenerationComparison | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const ids = runIds.slice(0, 6)
  const sample = async (): Promise<void> => {
    setBusy(true)
    setFailure(null)
    const r = await api.compareGenerations({ runIds: ids, checkpoint: which })
    setBusy(false)
    if (!r.ok) return setFailure(r)
    setResult(r.value)
  }
  return (
    <Card
      title={t.judge.generations.title}
      testId="generations"
      actions={
        <div className="row">
          <select className="input" aria-label={t.judge.generations.target} value={which} onChange={(e) => setWhich(e.target.value as CheckpointTarget)} data-testid="generations-target">
            <option value="best">{t.judge.checkpoints.best}</option>
            <option value="final">{t.judge.checkpoints.final}</option>
          </select>
          <Button variant="primary" onClick={() => void sample()} busy={busy} data-testid="generations-sample">{busy ? t.judge.generations.sampling : t.judge.generations.sample}</Button>
        </div>
      }
    >
      <p className="field-help">{t.judge.generations.intro}</p>
      {failure && <HintPanel failure={failure} handlers={{ retry: () => sample() }} />}
      {result && (
        <div className="generations" data-testid="generations-table">
          {result.prompts.map((p, i) => (
            <div key={p.row} className="generation-row">
              <div className="small strong">{t.judge.generations.prompt(p.row)}</div>
              <div className="sample-text small">{p.messages.at(-1)?.content}</div>
              <div className="grid-3">
                <Card title={t.judge.generations.base}>
                  <div className="sample-text">{result.base[i]?.text}</div>
                </Card>
                {result.columns.map((c) => (
                  <Card key={c.runId} title={t.judge.generations.column(c.runName, c.checkpoint?.step ?? null)}>
                    <div className="sample-text" data-testid="generation">{c.samples[i]?.text ?? t.judge.generations.none}</div>
                  </Card>
                ))}
                {p.reference !== null && (
                  <Card title={t.judge.generations.reference}>
                    <div className="sample-text muted">{p.reference}</div>
                  </Card>
                )}
              </div>
            </div>
          ))}
        </div>
      )}
    </Card>
  )
}
