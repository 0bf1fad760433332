/** One run from the history: its curves and controls (the same monitor as training), exports, rename, delete. */
import { useEffect, useRef, useState } from 'react'
import type { CheckpointCleanup, CheckpointUsage, RunDetail } from '../../../shared/contract'
import { MISSING } from '../../../shared/i18n'
import type { CheckpointTarget } from '../../../shared/runs'
import type { Failure } from '../../../shared/result'
import { useT } from '../i18n'
import { api } from '../api'
import type { ChartHandle } from '../charts/nll-chart'
import { HintPanel } from '../components/hint-panel'
import { RunMonitor } from '../components/run-monitor'
import { Badge, Button, Card } from '../components/ui'
import { downloadText } from '../lib/download'
import { exportChartPng } from '../charts/export-png'
import { exportFileName } from '../../../shared/export-names'
import { ResumeHistory } from '../components/resume-history'
import { UseModelPanel } from '../components/use-model-panel'
import { useNav } from '../stores/nav-store'
import { StatusBadge } from './history'

/** The run's config as words: each key by its label, values as the user chose them (defaults named as such). */
function useConfigRows(): (d: RunDetail) => [string, string][] {
  const { t, fmt } = useT()
  const v = t.judge.configValue
  return (d) => {
    const c = d.config
    const bool = (b: boolean): string => (b ? t.judge.yes : t.judge.no)
    const adam = Object.entries(c.adam)
    const rows: [string, string | null][] = [
      ['server', c.server.kind === 'sandbox' ? v.sandbox : c.server.url ? v.remote(c.server.url) : (d.serverUrl ?? v.discovered)],
      ['baseModel', c.baseModel ?? d.baseModel],
      ['tokenizer', c.tokenizer ?? d.tokenizerId],
      ['dataset', [c.dataset.name, c.dataset.split, c.dataset.evalSplit].filter(Boolean).join(' · ')],
      ['rank', String(c.rank)],
      ['learningRate', fmt.lr(c.learningRate)],
      ['adam', adam.length ? adam.map(([k, x]) => `${k} ${String(x)}`).join(', ') : v.adamDefaults],
      ['batchSize', fmt.int(c.batchSize)],
      ['maxLength', fmt.int(c.maxLength)],
      ['steps', c.steps !== undefined ? fmt.int(c.steps) : null],
      ['epochs', d.epochs !== null ? t.judge.epochs(d.epochs) : c.epochs !== undefined ? String(c.epochs) : null],
      ['evalEvery', fmt.int(c.evalEvery)],
      ['evalSetSize', fmt.int(c.evalSetSize)],
      ['heldOutFraction', c.heldOutFraction !== undefined ? fmt.percent(c.heldOutFraction) : null],
      ['trainOn', t.model.trainOnLabel[c.trainOn]],
      ['trainMlp', bool(c.trainMlp)],
      ['trainAttn', bool(c.trainAttn)],
      ['trainUnembed', bool(c.trainUnembed)],
      ['checkpointEvery', fmt.int(c.checkpointEvery)],
      ['keepCheckpoints', v.keep(c.keepCheckpoints)],
      ['earlyStop', c.earlyStop !== undefined ? v.patience(c.earlyStop) : v.off],
      ['seed', String(c.seed)],
      ['lookahead', String(c.lookahead)],
    ]
    return rows.filter((r): r is [string, string] => r[1] !== null).map(([k, x]) => [t.judge.configKeys[k] ?? k, x])
  }
}

