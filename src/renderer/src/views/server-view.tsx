/**
 * The "Server" view: what the API key owns on the connected server (TuFT console parity) — every training run,
 * including those started from a notebook, with its checkpoints, sizes and expiry where reported; publish,
 * unpublish and delete (after a confirmation); "Use this model" for sampler checkpoints; runs TuFT Studio trained
 * link to their history. Below, the app's own finished runs the server no longer lists (their model was unloaded
 * to free the GPU), with their checkpoints from local history, so every checkpoint the app made can be found.
 */
import { Fragment, useEffect, useState } from 'react'
import type { Failure } from '../../../shared/result'
import type { ServerCheckpointView, ServerRunDetail, ServerRunsView, UnloadedRunView } from '../../../shared/server-browser'
import { useT } from '../i18n'
import { api } from '../api'
import { DownloadAdapter } from '../components/download-adapter'
import { HintPanel } from '../components/hint-panel'
import { Badge, Button, Card } from '../components/ui'
import { UseModelPanel } from '../components/use-model-panel'
import { useNav } from '../stores/nav-store'
import { StatusBadge } from './history'

export function ServerView(): React.JSX.Element {
  const { t, fmt } = useT()
  const s = t.serverBrowser
  const [view, setView] = useState<ServerRunsView | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [loading, setLoading] = useState(true)
  const [reads, setReads] = useState(0)
  const [expanded, setExpanded] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    void api.serverRuns({}).then((r) => {
      if (!live) return
      setLoading(false)
      setFailure(r.ok ? null : r)
      if (r.ok) setView(r.value)
    })
    return () => {
      live = false
    }
  }, [reads])
  const load = (): void => {
    setLoading(true)
    setReads((n) => n + 1)
  }

  const c = s.cols
  return (
    <div className="page" data-testid="server-view">
      <div className="page-head">
        <div>
          <h1>{s.title}</h1>
          <p className="lead">{s.intro}</p>
          {view && <div className="muted small mono" data-testid="server-url">{s.server(view.server)}</div>}
        </div>
        <Button onClick={load} busy={loading} data-testid="server-refresh">{s.refresh}</Button>
      </div>
      {failure && <HintPanel failure={failure} handlers={{ retry: load, openSettings: useNav.getState().openSettings }} />}
      {!view && loading && <div className="muted">{t.common.working}</div>}
      {view && (
        <Card>
          {view.runs.length === 0 ? (
            <div className="muted" data-testid="server-empty">{s.empty}</div>
          ) : (
            <table className="table server-runs" data-testid="server-runs">
              <thead>
                <tr>
                  <th scope="col">{c.run}</th>
                  <th scope="col">{c.baseModel}</th>
                  <th scope="col" className="num">{c.rank}</th>
                  <th scope="col">{c.lastRequest}</th>
                  <th scope="col">{c.local}</th>
                  <th scope="col">{c.actions}</th>
                </tr>
              </thead>
              <tbody>
                {view.runs.map((r) => (
                  <Fragment key={r.trainingRunId}>
                    <tr data-testid="server-run" data-run={r.trainingRunId}>
                      <td className="mono clamp">
                        {r.trainingRunId} {r.corrupted && <Badge tone="error">{s.corrupted}</Badge>}
                        {r.owner && <div className="muted small">{s.owner(r.owner)}</div>}
                      </td>
                      <td className="mono">{r.baseModel}</td>
                      <td className="num">{r.loraRank ?? t.common.notReported}</td>
                      <td className="nowrap small">{r.lastRequestTime ? fmt.dateTime(r.lastRequestTime) : t.common.notReported}</td>
                      <td>
                        <LocalLink link={r.localRun} />
                      </td>
                      <td>
                        <Button variant="ghost" onClick={() => setExpanded((x) => (x === r.trainingRunId ? null : r.trainingRunId))} aria-expanded={expanded === r.trainingRunId} data-testid="server-run-toggle">
                          {expanded === r.trainingRunId ? s.hideCheckpoints : s.showCheckpoints}
                        </Button>
                      </td>
                    </tr>
                    {expanded === r.trainingRunId && (
                      <tr className="detail-row">
                        <td colSpan={6}>
                          <RunCheckpoints trainingRunId={r.trainingRunId} server={view.server} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      )}
      {view && view.unloaded.length > 0 && <UnloadedRuns runs={view.unloaded} server={view.server} />}
    </div>
  )
}

function LocalLink({ link }: { link: ServerRunsView['runs'][number]['localRun'] }): React.JSX.Element {
  const { t } = useT()
  const openRun = useNav((n) => n.openRun)
  if (!link) return <Badge>{t.serverBrowser.notFromApp}</Badge>
  return (
    <span className="row">
      <button type="button" className="linklike" onClick={() => openRun(link.runId)} data-testid="open-local-run">
        {link.name}
      </button>
      <StatusBadge status={link.status} />
    </span>
  )
}

/** One server run's checkpoints, read when the row is opened, with the server-side actions. */
function RunCheckpoints({ trainingRunId, server }: { trainingRunId: string; server: string }): React.JSX.Element {
  const { t } = useT()
  const [detail, setDetail] = useState<ServerRunDetail | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [reads, setReads] = useState(0)
  useEffect(() => {
    let live = true
    void api.serverRun({ server, trainingRunId }).then((r) => {
      if (!live) return
      setFailure(r.ok ? null : r)
      if (r.ok) setDetail(r.value)
    })
    return () => {
      live = false
    }
  }, [server, trainingRunId, reads])
  const load = (): void => setReads((n) => n + 1)

  if (failure) return <HintPanel failure={failure} handlers={{ retry: load }} />
  if (!detail) return <div className="muted small">{t.common.working}</div>
  if (detail.checkpoints.length === 0) return <div className="muted small">{t.serverBrowser.noCheckpoints}</div>
  return (
    <CheckpointTable
      checkpoints={detail.checkpoints}
      server={server}
      onChanged={(next) => setDetail((d) => (d ? { ...d, checkpoints: next(d.checkpoints) } : d))}
    />
  )
}

function UnloadedRuns({ runs, server }: { runs: UnloadedRunView[]; server: string }): React.JSX.Element {
  const { t, fmt } = useT()
  const s = t.serverBrowser
  return (
    <Card title={s.unloadedTitle} testId="unloaded-runs">
      <div className="muted small">{s.unloadedIntro}</div>
      {runs.map((r) => (
        <div key={r.trainingRunId} className="unloaded-run" data-testid="unloaded-run" data-run={r.trainingRunId}>
          <div className="row">
            <LocalLink link={r.localRun} />
            <Badge tone="warn">{s.unloaded}</Badge>
            <Badge>{s.fromHistory}</Badge>
            <span className="mono small muted">{r.trainingRunId}</span>
            <span className="mono small">{r.baseModel}</span>
            {r.loraRank !== null && <span className="small muted">{s.cols.rank} {r.loraRank}</span>}
            <span className="small muted">{fmt.dateTime(r.updatedAt)}</span>
          </div>
          <CheckpointTable checkpoints={r.checkpoints} server={server} unlisted />
        </div>
      ))}
    </Card>
  )
}

/**
 * Checkpoints with their actions. `unlisted`: the server no longer lists the run, so only what works on a sampler
 * path alone is offered (Use this model); publish, unpublish and delete need the run.
 */
function CheckpointTable({
  checkpoints,
  server,
  unlisted = false,
  onChanged,
}: {
  checkpoints: ServerCheckpointView[]
  server: string
  unlisted?: boolean
  onChanged?: (update: (all: ServerCheckpointView[]) => ServerCheckpointView[]) => void
}): React.JSX.Element {
  const { t, fmt } = useT()
  const s = t.serverBrowser
  const [confirm, setConfirm] = useState<string | null>(null)
  const [using, setUsing] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)

  const publish = async (ck: ServerCheckpointView): Promise<void> => {
    setBusy(ck.tinkerPath)
    setFailure(null)
    try {
      const r = await api.serverCheckpointPublish({ server, tinkerPath: ck.tinkerPath, public: !ck.public })
      if (!r.ok) return setFailure(r)
      onChanged?.((all) => all.map((x) => (x.tinkerPath === ck.tinkerPath ? { ...x, public: r.value.public } : x)))
    } finally {
      setBusy(null)
    }
  }
  const remove = async (ck: ServerCheckpointView): Promise<void> => {
    setBusy(ck.tinkerPath)
    setFailure(null)
    try {
      const r = await api.serverCheckpointDelete({ server, tinkerPath: ck.tinkerPath })
      if (!r.ok) return setFailure(r)
      setConfirm(null)
      if (using === ck.tinkerPath) setUsing(null)
      onChanged?.((all) => all.filter((x) => x.tinkerPath !== ck.tinkerPath))
    } finally {
      setBusy(null)
    }
  }

  return (
    <div className="checkpoints">
      <table className="table small" data-testid="server-checkpoints">
        <thead>
          <tr>
            <th scope="col">{s.cols.checkpoint}</th>
            <th scope="col">{s.cols.type}</th>
            <th scope="col">{s.cols.saved}</th>
            <th scope="col" className="num">{s.size}</th>
            <th scope="col">{s.expires}</th>
            <th scope="col">{s.cols.actions}</th>
          </tr>
        </thead>
        <tbody>
          {checkpoints.map((ck) => (
            <Fragment key={ck.tinkerPath}>
              <tr data-testid="server-checkpoint" data-path={ck.tinkerPath}>
                <td className="mono clamp">
                  {ck.tinkerPath}
                  {ck.localStep !== null && <div className="muted small">{s.step(ck.localStep)}</div>}
                </td>
                <td>
                  {s.checkpointType[ck.type] ?? ck.type} {ck.public && <Badge tone="info">{s.public}</Badge>}
                </td>
                <td className="nowrap">{fmt.dateTime(ck.time)}</td>
                <td className="num">{ck.sizeBytes === null ? t.common.notReported : fmt.bytes(ck.sizeBytes)}</td>
                <td className="nowrap">{unlisted ? t.common.notReported : ck.expiresAt ? fmt.dateTime(ck.expiresAt) : s.never}</td>
                <td>
                  <div className="row">
                    {ck.type === 'sampler' && (
                      <Button variant={using === ck.tinkerPath ? 'primary' : 'secondary'} onClick={() => setUsing((x) => (x === ck.tinkerPath ? null : ck.tinkerPath))} data-testid="checkpoint-use">
                        {s.useModel}
                      </Button>
                    )}
                    {!unlisted && (
                      <>
                        <Button variant="ghost" onClick={() => void publish(ck)} busy={busy === ck.tinkerPath && confirm !== ck.tinkerPath} disabled={busy !== null} data-testid="checkpoint-publish">
                          {ck.public ? s.unpublish : s.publish}
                        </Button>
                        <Button variant="danger" onClick={() => setConfirm(ck.tinkerPath)} disabled={busy !== null} data-testid="checkpoint-delete">
                          {s.delete}
                        </Button>
                      </>
                    )}
                  </div>
                  <DownloadAdapter server={server} tinkerPath={ck.tinkerPath} />
                  {confirm === ck.tinkerPath && (
                    <div className="confirm" role="alertdialog" aria-label={s.delete}>
                      <span className="small">{s.confirmDelete(ck.tinkerPath)}</span>
                      <Button variant="danger" onClick={() => void remove(ck)} busy={busy === ck.tinkerPath} data-testid="checkpoint-confirm-delete">
                        {t.common.delete}
                      </Button>
                      <Button variant="ghost" onClick={() => setConfirm(null)}>{t.common.cancel}</Button>
                    </div>
                  )}
                </td>
              </tr>
              {using === ck.tinkerPath && (
                <tr className="detail-row">
                  <td colSpan={6}>
                    <UseModelPanel tinkerPath={ck.tinkerPath} server={server} startOpen onClose={() => setUsing(null)} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {failure && <HintPanel failure={failure} />}
    </div>
  )
}
