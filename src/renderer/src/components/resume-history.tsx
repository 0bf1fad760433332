/**
 * What each resume of a run changed, self-contained (give it a run id, mount it anywhere): the stretches of
 * steps and the batch size, max length, learning rate and rank each trained with, changed values marked with
 * what they were, and where a run that began as another run's rank change came from. Renders nothing for a
 * run that was never resumed.
 */
import { useEffect, useState } from 'react'
import type { RunResumeHistory } from '../../../shared/contract'
import { RESUMABLE_PARAMS, type ResumableParam, type ResumableParams } from '../../../shared/runs'
import { useT } from '../i18n'
import { api } from '../api'
import { useNav } from '../stores/nav-store'
import { useRuns } from '../stores/run-store'
import { Button, Card } from './ui'

export function ResumeHistory({ runId }: { runId: string }): React.JSX.Element | null {
  const { t, fmt } = useT()
  const [history, setHistory] = useState<RunResumeHistory | null>(null)
  const openRun = useNav((s) => s.openRun)
  // A resume changes the run's status: read the history again then.
  const status = useRuns((s) => s.runs[runId]?.status ?? null)
  useEffect(() => {
    let alive = true
    void api.runResumeHistory({ runId }).then((r) => alive && r.ok && setHistory(r.value))
    return () => {
      alive = false
    }
  }, [runId, status])

  if (!history || history.resumes.length === 0) return null
  const show = (p: ResumableParam, v: number): string => (p === 'learningRate' ? fmt.lr(v) : fmt.int(v))
  const cell = (params: ResumableParams, changed: readonly ResumableParam[], before: ResumableParams, p: ResumableParam): React.JSX.Element => (
    <td key={p} className={`num${changed.includes(p) ? ' changed' : ''}`}>
      {show(p, params[p])}
      {changed.includes(p) && <span className="muted small">{t.resumeHistory.was(show(p, before[p]))}</span>}
    </td>
  )
  const source = history.resumes.find((r) => r.sourceRunId)?.sourceRunId ?? null

  return (
    <Card title={t.resumeHistory.title} testId="resume-history">
      {source && (
        <div className="row small">
          <span>{t.resumeHistory.forked}</span>
          <Button variant="ghost" onClick={() => openRun(source)} data-testid="resume-source">
            {t.resumeHistory.openSource}
          </Button>
        </div>
      )}
      <table className="table small" data-testid="resume-segments">
        <thead>
          <tr>
            <th scope="col">{t.resumeHistory.steps}</th>
            {RESUMABLE_PARAMS.map((p) => (
              <th key={p} scope="col" className="num">
                {t.resumeHistory.params[p]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {history.segments.map((g, i) => (
            <tr key={g.fromStep} data-from={g.fromStep} data-to={g.toStep}>
              <th scope="row" className="nowrap">{t.resumeHistory.range(g.fromStep, g.toStep)}</th>
              {RESUMABLE_PARAMS.map((p) => cell(g.params, g.changed, i > 0 ? history.segments[i - 1].params : history.initial, p))}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="plain-list small muted" data-testid="resume-list">
        {history.resumes.map((r) => (
          <li key={r.at}>
            {t.resumeHistory.resumed(
              r.fromStep,
              fmt.dateTime(r.at),
              r.changes.length === 0 ? t.resumeHistory.noChange : fmt.list(r.changes.map((c) => t.resumeHistory.change(t.resumeHistory.params[c.param], show(c.param, c.from), show(c.param, c.to)))),
            )}
          </li>
        ))}
      </ul>
    </Card>
  )
}
