/** Run history: every run with its status and final NLLs, sweeps with their recommended cell, and selection for comparison. */
import { useEffect, useState } from 'react'
import type { RunSummary, SweepView } from '../../../shared/contract'
import type { Failure } from '../../../shared/result'
import { labelOf } from '../../../shared/i18n'
import { useT } from '../i18n'
import { api } from '../api'
import { HintPanel } from '../components/hint-panel'
import { Badge, Button, Card } from '../components/ui'
import { useNav } from '../stores/nav-store'
import { useRuns } from '../stores/run-store'

const tone = (s: string): 'ok' | 'warn' | 'error' | 'info' | 'neutral' =>
  s === 'completed' ? 'ok' : s === 'failed' ? 'error' : s === 'running' ? 'info' : s === 'interrupted' || s === 'stopped' ? 'warn' : 'neutral'

export function StatusBadge({ status }: { status: string }): React.JSX.Element {
  const { t } = useT()
  return <Badge tone={tone(status)}>{labelOf(t.history.status, status)}</Badge>
}

export function History(): React.JSX.Element {
  const { t, fmt } = useT()
  const [runs, setRuns] = useState<RunSummary[] | null>(null)
  const [sweeps, setSweeps] = useState<SweepView[]>([])
  const [selected, setSelected] = useState<string[]>([])
  const [failure, setFailure] = useState<Failure | null>(null)
  const { openRun, openCompare } = useNav.getState()
  const liveStatuses = useRuns((s) => Object.values(s.runs).map((r) => r.status).join(','))

  useEffect(() => {
    void api.runList().then((r) => (r.ok ? setRuns(r.value) : setFailure(r)))
    void api.sweepList().then((r) => r.ok && setSweeps(r.value))
  }, [liveStatuses])

  const toggle = (id: string): void => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]))
  const c = t.history.cols
  return (
    <div className="page" data-testid="history">
      <div className="page-head">
        <h1>{t.history.title}</h1>
        <Button variant="primary" disabled={selected.length === 0} onClick={() => openCompare({ runIds: selected })} data-testid="compare-selected">
          {t.history.compareSelected(selected.length)}
        </Button>
      </div>
      {failure && <HintPanel failure={failure} />}
      <Card>
        {runs && runs.length === 0 ? (
          <div className="muted">{t.history.empty}</div>
        ) : (
          <table className="table runs-table" data-testid="runs-table">
            <thead>
              <tr>
                <th scope="col" aria-label={c.select} />
                <th scope="col">{c.name}</th>
                <th scope="col">{c.status}</th>
                <th scope="col">{c.model}</th>
                <th scope="col" className="num">{c.rank}</th>
                <th scope="col" className="num">{c.lr}</th>
                <th scope="col" className="num">{c.steps}</th>
                <th scope="col" className="num">{c.train}</th>
                <th scope="col" className="num">{c.test}</th>
                <th scope="col">{c.created}</th>
              </tr>
            </thead>
            <tbody>
              {runs?.map((r) => (
                <tr key={r.id} data-testid="run-row" data-run-id={r.id}>
                  <td>
                    <input type="checkbox" checked={selected.includes(r.id)} onChange={() => toggle(r.id)} aria-label={t.history.selectRun(r.name)} />
                  </td>
                  <td>
                    <button type="button" className="linklike strong" onClick={() => openRun(r.id)}>{r.name}</button>
                  </td>
                  <td><StatusBadge status={r.status} /></td>
                  <td className="mono small nowrap">{r.baseModel}</td>
                  <td className="num nowrap">{r.rank}</td>
                  <td className="num nowrap mono" data-testid="run-lr">{fmt.lr(r.learningRate)}</td>
                  <td className="num nowrap" data-testid="run-steps">{fmt.int(r.step)}{r.totalSteps ? ` / ${fmt.int(r.totalSteps)}` : ''}</td>
                  <td className="num">{fmt.nll(r.finalTrainNll)}</td>
                  <td className="num">{fmt.nll(r.finalTestNll)}</td>
                  <td className="small muted nowrap">{fmt.dateTime(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {sweeps.length > 0 && (
        <Card title={t.history.sweeps}>
          {sweeps.map((s) => (
            <div key={s.id} className="sweep-row">
              <div className="row spread">
                <span className="strong">{s.name}</span>
                <Button onClick={() => openCompare({ sweepId: s.id })}>{t.history.compareSweep}</Button>
              </div>
              <div className="cells">
                {s.cells.map((cell) => (
                  <button type="button" key={cell.runId} className={`cell${s.recommendation?.runId === cell.runId ? ' recommended' : ''}`} onClick={() => openRun(cell.runId)}>
                    <span>{t.compare.cell(cell.rank, fmt.lr(cell.learningRate))}</span>
                    <span className="mono">{fmt.nll(cell.bestTestNll)}</span>
                  </button>
                ))}
              </div>
              {s.recommendation ? (
                <div className="small muted">{t.judge.recommend({ rank: s.recommendation.rank, lr: fmt.lr(s.recommendation.learningRate), stopStep: s.recommendation.stopStep, best: fmt.nll(s.recommendation.bestTestNll) })}</div>
              ) : (
                <div className="small muted">{t.judge.sweepProgress(s.finished, s.total)}</div>
              )}
            </div>
          ))}
        </Card>
      )}
    </div>
  )
}
