/**
 * Overlay the train NLL (smoothed, raw faint) and test NLL of several runs or a whole sweep — the guide's
 * Figures 1 and 2 — with the recommended cell drawn bold and marked. Each chart exports as PNG.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { RunCompare, SweepView } from '../../../shared/contract'
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
  const trainLines = useMemo<ChartLine[]>(() => (data?.runs ?? []).map(({ run, metrics }) => ({ id: `${run.id}:train`, name: label(run), kind: 'train', points: metrics.trainNll, emphasis: run.id === recommended })), [data, recommended, label])
  const testLines = useMemo<ChartLine[]>(() => (data?.runs ?? []).map(({ run, metrics }) => ({ id: `${run.id}:test`, name: label(run), kind: 'test', points: metrics.testNll, emphasis: run.id === recommended })), [data, recommended, label])

  // Named after what is compared: the sweep, or the runs' names.
  const subject = sweep?.name ?? fmt.list((data?.runs ?? []).map(({ run }) => run.name))
  const png = (h: React.RefObject<ChartHandle | null>, kind: 'train-nll' | 'test-nll', title: string): void =>
    void exportChartPng(h.current?.chart(), exportFileName(subject || t.compare.title, kind, 'png'), {
      title: subject || t.compare.title,
      lines: [title, t.run.pngSubtitle(fmt.dateTime(new Date().toISOString()))],
    })

  if (!target) return <div className="page"><h1>{t.compare.title}</h1><Notice tone="info">{t.compare.none}</Notice></div>
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
      {(sweep?.recommendation ?? null) && <Notice tone="ok" testId="recommendation">{t.compare.recommended(sweep!.recommendation!.reason)}</Notice>}
      <div className="grid-2">
        <Card title={t.compare.testTitle} actions={<Button variant="ghost" onClick={() => png(testChart, 'test-nll', t.compare.testTitle)} data-testid="export-test-png">{t.run.exportPng}</Button>}>
          <NllChart lines={testLines} logAxis={logAxis} smoothing={smoothing} ariaLabel={t.compare.testTitle} handle={testChart} testId="compare-test" height={320} />
        </Card>
        <Card title={t.compare.trainTitle} actions={<Button variant="ghost" onClick={() => png(trainChart, 'train-nll', t.compare.trainTitle)} data-testid="export-train-png">{t.run.exportPng}</Button>}>
          <NllChart lines={trainLines} logAxis={logAxis} smoothing={smoothing} showRaw={showRaw} ariaLabel={t.compare.trainTitle} handle={trainChart} testId="compare-train" height={320} />
        </Card>
      </div>
      <Card>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t.history.cols.name}</th>
              <th scope="col" className="num">{t.history.cols.rank}</th>
              <th scope="col" className="num">{t.history.cols.lr}</th>
              <th scope="col" className="num">{t.history.cols.train}</th>
              <th scope="col" className="num">{t.history.cols.test}</th>
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
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  )
}
