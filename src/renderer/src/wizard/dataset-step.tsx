/**
 * Step 2: import a dataset from the hub (through the endpoint/mirror setting) or a local file, or pick one
 * already cached; see the import report with rejections, a paged preview and the offline badge.
 */
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { ConversationPage, DatasetSummary, ImportReportView, RejectionGroup, SplitInfo } from '../../../shared/contract'
import { escapeControlChars } from '../../../shared/text'
import { PREVIEW_PAGE_SIZE } from '../../../shared/defaults'
import type { Failure } from '../../../shared/result'
import { MISSING, labelOf } from '../../../shared/i18n'
import { useT } from '../i18n'
import { api } from '../api'
import { ConversationView } from '../components/conversation-view'
import { HintPanel } from '../components/hint-panel'
import { Badge, Button, Card, Field, ProgressBar } from '../components/ui'
import { useOp } from '../components/use-op'
import { useNav } from '../stores/nav-store'
import { useSettings } from '../stores/settings-store'
import { useWizard } from '../stores/wizard-store'
import { StepForm } from './step-form'

type Mode = 'hub' | 'file' | 'cached'
const DEFAULT_HUB_ID = 'HuggingFaceH4/no_robots'

function pickSplits(splits: SplitInfo[]): { trainSplit: string; evalSplit: string | null; rows: number } {
  const usable = splits.filter((s) => s.rows > 0)
  const train = usable.find((s) => s.split === 'train') ?? usable[0] ?? splits[0]
  const test = usable.find((s) => s.split === 'test' && s.split !== train?.split)
  return { trainSplit: train?.split ?? 'train', evalSplit: test?.split ?? null, rows: train?.rows ?? 0 }
}

