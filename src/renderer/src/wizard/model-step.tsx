/**
 * Step 3: the base model (from the server's capabilities), its tokenizer (downloaded with progress, or a
 * folder on this machine when the hub cannot serve it), the chat template of one conversation with each token
 * coloured by its loss weight and the max-length cut, train-on-what, and the token-length histogram with the
 * share truncated at the chosen max length.
 */
import { useCallback, useEffect, useMemo, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { ExamplePreview } from '../../../shared/contract'
import type { Failure } from '../../../shared/result'
import { labelOf } from '../../../shared/i18n'
import { useT } from '../i18n'
import { api } from '../api'
import { HistogramChart } from '../charts/histogram-chart'
import { HintPanel, isHubFailure } from '../components/hint-panel'
import { TokenView } from '../components/token-view'
import { Badge, Button, Card, Field, ProgressBar } from '../components/ui'
import { newOpId, useOps } from '../stores/ops-store'
import { useSettings } from '../stores/settings-store'
import { tokenizerFor, useWizard, type TrainOn } from '../stores/wizard-store'
import { StepForm } from './step-form'
import { useTokenizer } from './use-tokenizer'

const TRAIN_ON: TrainOn[] = ['all-assistant', 'last-assistant', 'all']

/** Waits until a value has stopped changing for `ms`, so typing a max length does not re-tokenize per key. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return v
}

export function ModelStep(): React.JSX.Element {
  const { t } = useT()
  const w = useWizard(
    useShallow((s) => ({ dataset: s.dataset, baseModel: s.baseModel, tokenizerReady: s.tokenizerReady, trainOn: s.trainOn, maxLength: s.maxLength, previewRow: s.previewRow, stats: s.stats, patch: s.patch, setStep: s.setStep })),
  )
  const connection = useSettings((s) => s.connection)
  const models = useMemo(() => connection?.capabilities.supported_models ?? [], [connection])
  const [statsAttempt, setStatsAttempt] = useState(0)
  const [statsFor, setStatsFor] = useState<string | null>(null)
  // The max length the shown statistics were computed for (the field may already say something newer).
  const [statsLen, setStatsLen] = useState<number | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [preview, setPreview] = useState<ExamplePreview | null>(null)
  const [maxLengthText, setMaxLengthText] = useState(String(w.maxLength))
  const maxLength = useDebounced(w.maxLength, 300)
  const { patch } = w
  const tokenizerId = tokenizerFor(connection, w.baseModel)

  useEffect(() => {
    if (!w.baseModel && models[0]) patch({ baseModel: models[0].model_name, tokenizerReady: false })
  }, [w.baseModel, models, patch])

  const onTokenizer = useCallback((ok: boolean) => patch({ tokenizerReady: ok }), [patch])
  const tok = useTokenizer(tokenizerId, onTokenizer)
  const tokInfo = tok.info

  const ready = w.tokenizerReady && !!tokenizerId && !!w.dataset
  useEffect(() => {
    if (!ready || !tokenizerId || !w.dataset) return
    let live = true
    void api.examplePreview({ modelId: tokenizerId, dataset: w.dataset.name, split: w.dataset.trainSplit, row: w.previewRow, trainOn: w.trainOn, maxLength }).then((r) => {
      if (!live) return
      if (r.ok) setPreview(r.value)
      else setFailure(r)
    })
    return () => {
      live = false
    }
  }, [ready, tokenizerId, w.dataset, w.previewRow, w.trainOn, maxLength, tokInfo])

  const statsKey = `${tokenizerId}|${w.dataset?.name}|${w.dataset?.trainSplit}|${w.trainOn}|${maxLength}|${statsAttempt}|${tokInfo?.id}`
  // A fresh op id whenever what the statistics depend on changes (ids are short: a model id can be long).
  const statsOpId = useMemo(() => (statsKey ? newOpId('stats') : ''), [statsKey])
  const statsProgress = useOps((s) => s.progress[statsOpId] ?? null)
  useEffect(() => {
    if (!ready || !tokenizerId || !w.dataset) return
    let live = true
    void api.tokenStats({ opId: statsOpId, modelId: tokenizerId, dataset: w.dataset.name, split: w.dataset.trainSplit, trainOn: w.trainOn, maxLength }).then((r) => {
      if (!live) return
      setStatsFor(statsOpId)
      if (r.ok) {
        setStatsLen(maxLength)
        patch({ stats: r.value })
      }
      else setFailure(r)
    })
    return () => {
      live = false
    }
  }, [ready, tokenizerId, w.dataset, w.trainOn, maxLength, patch, statsOpId])
  const statsBusy = ready && statsFor !== statsOpId

  const setMaxLength = (text: string): void => {
    setMaxLengthText(text)
    const n = Number(text)
    if (Number.isInteger(n) && n >= 8) patch({ maxLength: n })
  }
  const rows = w.dataset?.rows ?? 0
  const stats = w.stats

  return (
    <StepForm title={t.model.title} intro={t.model.intro} testId="step-model" onBack={() => w.setStep('dataset')} onContinue={() => w.setStep('rank-lr')} canContinue={ready && stats !== null && !statsBusy}>
      <div className="grid-2">
        <Card>
          <Field label={t.model.baseModel} help={models.length === 0 ? t.model.noModels : undefined}>
            {(id) => (
              <select id={id} className="input mono" value={w.baseModel ?? ''} onChange={(e) => (setFailure(null), tok.clearFailure(), patch({ baseModel: e.target.value, tokenizerReady: false }))} data-testid="base-model">
                {models.map((m) => (
                  <option key={m.model_name} value={m.model_name}>{m.model_name}</option>
                ))}
              </select>
            )}
          </Field>
          <div className="field">
            <span className="label-like">{t.model.tokenizer}</span>
            {tok.busy ? (
              <div className="row">
                <div className="grow">
                  <ProgressBar testId="tokenizer-progress" label={labelOf(t.progressPhase, tok.progress?.phase) ?? t.model.tokenizerLoading} current={tok.progress?.current ?? 0} total={tok.progress?.total ?? 0} />
                </div>
                <Button onClick={tok.cancel} data-testid="tokenizer-cancel">{t.common.cancel}</Button>
              </div>
            ) : tokInfo ? (
              <div data-testid="tokenizer-ready">
                <Badge tone="ok">{t.model.tokenizerReady(tokInfo.vocabSize)}</Badge> <span className="mono small muted">{tokInfo.modelId}</span>
                <div className="muted small" data-testid="tokenizer-provenance" data-origin={tokInfo.provenance.origin}>
                  {t.model.tokenizerFrom(tokInfo.provenance)}{' '}
                  {tokInfo.provenance.origin === 'folder' && (
                    <button type="button" className="linklike" onClick={() => void tok.forget()} data-testid="tokenizer-forget">{t.model.tokenizerForget}</button>
                  )}
                </div>
              </div>
            ) : null}
            {tok.folderPicker}
          </div>
          <Field label={t.model.maxLength}>
            {(id) => (
              <div className="row">
                <input id={id} className="input num-input" inputMode="numeric" value={maxLengthText} onChange={(e) => setMaxLength(e.target.value)} data-testid="max-length" />
                {stats && stats.suggestedMaxLength !== w.maxLength && (
                  <Button variant="ghost" onClick={() => setMaxLength(String(stats.suggestedMaxLength))}>{t.model.useSuggested(stats.suggestedMaxLength)}</Button>
                )}
              </div>
            )}
          </Field>
        </Card>
        <Card>
          <fieldset className="radio-group">
            <legend>{t.model.trainOn}</legend>
            {TRAIN_ON.map((on) => (
              <label key={on} className={`choice${w.trainOn === on ? ' selected' : ''}`}>
                <input type="radio" name="train-on" checked={w.trainOn === on} onChange={() => patch({ trainOn: on })} data-testid={`train-on-${on}`} />
                <span>
                  <span className="strong">{t.model.trainOnLabel[on]}</span>
                  <span className="field-help">{t.model.trainOnHelp[on]}</span>
                </span>
              </label>
            ))}
          </fieldset>
        </Card>
      </div>

      {tok.failure && (
        <HintPanel
          failure={tok.failure}
          handlers={{ retry: tok.retry, setEndpoint: tok.useMirror }}
          extra={
            isHubFailure(tok.failure) || tok.failure.code === 'tokenizer-not-found' || tok.failure.code === 'hf-not-found' ? (
              <>
                <Button onClick={() => void tok.chooseFolder()} data-testid="tokenizer-use-folder">{t.hint.useTokenizerFolder}</Button>
                <span className="muted small">{t.model.tokenizerFolderHelp}</span>
              </>
            ) : undefined
          }
        />
      )}
      {failure && <HintPanel failure={failure} handlers={{ retry: () => (setFailure(null), setStatsAttempt((a) => a + 1)) }} />}

      <Card
        testId="mask-preview"
        title={t.model.conversation}
        actions={
          <>
            <Button variant="ghost" disabled={w.previewRow === 0} onClick={() => patch({ previewRow: w.previewRow - 1 })}>{t.common.previous}</Button>
            <span className="mono small" data-testid="preview-row">{t.model.previewRow(w.previewRow + 1)}</span>
            <Button variant="ghost" disabled={rows > 0 && w.previewRow >= rows - 1} onClick={() => patch({ previewRow: w.previewRow + 1 })} data-testid="preview-row-next">{t.common.next}</Button>
          </>
        }
      >
        <div className="legend">
          <span className="tok tok-w1">{t.model.legendTrained}</span>
          <span className="tok tok-w0">{t.model.legendContext}</span>
          <span className="tok tok-cut">{t.model.legendCut}</span>
          {preview && <span className="muted small" data-testid="piece-stats">{t.model.pieceStats(preview.totalTokens, preview.weightedTokens)}</span>}
        </div>
        {preview ? <TokenView tokens={preview.tokens} cutAt={preview.cutAt} maxLength={maxLength} /> : <div className="muted">{t.model.tokenizerLoading}</div>}
        {preview?.skipReason && <div className="warn-text small">{t.model.skip(preview.skipReason)}</div>}
      </Card>

      <Card testId="length-stats" title={t.model.lengths} actions={stats && <span className="muted small">{t.model.lengthStats(stats.p50, stats.p95, stats.max)}</span>}>
        {statsBusy && (
          <div className="row">
            <div className="grow">
              <ProgressBar label={t.model.lengthsComputing} current={statsProgress?.current ?? 0} total={statsProgress?.total ?? 0} />
            </div>
            <Button onClick={() => void api.opCancel({ opId: statsOpId })} data-testid="stats-cancel">{t.common.cancel}</Button>
          </div>
        )}
        {stats && statsLen !== null && (
          <>
            <HistogramChart edges={stats.histogram.edges} counts={stats.histogram.counts} maxLength={statsLen} longest={stats.max} cutLabel={t.model.cutLabel(statsLen)} ariaLabel={t.model.lengths} />
            <div className={stats.truncatedShare > 0 ? 'warn-text' : 'muted'} data-testid="truncated-share">
              {t.model.truncated(stats.truncatedShare, statsLen)}
            </div>
            {statsLen > stats.max && <div className="muted small" data-testid="max-length-beyond">{t.model.lengthsBeyond(statsLen, stats.max)}</div>}
          </>
        )}
      </Card>
    </StepForm>
  )
}