/** Disk used by this run's checkpoints, measured on request, with the clean-up. */
function CheckpointDisk({ runId, onCleaned }: { runId: string; onCleaned: () => void }): React.JSX.Element {
  const { t, fmt } = useT()
  const [usage, setUsage] = useState<CheckpointUsage | CheckpointCleanup | null>(null)
  const [busy, setBusy] = useState<'clean' | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  useEffect(() => {
    let alive = true
    void api.checkpointUsage({ runId }).then((r) => alive && (r.ok ? setUsage(r.value) : setFailure(r)))
    return () => {
      alive = false
    }
  }, [runId])
  const clean = async (): Promise<void> => {
    setBusy('clean')
    setFailure(null)
    const r = await api.checkpointCleanup({ runId })
    setBusy(null)
    if (!r.ok) return setFailure(r)
    setUsage(r.value)
    onCleaned()
  }
  const run = usage?.runs[0] ?? null
  const cleaned = usage && 'deleted' in usage ? usage : null
  return (
    <div className="small" data-testid="run-disk" data-bytes={run?.bytes ?? ''}>
      <strong>{t.judge.disk.title}</strong>{' '}
      {run ? (run.bytes === null ? t.judge.disk.unknown : t.judge.disk.run(fmt.bytes(run.bytes), run.checkpoints.length)) : usage ? t.judge.disk.nothing : MISSING}{' '}
      {run && <span className="muted">{t.judge.disk.where(run.where)}</span>}
      {run && run.reclaimable > 0 && (
        <div className="row">
          <span>{t.judge.disk.reclaimable(run.reclaimableBytes === null ? MISSING : fmt.bytes(run.reclaimableBytes), run.reclaimable)}</span>
          <Button onClick={() => void clean()} busy={busy === 'clean'} disabled={busy !== null} data-testid="run-cleanup">{t.judge.disk.cleanUp}</Button>
        </div>
      )}
      {cleaned && <div>{cleaned.deleted > 0 ? t.judge.disk.cleaned(cleaned.deleted) : t.judge.disk.nothing} {cleaned.failed > 0 && t.judge.disk.failed(cleaned.failed)}</div>}
      {failure && <HintPanel failure={failure} />}
    </div>
  )
}

export function RunView(): React.JSX.Element {
  const { t, fmt } = useT()
  const configRows = useConfigRows()
  const [target, setTarget] = useState<CheckpointTarget>('best')
  const runId = useNav((s) => s.runId)
  const { go, openPlayground, openRun } = useNav.getState()
  const chart = useRef<ChartHandle>(null)
  const [detail, setDetail] = useState<RunDetail | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [renaming, setRenaming] = useState<string | null>(null)
  const [confirmDelete, setConfirmDelete] = useState(false)

  const [reload, setReload] = useState(0)
  useEffect(() => {
    if (runId) void api.runGet({ runId }).then((r) => (r.ok ? setDetail(r.value) : setFailure(r)))
  }, [runId, reload])
  if (!runId) return <div className="page muted">{t.history.empty}</div>

  const bestStep = detail?.bestCheckpoint ? (detail.judgement.best?.step ?? null) : null
  const exportTarget: CheckpointTarget = target === 'best' && bestStep !== null ? 'best' : 'final'
  const exportKind = async (kind: 'csv' | 'config' | 'python' | 'datums'): Promise<void> => {
    const r = await api.runExport({ runId, kind, checkpoint: exportTarget })
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
          <Button onClick={() => void exportKind('datums')} data-testid="export-datums" title={t.judge.datumsHelp}>{t.judge.exportDatums}</Button>
          {bestStep !== null && (
            <label className="inline-check small">
              <span className="nowrap">{t.judge.target.label}</span>
              <select className="input" value={exportTarget} onChange={(e) => setTarget(e.target.value as CheckpointTarget)} data-testid="export-target">
                <option value="best">{t.judge.target.best(bestStep)}</option>
                <option value="final">{t.judge.target.final(detail?.finalCheckpoint?.step ?? detail?.step ?? 0)}</option>
              </select>
            </label>
          )}
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
                configRows(detail).map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td className="mono">{v}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </Card>
        <Card title={t.run.checkpoints}>
          <table className="table small">
            <tbody>
              {detail?.checkpoints.map((c) => (
                <tr key={`${c.kind}:${c.path}`} data-testid="checkpoint-row" data-best={c.best ? 'true' : undefined}>
                  <td className="num">{fmt.int(c.step)}</td>
                  <td className="nowrap">
                    {t.judge.checkpoints.kind[c.kind]} {c.best && <Badge tone="ok">{t.judge.checkpoints.best}</Badge>} {c.path === detail.finalCheckpoint?.path && <Badge tone="info">{t.judge.checkpoints.final}</Badge>}
                  </td>
                  <td className="mono clamp">{c.path}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <CheckpointDisk runId={runId} onCleaned={() => setReload((n) => n + 1)} />
          {/* Mount point for the "Use this model" panel: it gets the weights chosen above (best, else final). */}
          <div data-testid="use-model-slot" data-checkpoint={(exportTarget === 'best' ? detail?.bestCheckpoint?.path : detail?.finalCheckpoint?.path) ?? ''} />
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
