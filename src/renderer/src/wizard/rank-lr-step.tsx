/**
 * Step 4: the guide's presets (each explained in a sentence), the numbers themselves, the guide's warnings
 * as the user types, and the option to run a rank × LR sweep instead.
 */
import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { EARLY_STOP_PATIENCE_DEFAULT, LEARNING_RATE_CHOICES, LORA_RANK_CHOICES } from '../../../shared/defaults'
import { epochsOf } from '../../../shared/judge'
import { useT } from '../i18n'
import { Card, Field, Notice } from '../components/ui'
import { PRESETS, rankLrAdvice } from '../lib/advice'
import { parsePositive } from '../lib/parse'
import { useSettings } from '../stores/settings-store'
import { draftPlan, draftSteps, useWizard } from '../stores/wizard-store'
import { StepForm } from './step-form'

function IntField({ label, value, onChange, testId, min = 1 }: { label: string; value: number; onChange: (n: number) => void; testId: string; min?: number }): React.JSX.Element {
  const { t } = useT()
  const [text, setText] = useState(String(value))
  const n = Number(text)
  const bad = !(Number.isInteger(n) && n >= min)
  return (
    <Field label={label} error={bad ? t.rankLr.atLeast(min) : null}>
      {(id) => (
        <input
          id={id}
          className="input num-input"
          inputMode="numeric"
          value={text}
          data-testid={testId}
          onChange={(e) => {
            setText(e.target.value)
            const v = Number(e.target.value)
            if (Number.isInteger(v) && v >= min) onChange(v)
          }}
        />
      )}
    </Field>
  )
}

/** Steps: empty until typed, then the default is three epochs of what will be trained; the epochs it makes, exactly. */
function StepsField(): React.JSX.Element {
  const { t, fmt } = useT()
  const d = useWizard(useShallow((s) => ({ steps: s.steps, batchSize: s.batchSize, dataset: s.dataset, stats: s.stats, heldOutFraction: s.heldOutFraction, patch: s.patch })))
  const [text, setText] = useState(d.steps === null ? '' : String(d.steps))
  const steps = draftSteps(d)
  const plan = draftPlan(d)
  const epochs = steps !== null && plan ? epochsOf(steps, d.batchSize, plan.trainExamples) : null
  const n = Number(text)
  const bad = text.trim() !== '' && !(Number.isInteger(n) && n >= 1)
  const help =
    epochs === null || !plan
      ? undefined
      : d.steps === null
        ? t.judge.stepsAuto(steps!, t.judge.epochs(epochs), plan.trainExamples)
        : t.judge.stepsTyped(t.judge.epochs(epochs), plan.trainExamples)
  return (
    <Field label={t.rankLr.steps} error={bad ? t.rankLr.atLeast(1) : null} help={help && <span data-testid="steps-epochs">{help}</span>}>
      {(id) => (
        <span className="row">
          <input
            id={id}
            className="input num-input"
            inputMode="numeric"
            value={text}
            placeholder={steps === null ? '' : fmt.int(steps)}
            data-testid="steps"
            onChange={(e) => {
              setText(e.target.value)
              const v = Number(e.target.value)
              if (e.target.value.trim() === '') d.patch({ steps: null })
              else if (Number.isInteger(v) && v >= 1) d.patch({ steps: v })
            }}
          />
          {d.steps !== null && (
            <button
              type="button"
              className="linklike small"
              onClick={() => {
                setText('')
                d.patch({ steps: null })
              }}
            >
              {t.judge.stepsReset}
            </button>
          )}
        </span>
      )}
    </Field>
  )
}

function EarlyStopField(): React.JSX.Element {
  const { t } = useT()
  const { earlyStop, patch } = useWizard(useShallow((s) => ({ earlyStop: s.earlyStop, patch: s.patch })))
  return (
    <div className="row">
      <label className="inline-check">
        <input type="checkbox" checked={earlyStop !== null} onChange={(e) => patch({ earlyStop: e.target.checked ? EARLY_STOP_PATIENCE_DEFAULT : null })} data-testid="early-stop" />
        {t.judge.earlyStop}
      </label>
      {earlyStop !== null && (
        <label className="inline-check small">
          {t.judge.patience}
          <input className="input num-input" inputMode="numeric" value={earlyStop} onChange={(e) => Number(e.target.value) >= 1 && patch({ earlyStop: Math.floor(Number(e.target.value)) })} data-testid="early-stop-patience" />
        </label>
      )}
      <span className="field-help">{t.judge.earlyStopHelp}</span>
    </div>
  )
}

