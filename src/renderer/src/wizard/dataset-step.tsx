/**
 * Step 2: a chat dataset from the sample that ships with the app, the hub (through the endpoint in the field),
 * a file on this computer (chosen, or dropped anywhere on the step), or one imported before. Offline with the
 * sandbox and nothing imported, the sample is chosen for you. Every import shows progress and can be
 * cancelled; the report shows the format, rejected rows and warned rows in words.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { DatasetFormat, DatasetSummary, HubProbe, ImportReportView, RejectionGroup, SplitInfo, WarningGroup } from '../../../shared/contract'
import { HF_MIRROR_ENDPOINT } from '../../../shared/hf-mirror'
import { labelOf } from '../../../shared/i18n'
import { useT } from '../i18n'
import { api } from '../api'
import { HintPanel, isHubFailure } from '../components/hint-panel'
import { Button, Card, Field, Notice, ProgressBar } from '../components/ui'
import { fieldErrors } from '../lib/field-errors'
import { droppedFile, isDesktop } from '../lib/pick-files'
import { useNav } from '../stores/nav-store'
import { useSettings } from '../stores/settings-store'
import { useWizard } from '../stores/wizard-store'
import { DatasetPreview, DatasetReport } from './dataset-report'
import { StepForm } from './step-form'
import { useDatasetImport } from './use-dataset-import'

type Mode = 'sample' | 'hub' | 'file' | 'cached'
const MODES: Mode[] = ['sample', 'hub', 'file', 'cached']
const DEFAULT_HUB_ID = 'HuggingFaceH4/no_robots'

function pickSplits(splits: SplitInfo[]): { trainSplit: string; evalSplit: string | null; rows: number } {
  const usable = splits.filter((s) => s.rows > 0)
  const train = usable.find((s) => s.split === 'train') ?? usable[0] ?? splits[0]
  const test = usable.find((s) => s.split === 'test' && s.split !== train?.split)
  return { trainSplit: train?.split ?? 'train', evalSplit: test?.split ?? null, rows: train?.rows ?? 0 }
}

/** Enter in a field imports (the step's form would otherwise take it as Continue). */
const enterRuns =
  (action: () => void) =>
  (e: React.KeyboardEvent): void => {
    if (e.key !== 'Enter') return
    e.preventDefault()
    action()
  }

