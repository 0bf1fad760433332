/** One run from the history: its curves and controls (the same monitor as training), exports, rename, delete. */
import { useEffect, useRef, useState } from 'react'
import type { RunDetail } from '../../../shared/contract'
import type { Failure } from '../../../shared/result'
import { useT } from '../i18n'
import { api } from '../api'
import type { ChartHandle } from '../charts/nll-chart'
import { HintPanel } from '../components/hint-panel'
import { RunMonitor } from '../components/run-monitor'
import { Button, Card } from '../components/ui'
import { downloadText } from '../lib/download'
import { exportChartPng } from '../charts/export-png'
import { exportFileName } from '../../../shared/export-names'
import { ResumeHistory } from '../components/resume-history'
import { UseModelPanel } from '../components/use-model-panel'
import { useNav } from '../stores/nav-store'
import { StatusBadge } from './history'

export function RunView(): React.JSX.Element {
  const { t, fmt } = useT()
  const runId = useNav((s) => s.runId)
  const { go, openPlayground, openRun } = useNav.getState()
  const chart = useRef<ChartHandle>(null)
  const [detail, setDetail] = useState<RunDetail | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [renaming, setRenaming] = useState<string | null>(null)
  const [confirmDelete, setConfirmDelete] = useState(false)

  useEffect(() => {
    if (runId) void api.runGet({ runId }).then((r) => (r.ok ? setDetail(r.value) : setFailure(r)))
  }, [runId])
  if (!runId) return <div className="page muted">{t.history.empty}</div>

  const exportKind = async (kind: 'csv' | 'config' | 'python'): Promise<void> => {
    const r = await api.runExport({ runId, kind })
    if (!r.ok) return setFailure(r)
    downloadText(r.value.filename, r.value.mime, r.value.content)
  }
  const exportPng = (): Promise<void> => {
    const name = detail?.name ?? runId
    return exportChartPng(chart.current?.chart(), exportFileName(name, 'nll', 'png'), {
      title: name,
      lines: [`${t.train.trainNll} / ${t.train.testNll}`, t.run.pngSubtitle(fmt.dateTime(new Date().toISOString()))],
    })
  }
  const rename = async (): Promise<void> => {
    if (!renaming?.trim()) return
    const r = await api.runRename({ runId, name: renaming.trim() })
    if (!r.ok) return setFailure(r)
    setDetail((d) => (d ? { ...d, name: r.value.name } : d))
    setRenaming(null)
  }
  const remove = async (): Promise<void> => {
    const r = await api.runDelete({ runId })
    if (!r.ok) return setFailure(r)
    go('history')
  }

  return (
    <div className="page" data-testid="run-view">
      <div className="page-head">
        <div>
          <button type="button" className="linklike small" onClick={() => go('history')}>← {t.history.title}</button>
          {renaming === null ? (
            <h1>
              {detail?.name ?? runId} {detail && <StatusBadge status={detail.status} />}
            </h1>
          ) : (
            <form className="row" onSubmit={(e) => (e.preventDefault(), void rename())}>
              <input className="input" aria-label={t.history.renamePrompt} value={renaming} onChange={(e) => setRenaming(e.target.value)} autoFocus />
              <Button type="submit" variant="primary">{t.common.save}</Button>
              <Button variant="ghost" onClick={() => setRenaming(null)}>{t.common.cancel}</Button>
            </form>
          )}
        </div>
      </div>
      <div className="toolbar">
        <div className="row wrap">
          <Button onClick={() => void exportPng()} data-testid="export-png">{t.run.exportPng}</Button>
          <Button onClick={() => void exportKind('csv')} data-testid="export-csv">{t.run.exportCsv}</Button>
          <Button onClick={() => void exportKind('config')} data-testid="export-config">{t.run.exportConfig}</Button>
          <Button onClick={() => void exportKind('python')} data-testid="export-python">{t.run.exportPython}</Button>
        </div>
        <Button variant="primary" onClick={() => openPlayground(runId)}>{t.nav.playground}</Button>
      </div>
      {failure && <HintPanel failure={failure} />}
      <RunMonitor key={runId} runId={runId} chartHandle={chart} onReplaced={openRun} />
      <ResumeHistory key={`resumes-${runId}`} runId={runId} />
      {detail && <UseModelPanel key={runId} runId={runId} />}
      <div className="grid-2">
        <Card title={t.run.config}>
          <table className="table kv small">
            <tbody>
              {detail &&
                Object.entries(detail.config).map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td className="mono">{typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </Card>
        <Card title={t.run.checkpoints}>
          <table className="table small">
            <tbody>
              {detail?.checkpoints.map((c) => (
                <tr key={`${c.kind}:${c.path}`}>
                  <td className="num">{c.step}</td>
                  <td>{c.kind}</td>
                  <td className="mono clamp">{c.path}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row danger-zone">
            <Button variant="ghost" onClick={() => setRenaming(detail?.name ?? '')}>{t.common.rename}</Button>
            {!confirmDelete ? (
              <Button variant="danger" onClick={() => setConfirmDelete(true)}>{t.common.delete}</Button>
            ) : (
              <div className="confirm" role="alertdialog" aria-label={t.common.delete}>
                <span className="small">{t.history.confirmDelete(detail?.name ?? runId)}</span>
                <Button variant="danger" onClick={() => void remove()} data-testid="confirm-delete">{t.common.delete}</Button>
                <Button variant="ghost" onClick={() => setConfirmDelete(false)}>{t.common.cancel}</Button>
              </div>
            )}
          </div>
        </Card>
      </div>
    </div>
  )
}
