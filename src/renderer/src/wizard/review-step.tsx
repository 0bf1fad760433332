/**
 * Step 5: the full config, the derived figures (tokens per step, steps per epoch, estimated time from the
 * throughput an earlier run on this model measured), and Start — a run or a sweep.
 */
import { useEffect, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { Failure } from '../../../shared/result'
import { MISSING } from '../../../shared/i18n'
import { useT } from '../i18n'
import { api } from '../api'
import { HintPanel } from '../components/hint-panel'
import { Card, Notice, Stat } from '../components/ui'
import { estimateRun, learningRateAdvice } from '../lib/advice'
import { useNav } from '../stores/nav-store'
import { useSettings } from '../stores/settings-store'
import { draftPlan, draftSteps, draftToConfig, useWizard } from '../stores/wizard-store'
import { EvalSetNote } from './eval-set-note'
import { StepForm } from './step-form'

/** Median tokens/s of the newest finished run of this model, or null when none was measured. */
async function measuredThroughput(baseModel: string): Promise<number | null> {
  const list = await api.runList()
  if (!list.ok) return null
  const prior = list.value.filter((r) => r.baseModel === baseModel && r.step > 0).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]
  if (!prior) return null
  const m = await api.runMetrics({ runId: prior.id })
  const tps = m.ok ? (m.value.extra.tokens_per_s ?? []).map(([, v]) => v).filter((v) => v > 0).sort((a, b) => a - b) : []
  return tps.length ? tps[Math.floor(tps.length / 2)] : null
}

export function ReviewStep(): React.JSX.Element {
  const { t, fmt } = useT()
  const draft = useWizard(useShallow((s) => s))
  const connection = useSettings((s) => s.connection)
  const openSettings = useNav((s) => s.openSettings)
  const [tps, setTps] = useState<number | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure | null>(null)

  useEffect(() => {
    if (draft.baseModel) void measuredThroughput(draft.baseModel).then(setTps)
  }, [draft.baseModel])

  const stats = draft.stats
  const meanTokens = stats && stats.conversations > 0 ? Math.min(stats.totalTokens / stats.conversations, draft.maxLength) : null
  // Epochs count what is actually trained on: the split less skipped conversations and the held-out slice.
  const trainExamples = draftPlan(draft)?.trainExamples ?? draft.dataset?.rows ?? null
  const est = estimateRun({ batchSize: draft.batchSize, steps: draftSteps(draft) ?? 0, trainRows: trainExamples, meanTokens, tokensPerS: tps })
  const server = connection?.url
  const config = draftToConfig(draft, connection)
  const f = t.review.fields
  const sweepCells = draft.sweep.ranks.length * draft.sweep.learningRates.length
  // Far outside the guide's range is allowed, so it is said once more where the run is started.
  const farLrs = (draft.sweep.enabled ? draft.sweep.learningRates : [draft.learningRate]).filter((lr) => learningRateAdvice(lr)?.severity === 'strong')

  const start = async (): Promise<void> => {
    if (!config) return
    setBusy(true)
    setFailure(null)
    try {
      if (draft.sweep.enabled) {
        const r = await api.sweepStart({ config, ranks: draft.sweep.ranks, learningRates: draft.sweep.learningRates })
        if (!r.ok) return setFailure(r)
        draft.started({ runId: null, sweepId: r.value.id })
      } else {
        const r = await api.runStart({ config })
        if (!r.ok) return setFailure(r)
        draft.started({ runId: r.value.id, sweepId: null })
      }
    } finally {
      setBusy(false)
    }
  }

  const rows: [string, string][] = [
    [f.server, server === undefined ? MISSING : connection?.isSandbox ? t.review.sandboxServer(server) : server],
    [f.model, draft.baseModel ?? MISSING],
    [f.dataset, draft.dataset?.name ?? MISSING],
    [f.split, draft.dataset ? t.review.splitRows(draft.dataset.trainSplit, draft.dataset.rows) : MISSING],
    [f.evalSplit, draft.dataset?.evalSplit ?? t.dataset.evalHeldOut],
    [f.trainOn, t.model.trainOnLabel[draft.trainOn]],
    ...(draft.sweep.enabled
      ? ([[f.sweep, t.review.sweepSummary(draft.sweep.ranks, draft.sweep.learningRates.map(fmt.lr))]] as [string, string][])
      : ([
          [f.rank, String(draft.rank)],
          [f.lr, fmt.lr(draft.learningRate)],
        ] as [string, string][])),
    [f.batchSize, fmt.int(draft.batchSize)],
    [f.maxLength, fmt.int(draft.maxLength)],
    [f.steps, fmt.int(draftSteps(draft) ?? 0)],
    [f.evalEvery, fmt.int(draft.evalEvery)],
  ]

  return (
    <StepForm
      title={t.review.title}
      testId="step-review"
      onBack={() => draft.setStep('rank-lr')}
      onContinue={() => void start()}
      canContinue={config !== null}
      busy={busy}
      continueLabel={draft.sweep.enabled ? t.review.startSweep : t.review.start}
    >
      <div className="stats-row">
        <Stat label={t.review.tokensPerStep} value={est.tokensPerStep === null ? MISSING : fmt.int(est.tokensPerStep)} testId="tokens-per-step" />
        <Stat label={t.review.stepsPerEpoch} value={est.stepsPerEpoch === null ? MISSING : fmt.int(est.stepsPerEpoch)} testId="steps-per-epoch" />
        <Stat label={t.review.epochs} value={est.epochs === null ? MISSING : fmt.decimal(est.epochs, 2)} testId="epochs" />
        <Stat label={t.review.estimatedTime} value={est.seconds === null ? <span className="muted small">{t.review.estimatedUnknown}</span> : fmt.duration(est.seconds * (draft.sweep.enabled ? sweepCells : 1))} testId="estimated-time" />
      </div>
      {farLrs.map((lr) => (
        <Notice key={lr} tone="error" testId="review-lr-far">
          {t.review.lrFar(fmt.lr(lr))}
        </Notice>
      ))}
      <EvalSetNote />
      <label className="inline-check small">
        <input type="checkbox" checked={draft.keepAllCheckpoints} onChange={(e) => draft.patch({ keepAllCheckpoints: e.target.checked })} data-testid="keep-all-checkpoints" />
        {t.judge.keepAll}
        <span className="field-help">{t.judge.keepAllHelp}</span>
      </label>
      <Card title={t.review.config}>
        <table className="table kv" data-testid="review-config">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td className="mono">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {failure && <HintPanel failure={failure} handlers={{ retry: () => start(), openSettings, lowerRank: () => draft.setStep('rank-lr') }} />}
    </StepForm>
  )
}