export function DatasetStep(): React.JSX.Element {
  const { t } = useT()
  const { dataset, importReport, patch, setStep } = useWizard(useShallow((s) => ({ dataset: s.dataset, importReport: s.importReport, patch: s.patch, setStep: s.setStep })))
  const { settings, update } = useSettings(useShallow((s) => ({ settings: s.settings, update: s.update })))
  const openSettings = useNav((s) => s.openSettings)
  const [mode, setMode] = useState<Mode>('hub')
  const [repo, setRepo] = useState(DEFAULT_HUB_ID)
  const [split, setSplit] = useState('')
  const [path, setPath] = useState('')
  const [format, setFormat] = useState<'auto' | 'messages' | 'sharegpt' | 'alpaca'>('auto')
  const [endpoint, setEndpoint] = useState(settings?.hfEndpoint ?? '')
  const [cached, setCached] = useState<DatasetSummary[]>([])
  const [failure, setFailure] = useState<Failure | null>(null)
  const [rejections, setRejections] = useState<RejectionGroup[] | null>(importReport?.rejections ?? null)
  const op = useOp()
  const busy = op.opId !== null

  useEffect(() => {
    void api.datasetList().then((r) => r.ok && setCached(r.value))
  }, [importReport])
  // Follow the saved endpoint when it changes elsewhere (settings, a hint's mirror fix).
  const [seenEndpoint, setSeenEndpoint] = useState(settings?.hfEndpoint)
  if (seenEndpoint !== settings?.hfEndpoint) {
    setSeenEndpoint(settings?.hfEndpoint)
    setEndpoint(settings?.hfEndpoint ?? '')
  }

  const runImport = async (): Promise<void> => {
    setFailure(null)
    const opId = op.start('import')
    const source = mode === 'file' ? { kind: 'file' as const, path: path.trim(), ...(split.trim() ? { split: split.trim() } : {}) } : { kind: 'hub' as const, repo: repo.trim(), ...(split.trim() ? { split: split.trim() } : {}) }
    const r = await api.datasetImport({ opId, source, format })
    op.done()
    if (!r.ok) return setFailure(r)
    accept(r.value)
  }

  const accept = (report: ImportReportView): void => {
    setRejections(report.rejections)
    patch({ importReport: report, dataset: { name: report.name, ...pickSplits(report.splits) }, stats: null, previewRow: 0 })
  }

  const chooseCached = async (d: DatasetSummary): Promise<void> => {
    setFailure(null)
    patch({ importReport: null, dataset: { name: d.name, ...pickSplits(d.splits) }, stats: null, previewRow: 0 })
    const r = await api.datasetRejections({ name: d.name })
    setRejections(r.ok ? r.value.rejections : null)
  }

  const applyEndpoint = async (value: string | null): Promise<boolean> => update({ hfEndpoint: value })

  const splits: SplitInfo[] = importReport?.splits ?? cached.find((c) => c.name === dataset?.name)?.splits ?? []

  return (
    <StepForm title={t.dataset.title} intro={t.dataset.intro} testId="step-dataset" onBack={() => setStep('connect')} onContinue={() => setStep('model')} canContinue={!!dataset && dataset.rows > 0 && !busy}>
      <div className="segmented" role="tablist" aria-label={t.dataset.title}>
        {(['hub', 'file', 'cached'] as const).map((m) => (
          <button key={m} type="button" role="tab" aria-selected={mode === m} className={mode === m ? 'active' : ''} onClick={() => setMode(m)} data-testid={`source-${m}`}>
            {m === 'hub' ? t.dataset.fromHub : m === 'file' ? t.dataset.fromFile : t.dataset.cached(cached.length)}
          </button>
        ))}
      </div>

      {mode !== 'cached' && (
        <Card>
          <div className="grid-3">
            {mode === 'hub' ? (
              <Field label={t.dataset.hubId}>{(id) => <input id={id} className="input mono" value={repo} onChange={(e) => setRepo(e.target.value)} spellCheck={false} data-testid="hub-id" />}</Field>
            ) : (
              <Field label={t.dataset.filePath}>{(id) => <input id={id} className="input mono" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} data-testid="file-path" />}</Field>
            )}
            <Field label={t.dataset.split}>{(id) => <input id={id} className="input mono" value={split} placeholder={t.dataset.splitPlaceholder} onChange={(e) => setSplit(e.target.value)} data-testid="split" />}</Field>
            <Field label={t.dataset.format}>
              {(id) => (
                <select id={id} className="input" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
                  {Object.entries(t.dataset.formats).map(([v, l]) => (
                    <option key={v} value={v}>{l}</option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          {mode === 'hub' && settings && (
            <div className="endpoint-row">
              <Field label={t.dataset.endpoint} help={t.dataset.endpointHelp(settings.hfEndpointEffective, settings.hfEndpointSource)}>
                {(id) => <input id={id} className="input mono" value={endpoint} placeholder={settings.hfEndpointEffective} onChange={(e) => setEndpoint(e.target.value)} spellCheck={false} data-testid="hf-endpoint" />}
              </Field>
              <Button onClick={() => void applyEndpoint(endpoint.trim() || null)} disabled={busy || (endpoint.trim() || null) === settings.hfEndpoint}>{t.dataset.endpointSave}</Button>
            </div>
          )}
          <div className="row">
            <Button variant="primary" onClick={() => void runImport()} busy={busy} disabled={busy || (mode === 'hub' ? !repo.trim() : !path.trim())} data-testid="import">
              {busy ? t.dataset.importing : t.dataset.import}
            </Button>
            {busy && (
              <div className="grow">
                <ProgressBar testId="import-progress" label={labelOf(t.progressPhase, op.progress?.phase) ?? t.common.working} current={op.progress?.current ?? 0} total={op.progress?.total ?? 0} />
              </div>
            )}
          </div>
        </Card>
      )}

      {mode === 'cached' && (
        <Card>
          {cached.length === 0 ? (
            <div className="muted">{t.dataset.noneCached}</div>
          ) : (
            <ul className="choice-list">
              {cached.map((d) => (
                <li key={d.name}>
                  <label className={`choice${dataset?.name === d.name ? ' selected' : ''}`}>
                    <input type="radio" name="cached" checked={dataset?.name === d.name} onChange={() => void chooseCached(d)} />
                    <span className="mono">{d.name}</span>
                    <span className="muted small">{d.splits.map((s) => t.dataset.splitRows(s.split, s.rows)).join(' · ')}</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}

      {failure && (
        <HintPanel
          failure={failure}
          handlers={{
            retry: () => runImport(),
            setEndpoint: async (ep) => {
              if (await applyEndpoint(ep)) await runImport()
            },
            openSettings,
          }}
        />
      )}

      {dataset && (
        <Card
          testId="import-report"
          title={
            <>
              {t.dataset.report}: <span className="mono">{dataset.name}</span> {importReport?.fromCache && <Badge tone="info" testId="offline-badge">{t.dataset.offline}</Badge>}
            </>
          }
        >
          <div className="split-stats">
            {splits.map((s) => (
              <div key={s.split} className="split-stat" data-testid={`split-${s.split}`}>
                <div className="mono strong">{s.split}</div>
                <div>{t.dataset.rows(s.rows)}</div>
                <div className={s.rejected ? 'warn-text' : 'muted'}>{t.dataset.rejected(s.rejected)}</div>
              </div>
            ))}
            <div className="split-choose">
              <Field label={t.dataset.trainSplit}>
                {(id) => (
                  <select id={id} className="input" value={dataset.trainSplit} onChange={(e) => patch({ dataset: { ...dataset, trainSplit: e.target.value, rows: splits.find((s) => s.split === e.target.value)?.rows ?? 0 } })}>
                    {splits.map((s) => (
                      <option key={s.split} value={s.split}>{s.split}</option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t.dataset.evalSplit}>
                {(id) => (
                  <select id={id} className="input" value={dataset.evalSplit ?? ''} onChange={(e) => patch({ dataset: { ...dataset, evalSplit: e.target.value || null } })}>
                    <option value="">{t.dataset.evalHeldOut}</option>
                    {splits.filter((s) => s.split !== dataset.trainSplit).map((s) => (
                      <option key={s.split} value={s.split}>{s.split}</option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          </div>
          <Rejections groups={rejections} />
        </Card>
      )}

      {dataset && <Preview key={`${dataset.name}:${dataset.trainSplit}`} name={dataset.name} splits={splits.map((s) => s.split)} initial={dataset.trainSplit} />}
    </StepForm>
  )
}

function Rejections({ groups }: { groups: RejectionGroup[] | null }): React.JSX.Element | null {
  const { t, fmt } = useT()
  if (!groups) return null
  if (groups.length === 0) return <div className="muted small" data-testid="rejections-none">{t.dataset.noRejections}</div>
  return (
    <details className="rejections" open data-testid="rejections">
      <summary>{t.dataset.rejections}</summary>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t.dataset.reason}</th>
            <th scope="col" className="num">{t.dataset.count}</th>
            <th scope="col">{t.dataset.examples}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.reason}>
              <td>{g.reason}</td>
              <td className="num">{fmt.int(g.count)}</td>
              <td className="mono small clamp">{escapeControlChars(g.examples.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n'))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  )
}

function Preview({ name, splits, initial }: { name: string; splits: string[]; initial: string }): React.JSX.Element {
  const { t } = useT()
  const [split, setSplit] = useState(initial)
  const [offset, setOffset] = useState(0)
  const [page, setPage] = useState<ConversationPage | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  useEffect(() => {
    let live = true
    void api.datasetPage({ name, split, offset, limit: PREVIEW_PAGE_SIZE }).then((r) => {
      if (!live) return
      if (r.ok) {
        setPage(r.value)
        setFailure(null)
      } else setFailure(r)
    })
    return () => {
      live = false
    }
  }, [name, split, offset])
  const total = page?.total ?? 0
  return (
    <Card
      testId="preview"
      title={t.dataset.preview}
      actions={
        <>
          <select className="input compact" aria-label={t.dataset.previewSplit} value={split} onChange={(e) => (setSplit(e.target.value), setOffset(0))}>
            {splits.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
          <Button variant="ghost" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PREVIEW_PAGE_SIZE))} data-testid="preview-prev">{t.common.previous}</Button>
          <span className="muted small" data-testid="preview-range">{total ? t.dataset.page(offset + 1, Math.min(offset + PREVIEW_PAGE_SIZE, total), total) : MISSING}</span>
          <Button variant="ghost" disabled={offset + PREVIEW_PAGE_SIZE >= total} onClick={() => setOffset(offset + PREVIEW_PAGE_SIZE)} data-testid="preview-next">{t.common.next}</Button>
        </>
      }
    >
      {failure && <HintPanel failure={failure} />}
      <div className="conv-list">
        {page?.rows.map((r) => (
          <ConversationView key={r.index} index={r.index} messages={r.messages} />
        ))}
      </div>
    </Card>
  )
}
