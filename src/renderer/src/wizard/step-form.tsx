/** The frame of one wizard step: a heading, a form (Enter submits = Continue) and the Back/Continue row. */
import type { ReactNode } from 'react'
import { useT } from '../i18n'
import { Button } from '../components/ui'

type Props = {
  title: string
  intro?: ReactNode
  /** Shown at the right of the heading (e.g. the language switch on the first step). */
  headerExtra?: ReactNode
  onBack?: () => void
  onContinue?: () => void
  canContinue?: boolean
  continueLabel?: string
  busy?: boolean
  children: ReactNode
  testId: string
}

export function StepForm({ title, intro, headerExtra, onBack, onContinue, canContinue = true, continueLabel, busy, children, testId }: Props): React.JSX.Element {
  const { t } = useT()
  return (
    <form
      className="step"
      data-testid={testId}
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        if (onContinue && canContinue && !busy) onContinue()
      }}
    >
      <div className="step-head">
        <h1>{title}</h1>
        {headerExtra}
      </div>
      {intro && <p className="lead">{intro}</p>}
      {children}
      <div className="step-nav">
        {onBack ? (
          <Button variant="ghost" onClick={onBack}>
            {t.common.back}
          </Button>
        ) : (
          <span />
        )}
        {onContinue && (
          <Button type="submit" variant="primary" disabled={!canContinue} busy={busy} data-testid="continue">
            {continueLabel ?? t.common.continue}
          </Button>
        )}
      </div>
    </form>
  )
}