export function RankLrStep(): React.JSX.Element {
  const w = useWizard(
    useShallow((s) => ({ presetId: s.presetId, rank: s.rank, learningRate: s.learningRate, batchSize: s.batchSize, maxLength: s.maxLength, steps: s.steps, evalEvery: s.evalEvery, sweep: s.sweep, baseModel: s.baseModel, patch: s.patch, setStep: s.setStep })),
  )
  const { t, fmt } = useT()
  const connection = useSettings((s) => s.connection)
  const maxRank = connection?.capabilities.supported_models.find((m) => m.model_name === w.baseModel)?.max_lora_rank
  const [lrText, setLrText] = useState(fmt.lr(w.learningRate))
  const lrValid = parsePositive(lrText) !== null
  const advice = rankLrAdvice(w.rank, w.learningRate, maxRank)
  const blocked = advice.some((a) => a.severity === 'error') || !lrValid || (w.sweep.enabled && (w.sweep.ranks.length === 0 || w.sweep.learningRates.length === 0 || w.sweep.ranks.some((r) => maxRank !== undefined && r > maxRank)))
  const { patch } = w

  const toggle = <T,>(list: T[], v: T): T[] => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v])

  return (
    <StepForm title={t.rankLr.title} intro={t.rankLr.intro} testId="step-rank-lr" onBack={() => w.setStep('model')} onContinue={() => w.setStep('review')} canContinue={!blocked}>
      <div className="presets" role="radiogroup" aria-label={t.rankLr.title}>
        {PRESETS.map((p) => {
          const preset = t.rankLr.presets[p.id]
          return (
            <label key={p.id} className={`preset${w.presetId === p.id ? ' selected' : ''}`} data-testid={`preset-${p.id}`}>
              <input
                type="radio"
                name="preset"
                checked={w.presetId === p.id}
                onChange={() => {
                  patch({ presetId: p.id, rank: p.rank, learningRate: p.learningRate })
                  setLrText(fmt.lr(p.learningRate))
                }}
              />
              <span className="preset-name">{preset.name}</span>
              <span className="preset-values mono">{t.rankLr.presetValues(p.rank, fmt.lr(p.learningRate))}</span>
              <span className="preset-text">{preset.text}</span>
            </label>
          )
        })}
      </div>

      <Card>
        <div className="grid-3">
          <Field label={t.rankLr.rank} help={t.connect.maxRank(maxRank)}>
            {(id) => (
              <select id={id} className="input" value={w.rank} onChange={(e) => patch({ rank: Number(e.target.value), presetId: null })} data-testid="rank">
                {[...new Set([4, 8, 16, ...LORA_RANK_CHOICES, 64, 256, w.rank])].sort((a, b) => a - b).map((r) => (
                  <option key={r} value={r}>{r}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t.rankLr.lr} error={lrValid ? null : t.rankLr.lrInvalid}>
            {(id) => (
              <input
                id={id}
                className="input mono num-input"
                value={lrText}
                list="lr-choices"
                data-testid="learning-rate"
                onChange={(e) => {
                  setLrText(e.target.value)
                  const v = parsePositive(e.target.value)
                  if (v !== null && v <= 1) patch({ learningRate: v, presetId: null })
                }}
              />
            )}
          </Field>
          <datalist id="lr-choices">
            {[...LEARNING_RATE_CHOICES, 5e-5].map((lr) => (
              <option key={lr} value={fmt.lr(lr)} />
            ))}
          </datalist>
          <IntField label={t.rankLr.batchSize} value={w.batchSize} onChange={(batchSize) => patch({ batchSize })} testId="batch-size" />
          <IntField label={t.rankLr.maxLength} value={w.maxLength} onChange={(maxLength) => patch({ maxLength })} testId="max-length-2" min={8} />
          <StepsField />
          <IntField label={t.rankLr.evalEvery} value={w.evalEvery} onChange={(evalEvery) => patch({ evalEvery })} testId="eval-every" min={0} />
        </div>
        <EarlyStopField />
        <div className="advice" data-testid="advice">
          {advice.map((a) => (
            <Notice key={a.id} tone={a.severity === 'error' ? 'error' : a.severity === 'warning' ? 'warning' : 'info'} testId={`advice-${a.id}`}>
              {t.rankLr.advice[a.id](a.values)}
            </Notice>
          ))}
        </div>
      </Card>

      <Card
        title={
          <label className="inline-check">
            <input type="checkbox" checked={w.sweep.enabled} onChange={(e) => patch({ sweep: { ...w.sweep, enabled: e.target.checked } })} data-testid="sweep-toggle" />
            {t.rankLr.sweep}
          </label>
        }
      >
        <p className="field-help">{t.rankLr.sweepHelp}</p>
        {w.sweep.enabled && (
          <div className="grid-2">
            <fieldset className="checks">
              <legend>{t.rankLr.sweepRanks}</legend>
              {[8, 32, 128].map((r) => (
                <label key={r} className="inline-check">
                  <input type="checkbox" checked={w.sweep.ranks.includes(r)} onChange={() => patch({ sweep: { ...w.sweep, ranks: toggle(w.sweep.ranks, r) } })} />
                  {r} {maxRank !== undefined && r > maxRank && <span className="warn-text small">{t.rankLr.aboveMax(maxRank)}</span>}
                </label>
              ))}
            </fieldset>
            <fieldset className="checks">
              <legend>{t.rankLr.sweepLrs}</legend>
              {LEARNING_RATE_CHOICES.map((lr) => (
                <label key={lr} className="inline-check">
                  <input type="checkbox" checked={w.sweep.learningRates.includes(lr)} onChange={() => patch({ sweep: { ...w.sweep, learningRates: toggle(w.sweep.learningRates, lr) } })} />
                  {fmt.lr(lr)}
                </label>
              ))}
            </fieldset>
            <div className="muted small">{t.rankLr.sweepCells(w.sweep.ranks.length * w.sweep.learningRates.length)}</div>
          </div>
        )}
      </Card>
    </StepForm>
  )
}
