/**
 * The first-run wizard: a stepper over six steps. Each step is a form, so Enter continues; a completed
 * step can be revisited from the stepper. The Train step follows the run the Review step started.
 */
import { useShallow } from 'zustand/react/shallow'
import { useT } from '../i18n'
import { useNav } from '../stores/nav-store'
import { useWizard, WIZARD_STEPS } from '../stores/wizard-store'
import { ConnectStep } from './connect-step'
import { DatasetStep } from './dataset-step'
import { ModelStep } from './model-step'
import { RankLrStep } from './rank-lr-step'
import { ReviewStep } from './review-step'
import { TrainStep } from './train-step'

export function Wizard(): React.JSX.Element {
  const { step, setStep, runId, sweepId } = useWizard(useShallow((s) => ({ step: s.step, setStep: s.setStep, runId: s.runId, sweepId: s.sweepId })))
  const go = useNav((s) => s.go)
  const { t } = useT()
  const index = WIZARD_STEPS.indexOf(step)
  const started = runId !== null || sweepId !== null
  return (
    <div className="wizard" data-testid="wizard" data-step={step}>
      <aside className="stepper" aria-label={t.wizard.title}>
        <div className="stepper-title">{t.wizard.title}</div>
        <ol>
          {WIZARD_STEPS.map((s, i) => {
            const state = i < index ? 'done' : i === index ? 'current' : 'todo'
            // Before a run starts, earlier steps can be revisited; afterwards only the Train step is live.
            const reachable = started ? s === 'train' : i < index
            return (
              <li key={s} className={`stepper-item ${state}`}>
                <button type="button" disabled={!reachable} aria-current={state === 'current' ? 'step' : undefined} onClick={() => setStep(s)}>
                  <span className="stepper-num" aria-hidden="true">{state === 'done' ? '✓' : i + 1}</span>
                  <span>{t.wizard.steps[s]}</span>
                </button>
              </li>
            )
          })}
        </ol>
        <button type="button" className="linklike stepper-help" onClick={() => go('sft-or-rl')} data-testid="sft-or-rl-link">
          {t.wizard.sftOrRlLink}
        </button>
      </aside>
      <section className="wizard-body">
        <div className="wizard-kicker">{t.wizard.stepOf(index + 1, WIZARD_STEPS.length)}</div>
        {step === 'connect' && <ConnectStep />}
        {step === 'dataset' && <DatasetStep />}
        {step === 'model' && <ModelStep />}
        {step === 'rank-lr' && <RankLrStep />}
        {step === 'review' && <ReviewStep />}
        {step === 'train' && <TrainStep />}
      </section>
    </div>
  )
}
