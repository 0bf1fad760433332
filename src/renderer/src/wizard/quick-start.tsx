/**
 * The first screen's shortcut for someone who just wants to see it work — no server, no GPU, no network: it
 * starts the built-in sandbox, imports the sample dataset that ships with the app, loads the tokenizer and
 * measures token lengths, then opens the Review step with everything filled in. Nothing trains until the user
 * presses Start there; every earlier step stays open to look at or change.
 */
import { useState } from 'react'
import type { ProgressEvent } from '../../../shared/contract'
import type { Failure, Result } from '../../../shared/result'
import { api } from '../api'
import { HintPanel } from '../components/hint-panel'
import { Button, Card, ProgressBar } from '../components/ui'
import { useT } from '../i18n'
import { newOpId, useOps } from '../stores/ops-store'
import { useSettings } from '../stores/settings-store'
import { tokenizerFor, useWizard } from '../stores/wizard-store'

type Phase = 'sandbox' | 'dataset' | 'tokenizer' | 'lengths'

export function QuickStart(): React.JSX.Element | null {
  const { t } = useT()
  const firstRun = useSettings((s) => s.settings?.wizardCompleted === false)
  const [phase, setPhase] = useState<Phase | null>(null)
  const [opId, setOpId] = useState<string | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const progress: ProgressEvent | null = useOps((s) => (opId ? (s.progress[opId] ?? null) : null))
  if (!firstRun) return null

  /** One phase; a failure stops the set-up and is shown here. */
  const step = async <T,>(p: Phase, call: (opId: string) => Promise<Result<T>>): Promise<T | null> => {
    setPhase(p)
    const id = newOpId(`demo-${p}`)
    setOpId(id)
    const r = await call(id)
    setOpId(null)
    if (r.ok) return r.value
    setFailure(r)
    setPhase(null)
    return null
  }

  const run = async (): Promise<void> => {
    setFailure(null)
    const wizard = useWizard.getState()
    const settings = useSettings.getState()
    if (!(await step('sandbox', () => api.sandboxStart()))) return
    const connection = await step('sandbox', () => api.connectionTest({ url: 'sandbox' }))
    if (!connection) return
    settings.setConnection(connection)
    await settings.update({ activeServer: 'sandbox' })
    const report = await step('dataset', (id) => api.datasetImport({ opId: id, source: { kind: 'sample' } }))
    if (!report) return
    const train = report.splits.find((s) => s.rows > 0) ?? report.splits[0]
    const baseModel = connection.capabilities.supported_models[0]?.model_name ?? null
    const tokenizer = tokenizerFor(connection, baseModel)
    if (!train || !baseModel || !tokenizer) return setPhase(null)
    wizard.patch({ importReport: report, dataset: { name: report.name, trainSplit: train.split, evalSplit: null, rows: train.rows }, baseModel, tokenizerReady: false, stats: null, previewRow: 0 })
    if (!(await step('tokenizer', (id) => api.tokenizerLoad({ opId: id, modelId: tokenizer })))) return
    const { trainOn, maxLength } = useWizard.getState()
    const stats = await step('lengths', (id) => api.tokenStats({ opId: id, modelId: tokenizer, dataset: report.name, split: train.split, trainOn, maxLength }))
    if (!stats) return
    wizard.patch({ tokenizerReady: true, stats })
    setPhase(null)
    wizard.setStep('review')
  }

  return (
    <Card testId="quick-start" title={t.quickStart.title}>
      <p className="muted">{t.quickStart.text}</p>
      <div className="row">
        <Button variant="primary" onClick={() => void run()} busy={phase !== null} disabled={phase !== null} data-testid="quick-start-run">
          {t.quickStart.button}
        </Button>
        {phase !== null && (
          <>
            <div className="grow">
              <ProgressBar testId="quick-start-progress" label={t.quickStart.phase[phase]} current={progress?.current ?? 0} total={progress?.total ?? 0} />
            </div>
            {opId && (
              <Button onClick={() => void api.opCancel({ opId })} data-testid="quick-start-cancel">
                {t.common.cancel}
              </Button>
            )}
          </>
        )}
      </div>
      {failure && <HintPanel failure={failure} handlers={{ retry: () => run() }} />}
    </Card>
  )
}
