/**
 * Step 4: the guide's presets (each explained in a sentence), the numbers themselves, the guide's warnings
 * as the user types, and the option to run a rank × LR sweep instead. Every field says what is wrong with
 * it, and Continue says why it is disabled; advice is computed from what is typed now, never from the last
 * valid value. While a sweep is chosen the single rank and LR are disabled, so it is clear which will run.
 */
import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import {
  EARLY_STOP_PATIENCE_DEFAULT,
  LEARNING_RATE_CHOICES,
  LEARNING_RATE_CONSERVATIVE,
  LEARNING_RATE_MAX,
  LORA_RANK_CHOICES,
  SWEEP_MAX_VALUES,
} from '../../../shared/defaults'
import { epochsOf } from '../../../shared/judge'
import { useT } from '../i18n'
import { Button, Card, Field, Notice } from '../components/ui'
import { learningRateAdvice, PRESETS, rankLrAdvice, type Advice } from '../lib/advice'
import { parseLearningRate, parseWhole } from '../lib/parse'
import { useSettings } from '../stores/settings-store'
import { draftPlan, draftSteps, useWizard } from '../stores/wizard-store'
import { StepForm } from './step-form'

const TONE = { error: 'error', strong: 'error', warning: 'warning', info: 'info' } as const satisfies Record<Advice['severity'], string>

function IntField({ label, value, onChange, onValidity, testId, min = 1 }: { label: string; value: number; onChange: (n: number) => void; onValidity: (ok: boolean) => void; testId: string; min?: number }): React.JSX.Element {
  const { t } = useT()
  const [text, setText] = useState(String(value))
  const bad = parseWhole(text, min) === null
  return (
    <Field label={label} error={bad ? t.rankLr.atLeast(min) : null}>
      {(id) => (
        <input
          id={id}
          className="input num-input"
          inputMode="numeric"
          value={text}
          data-testid={testId}
          aria-invalid={bad || undefined}
          onChange={(e) => {
            setText(e.target.value)
            const v = parseWhole(e.target.value, min)
            onValidity(v !== null)
            if (v !== null) onChange(v)
          }}
        />
      )}
    </Field>
  )
}