export function DatasetStep(): React.JSX.Element {
  const { t, fmt } = useT()
  const { dataset, importReport, patch, setStep } = useWizard(useShallow((s) => ({ dataset: s.dataset, importReport: s.importReport, patch: s.patch, setStep: s.setStep })))
  const { settings, update } = useSettings(useShallow((s) => ({ settings: s.settings, update: s.update })))
  const openSettings = useNav((s) => s.openSettings)
  const [mode, setModeState] = useState<Mode>('hub')
  /** The user chose a tab or typed: the step no longer switches tabs by itself. */
  const touched = useRef(false)
  const setMode = (m: Mode): void => {
    touched.current = true
    setModeState(m)
  }
  const [repo, setRepo] = useState(DEFAULT_HUB_ID)
  const [split, setSplit] = useState('')
  const [format, setFormat] = useState<'auto' | DatasetFormat>('auto')
  const [endpoint, setEndpoint] = useState(settings?.hfEndpoint ?? '')
  const [remembered, setRemembered] = useState<string | null>(null)
  const [cached, setCached] = useState<DatasetSummary[] | null>(null)
  const [probe, setProbe] = useState<HubProbe | 'checking' | null>(null)
  const [autoSample, setAutoSample] = useState<string | null>(null)
  const [groups, setGroups] = useState<{ rejections: RejectionGroup[]; warnings: WarningGroup[]; format: DatasetFormat } | null>(
    importReport ? { rejections: importReport.rejections, warnings: importReport.warnings, format: importReport.format } : null,
  )
  const [dragging, setDragging] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)
  const endpointInput = useRef<HTMLInputElement>(null)

  const accept = useCallback(
    (report: ImportReportView): void => {
      setGroups({ rejections: report.rejections, warnings: report.warnings, format: report.format })
      patch({ importReport: report, dataset: { name: report.name, ...pickSplits(report.splits) }, stats: null, previewRow: 0 })
    },
    [patch],
  )
  const imp = useDatasetImport(accept)
  const { busy, failure } = imp

  // First visit: open where something can be chosen. Imported datasets first; else, when the hub cannot be
  // reached from here, say so — and with the sandbox (trying things out) take the sample that ships with the app.
  const firstVisit = useRef(dataset === null)
  const importSample = useRef(imp.importSample)
  useEffect(() => {
    importSample.current = imp.importSample
  })
  useEffect(() => {
    let live = true
    void api.datasetList().then((r) => {
      if (!live || !r.ok) return
      setCached(r.value)
      if (!firstVisit.current) return
      firstVisit.current = false
      if (r.value.length > 0) {
        if (!touched.current) setModeState('cached')
        return
      }
      setProbe('checking')
      void api.hubProbe({}).then((p) => {
        setProbe(p.ok ? p.value : null)
        if (!p.ok || p.value.reachable || touched.current || useWizard.getState().dataset) return
        if (useSettings.getState().connection?.isSandbox) {
          setModeState('sample')
          setAutoSample(p.value.endpoint)
          void importSample.current()
        }
      })
    })
    return () => {
      live = false
    }
  }, [importReport])

  // Follow the saved endpoint when it changes elsewhere (Settings, a hint's mirror fix).
  const [seenEndpoint, setSeenEndpoint] = useState(settings?.hfEndpoint)
  if (seenEndpoint !== settings?.hfEndpoint) {
    setSeenEndpoint(settings?.hfEndpoint)
    setEndpoint(settings?.hfEndpoint ?? '')
  }

  const typedEndpoint = endpoint.trim() || null
  const runHub = async (): Promise<void> => {
    if (!repo.trim()) return
    if (await imp.importHub(repo.trim(), split.trim(), format, typedEndpoint)) {
      // An endpoint that just worked becomes the setting (tokenizer downloads use it too).
      if (typedEndpoint && typedEndpoint !== settings?.hfEndpoint && (await update({ hfEndpoint: typedEndpoint }))) setRemembered(typedEndpoint)
    }
  }
  const chooseFile = (): void => {
    setMode('file')
    if (isDesktop()) void imp.pickAndImport(split.trim(), format)
    else fileInput.current?.click()
  }
  const reimportFile = (): void => {
    if (imp.picked) void imp.importPicked(imp.picked, split.trim(), format)
    else chooseFile()
  }
  const runImport = (): void => {
    if (busy) return
    if (mode === 'hub') void runHub()
    else if (mode === 'file') reimportFile()
    else if (mode === 'sample') void imp.importSample()
  }
  const importDropped = (file: File): void => {
    setMode('file')
    void imp.importFile(file, split.trim(), format)
  }

  const chooseCached = async (d: DatasetSummary): Promise<void> => {
    imp.setFailure(null)
    patch({ importReport: null, dataset: { name: d.name, ...pickSplits(d.splits) }, stats: null, previewRow: 0 })
    const r = await api.datasetRejections({ name: d.name })
    setGroups(r.ok ? { rejections: r.value.rejections, warnings: r.value.warnings, format: r.value.format } : null)
  }

  const splits: SplitInfo[] = importReport?.splits ?? cached?.find((c) => c.name === dataset?.name)?.splits ?? []
  const fields = fieldErrors(failure, { t, fmt })
  const unreachable = probe !== null && probe !== 'checking' && !probe.reachable ? probe.endpoint : null
  const mirror = HF_MIRROR_ENDPOINT
  const progressLabel = labelOf(t.progressPhase, imp.progress?.phase) ?? t.common.working

  const sampleAction = <Button key="sample" onClick={() => (setMode('sample'), void imp.importSample())} data-testid="use-sample">{t.dataset.useSample}</Button>
  const fileAction = <Button key="file" onClick={chooseFile} data-testid="choose-file">{t.dataset.chooseFile}</Button>

  return (
    <StepForm title={t.dataset.title} intro={t.dataset.intro} testId="step-dataset" onBack={() => setStep('connect')} onContinue={() => setStep('model')} canContinue={!!dataset && dataset.rows > 0 && !busy}>
      <div
        className={`drop-target${dragging ? ' dragging' : ''}`}
        data-testid="dataset-drop"
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes('Files')) return
          e.preventDefault()
          e.dataTransfer.dropEffect = 'copy'
          setDragging(true)
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false)
        }}
        onDrop={(e) => {
          e.preventDefault()
          setDragging(false)
          const file = droppedFile(e.dataTransfer)
          if (file && !busy) importDropped(file)
        }}
      >
        {dragging && <div className="drop-overlay" aria-hidden="true">{t.dataset.dropToImport}</div>}
        <input
          ref={fileInput}
          type="file"
          hidden
          accept=".jsonl,.json,.parquet"
          data-testid="file-input"
          onChange={(e) => {
            const file = e.target.files?.[0]
            e.target.value = ''
            if (file) importDropped(file)
          }}
        />
        <div className="segmented" role="tablist" aria-label={t.dataset.title}>
          {MODES.map((m) => (
            <button key={m} type="button" role="tab" aria-selected={mode === m} className={mode === m ? 'active' : ''} onClick={() => setMode(m)} data-testid={`source-${m}`}>
              {m === 'sample' ? t.dataset.fromSample : m === 'hub' ? t.dataset.fromHub : m === 'file' ? t.dataset.fromFile : t.dataset.cached(cached?.length ?? 0)}
            </button>
          ))}
        </div>

        {autoSample && mode === 'sample' && <Notice tone="info" testId="sample-chosen">{t.dataset.sampleChosenOffline(autoSample)}</Notice>}

        {mode === 'sample' && (
          <Card testId="sample-card" title={<span className="mono">{t.dataset.sampleTitle}</span>}>
            <p className="muted">{t.dataset.sampleText}</p>
            <div className="row">
              <Button variant="primary" onClick={() => void imp.importSample()} busy={busy} disabled={busy} data-testid="import">
                {t.dataset.useSample}
              </Button>
            </div>
          </Card>
        )}

        {mode === 'hub' && (
          <Card>
            {probe === 'checking' && <div className="muted small" data-testid="hub-checking">{t.dataset.hubChecking(settings?.hfEndpointEffective ?? '')}</div>}
            {unreachable && !failure && <Notice tone="warning" testId="hub-unreachable">{t.dataset.hubUnreachable(unreachable)}</Notice>}
            <div className="grid-3">
              <Field label={t.dataset.hubId} error={fields.repo}>
                {(id) => <input id={id} className="input mono" value={repo} onChange={(e) => ((touched.current = true), setRepo(e.target.value))} onKeyDown={enterRuns(runImport)} spellCheck={false} data-testid="hub-id" />}
              </Field>
              <Field label={t.dataset.split} error={fields.split}>
                {(id) => <input id={id} className="input mono" value={split} placeholder={t.dataset.splitPlaceholder} onChange={(e) => setSplit(e.target.value)} onKeyDown={enterRuns(runImport)} data-testid="split" />}
              </Field>
              <FormatField value={format} onChange={setFormat} />
            </div>
            {settings && (
              <div className="endpoint-row">
                <Field label={t.dataset.endpoint} error={fields.endpoint} help={t.dataset.endpointHelp(settings.hfEndpointEffective, settings.hfEndpointSource)}>
                  {(id) => (
                    <input
                      id={id}
                      ref={endpointInput}
                      className="input mono"
                      value={endpoint}
                      placeholder={settings.hfEndpointEffective}
                      onChange={(e) => ((touched.current = true), setEndpoint(e.target.value))}
                      onKeyDown={enterRuns(runImport)}
                      spellCheck={false}
                      data-testid="hf-endpoint"
                    />
                  )}
                </Field>
                {typedEndpoint !== mirror && <Button onClick={() => setEndpoint(mirror)} disabled={busy}>{t.dataset.endpointMirror(mirror)}</Button>}
                {settings.hfEndpoint && <Button variant="ghost" onClick={() => void update({ hfEndpoint: null })} disabled={busy}>{t.dataset.endpointReset}</Button>}
              </div>
            )}
            {remembered && <div className="muted small" data-testid="endpoint-remembered">{t.dataset.endpointRemembered(remembered)}</div>}
            <ImportRow label={busy ? t.dataset.importing : t.dataset.import} onImport={runImport} disabled={!repo.trim()} imp={imp} progressLabel={progressLabel} />
          </Card>
        )}

        {mode === 'file' && (
          <Card>
            <div className="grid-3">
              <Field label={t.dataset.file} error={fields.file}>
                {(id) => (
                  <div className={`file-pick${fields.file ? ' invalid' : ''}`} data-testid="file-field">
                    <Button id={id} onClick={chooseFile} disabled={busy} data-testid="choose-file">{t.dataset.chooseFile}</Button>
                    <span className="muted small">{t.dataset.dropHere}</span>
                    <div className="mono small" data-testid="file-chosen">{imp.picked ? t.dataset.fileChosen(imp.picked.name, fmt.bytes(imp.picked.size)) : t.dataset.fileNone}</div>
                  </div>
                )}
              </Field>
              <Field label={t.dataset.split} error={fields.split}>
                {(id) => <input id={id} className="input mono" value={split} placeholder={t.dataset.splitPlaceholder} onChange={(e) => setSplit(e.target.value)} onKeyDown={enterRuns(runImport)} data-testid="split" />}
              </Field>
              <FormatField value={format} onChange={setFormat} />
            </div>
            <ImportRow label={busy ? t.dataset.importing : t.dataset.import} onImport={runImport} disabled={false} imp={imp} progressLabel={progressLabel} />
          </Card>
        )}

        {mode === 'cached' && (
          <Card testId="cached-card">
            {cached && cached.length === 0 ? (
              <div className="empty-choices" data-testid="cached-empty">
                <p className="muted">{t.dataset.noneCached}</p>
                <div className="row">
                  {sampleAction}
                  <Button onClick={() => setMode('hub')}>{t.dataset.fromHub}</Button>
                  {fileAction}
                </div>
              </div>
            ) : (
              <ul className="choice-list">
                {(cached ?? []).map((d) => (
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

        {mode === 'sample' && busy && <ProgressBar testId="import-progress" label={progressLabel} current={imp.progress?.current ?? 0} total={imp.progress?.total ?? 0} />}

        {failure && (
          <HintPanel
            failure={failure}
            handlers={{
              retry: () => runImport(),
              setEndpoint: (ep) => {
                setEndpoint(ep)
                setMode('hub')
                void imp.importHub(repo.trim(), split.trim(), format, ep).then(async (done) => {
                  if (done && ep !== settings?.hfEndpoint && (await update({ hfEndpoint: ep }))) setRemembered(ep)
                })
              },
              openSettings,
            }}
            extra={
              isHubFailure(failure) ? (
                <>
                  <Button onClick={() => (setMode('hub'), endpointInput.current?.focus())} data-testid="hint-another-mirror">{t.hint.anotherMirror}</Button>
                  <Button onClick={chooseFile} data-testid="hint-choose-file">{t.hint.chooseFile}</Button>
                  <Button onClick={() => (setMode('sample'), void imp.importSample())} data-testid="hint-use-sample">{t.hint.useSample}</Button>
                </>
              ) : undefined
            }
          />
        )}

        {dataset && (
          <DatasetReport
            dataset={dataset}
            splits={splits}
            format={groups?.format ?? null}
            fromCache={!!importReport?.fromCache}
            rejections={groups?.rejections ?? null}
            warnings={groups?.warnings ?? null}
            onChange={(d) => patch({ dataset: d })}
          />
        )}

        {dataset && <DatasetPreview key={`${dataset.name}:${dataset.trainSplit}`} name={dataset.name} splits={splits.map((s) => s.split)} initial={dataset.trainSplit} />}
      </div>
    </StepForm>
  )
}

function FormatField({ value, onChange }: { value: 'auto' | DatasetFormat; onChange: (f: 'auto' | DatasetFormat) => void }): React.JSX.Element {
  const { t } = useT()
  return (
    <Field label={t.dataset.format}>
      {(id) => (
        <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value as 'auto' | DatasetFormat)} data-testid="format">
          {Object.entries(t.dataset.formats).map(([v, l]) => (
            <option key={v} value={v}>{l}</option>
          ))}
        </select>
      )}
    </Field>
  )
}

/** Import, and while it runs: what it is doing (indeterminate while its size is unknown) and Cancel. */
function ImportRow(props: { label: string; onImport: () => void; disabled: boolean; imp: ReturnType<typeof useDatasetImport>; progressLabel: string }): React.JSX.Element {
  const { t } = useT()
  const { imp } = props
  return (
    <div className="row">
      <Button variant="primary" onClick={props.onImport} busy={imp.busy} disabled={imp.busy || props.disabled} data-testid="import">
        {props.label}
      </Button>
      {imp.busy && (
        <>
          <div className="grow">
            <ProgressBar testId="import-progress" label={props.progressLabel} current={imp.progress?.current ?? 0} total={imp.progress?.total ?? 0} />
          </div>
          <Button onClick={imp.cancel} data-testid="import-cancel">{t.common.cancel}</Button>
        </>
      )}
    </div>
  )
}