/** One value typed into a sweep axis: Enter or Add puts it in the grid (ticked), or says why not. */
function AddValue({ label, testId, onAdd }: { label: string; testId: string; onAdd: (text: string) => string | null }): React.JSX.Element {
  const { t } = useT()
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const add = (): void => {
    if (!text.trim()) return
    const why = onAdd(text)
    setError(why)
    if (why === null) setText('')
  }
  return (
    <Field label={label} error={error}>
      {(id) => (
        <div className="row">
          <input
            id={id}
            className="input mono num-input"
            value={text}
            data-testid={testId}
            aria-invalid={error !== null || undefined}
            onChange={(e) => {
              setText(e.target.value)
              setError(null)
            }}
            onKeyDown={(e) => {
              // Enter adds the value here instead of submitting the step.
              if (e.key !== 'Enter') return
              e.preventDefault()
              add()
            }}
          />
          <Button onClick={add} disabled={!text.trim()} data-testid={`${testId}-button`}>
            {t.rankLr.sweepAdd}
          </Button>
        </div>
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

const sameLr = (a: number, b: number): boolean => Math.abs(a - b) <= Math.abs(b) * 1e-9
const union = (base: readonly number[], more: readonly number[], same: (a: number, b: number) => boolean = (a, b) => a === b): number[] =>
  [...base, ...more].filter((v, i, all) => all.findIndex((x) => same(x, v)) === i).sort((a, b) => a - b)

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
  const [badFields, setBadFields] = useState<ReadonlySet<string>>(new Set())
  // Values typed into the sweep grid stay on offer after they are unticked.
  const [extraRanks, setExtraRanks] = useState<number[]>([])
  const [extraLrs, setExtraLrs] = useState<number[]>([])
  const { patch, sweep } = w

  const lr = parseLearningRate(lrText)
  const lrError = lr.ok ? null : lr.reason === 'too-high' ? t.rankLr.lrTooHigh(LEARNING_RATE_MAX) : t.rankLr.lrInvalid
  const advice = sweep.enabled ? [] : rankLrAdvice(w.rank, lr.ok ? lr.value : null, maxRank)
  const validity = (field: string) => (ok: boolean) =>
    setBadFields((cur) => {
      if (ok !== cur.has(field)) return cur
      const next = new Set(cur)
      if (ok) next.delete(field)
      else next.add(field)
      return next
    })

  const sweepRanksAboveMax = maxRank === undefined ? [] : sweep.ranks.filter((r) => r > maxRank)
  const blockedReason =
    badFields.size > 0 || (!sweep.enabled && !lr.ok)
      ? t.rankLr.blocked.fields
      : !sweep.enabled && maxRank !== undefined && w.rank > maxRank
        ? t.rankLr.blocked.rank(maxRank)
        : sweep.enabled && (sweep.ranks.length === 0 || sweep.learningRates.length === 0)
          ? t.rankLr.blocked.sweepEmpty
          : sweep.enabled && sweepRanksAboveMax.length > 0 && maxRank !== undefined
            ? t.rankLr.blocked.sweepRank(maxRank)
            : null

  const rankOptions = union([...LORA_RANK_CHOICES], [...extraRanks, ...sweep.ranks])
  const lrOptions = union([...LEARNING_RATE_CHOICES, LEARNING_RATE_CONSERVATIVE], [...extraLrs, ...sweep.learningRates], sameLr)
  const toggle = (list: number[], v: number, same: (a: number, b: number) => boolean = (a, b) => a === b): number[] =>
    list.some((x) => same(x, v)) ? list.filter((x) => !same(x, v)) : [...list, v].sort((a, b) => a - b)

  const addRank = (text: string): string | null => {
    const r = parseWhole(text)
    if (r === null) return t.rankLr.rankInvalid
    if (maxRank !== undefined && r > maxRank) return t.rankLr.aboveMax(maxRank)
    if (sweep.ranks.includes(r)) return t.rankLr.sweepDuplicate
    if (sweep.ranks.length >= SWEEP_MAX_VALUES) return t.rankLr.sweepFull(SWEEP_MAX_VALUES)
    setExtraRanks((x) => union(x, [r]))
    patch({ sweep: { ...sweep, ranks: [...sweep.ranks, r].sort((a, b) => a - b) } })
    return null
  }
  const addLr = (text: string): string | null => {
    const v = parseLearningRate(text)
    if (!v.ok) return v.reason === 'too-high' ? t.rankLr.lrTooHigh(LEARNING_RATE_MAX) : t.rankLr.lrInvalid
    if (sweep.learningRates.some((x) => sameLr(x, v.value))) return t.rankLr.sweepDuplicate
    if (sweep.learningRates.length >= SWEEP_MAX_VALUES) return t.rankLr.sweepFull(SWEEP_MAX_VALUES)
    setExtraLrs((x) => union(x, [v.value], sameLr))
    patch({ sweep: { ...sweep, learningRates: [...sweep.learningRates, v.value].sort((a, b) => a - b) } })
    return null
  }

  return (
    <StepForm
      title={t.rankLr.title}
      intro={t.rankLr.intro}
      testId="step-rank-lr"
      onBack={() => w.setStep('model')}
      onContinue={() => w.setStep('review')}
      canContinue={blockedReason === null}
      blockedReason={blockedReason}
    >
      {sweep.enabled && (
        <Notice tone="info" testId="sweep-active">
          {t.rankLr.sweepActive}
        </Notice>
      )}
      <fieldset className="plain-fieldset" disabled={sweep.enabled} data-testid="single-run-fields">
        <div className="presets" role="radiogroup" aria-label={t.rankLr.title}>
          {PRESETS.map((p) => {
            const preset = t.rankLr.presets[p.id]
            return (
              <label key={p.id} className={`preset${w.presetId === p.id && !sweep.enabled ? ' selected' : ''}`} data-testid={`preset-${p.id}`}>
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
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t.rankLr.lr} error={sweep.enabled ? null : lrError}>
              {(id) => (
                <input
                  id={id}
                  className="input mono num-input"
                  value={lrText}
                  list="lr-choices"
                  data-testid="learning-rate"
                  aria-invalid={(!sweep.enabled && !lr.ok) || undefined}
                  onChange={(e) => {
                    setLrText(e.target.value)
                    const v = parseLearningRate(e.target.value)
                    // A typed value is no preset any more, valid or not; the store keeps only valid rates.
                    patch(v.ok ? { learningRate: v.value, presetId: null } : { presetId: null })
                  }}
                />
              )}
            </Field>
            <datalist id="lr-choices">
              {[...LEARNING_RATE_CHOICES, LEARNING_RATE_CONSERVATIVE].map((v) => (
                <option key={v} value={fmt.lr(v)} />
              ))}
            </datalist>
          </div>
          <div className="advice" data-testid="advice">
            {advice.map((a) => (
              <Notice key={a.id} tone={TONE[a.severity]} testId={`advice-${a.id}`}>
                {t.rankLr.advice[a.id](a.values)}
              </Notice>
            ))}
          </div>
        </Card>
      </fieldset>

      <Card>
        <div className="grid-3">
          <IntField label={t.rankLr.batchSize} value={w.batchSize} onChange={(batchSize) => patch({ batchSize })} onValidity={validity('batch')} testId="batch-size" />
          <IntField label={t.rankLr.maxLength} value={w.maxLength} onChange={(maxLength) => patch({ maxLength })} onValidity={validity('maxLength')} testId="max-length-2" min={8} />
          <StepsField />
          <IntField label={t.rankLr.evalEvery} value={w.evalEvery} onChange={(evalEvery) => patch({ evalEvery })} onValidity={validity('evalEvery')} testId="eval-every" min={0} />
        </div>
        <EarlyStopField />
      </Card>

      <Card
        title={
          <label className="inline-check">
            <input type="checkbox" checked={sweep.enabled} onChange={(e) => patch({ sweep: { ...sweep, enabled: e.target.checked } })} data-testid="sweep-toggle" />
            {t.rankLr.sweep}
          </label>
        }
      >
        <p className="field-help">{t.rankLr.sweepHelp}</p>
        {sweep.enabled && (
          <div className="grid-2">
            <fieldset className="checks" data-testid="sweep-ranks">
              <legend>{t.rankLr.sweepRanks}</legend>
              {rankOptions.map((r) => (
                <label key={r} className="inline-check">
                  <input type="checkbox" checked={sweep.ranks.includes(r)} onChange={() => patch({ sweep: { ...sweep, ranks: toggle(sweep.ranks, r) } })} />
                  {r} {maxRank !== undefined && r > maxRank && <span className="warn-text small">{t.rankLr.aboveMax(maxRank)}</span>}
                </label>
              ))}
              <AddValue label={t.rankLr.sweepAddRank} testId="sweep-add-rank" onAdd={addRank} />
            </fieldset>
            <fieldset className="checks" data-testid="sweep-lrs">
              <legend>{t.rankLr.sweepLrs}</legend>
              {lrOptions.map((v) => (
                <label key={v} className="inline-check">
                  <input type="checkbox" checked={sweep.learningRates.some((x) => sameLr(x, v))} onChange={() => patch({ sweep: { ...sweep, learningRates: toggle(sweep.learningRates, v, sameLr) } })} />
                  <span className="mono">{fmt.lr(v)}</span> {learningRateAdvice(v)?.severity === 'strong' && <span className="warn-text small">{t.rankLr.sweepFar}</span>}
                </label>
              ))}
              <AddValue label={t.rankLr.sweepAddLr} testId="sweep-add-lr" onAdd={addLr} />
            </fieldset>
            <div className="muted small" data-testid="sweep-cells">{t.rankLr.sweepCells(sweep.ranks.length * sweep.learningRates.length)}</div>
          </div>
        )}
      </Card>
    </StepForm>
  )
}
