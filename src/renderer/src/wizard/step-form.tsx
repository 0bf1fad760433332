/** The frame of one wizard step: a heading, a form (Enter submits = Continue) and the Back/Continue row. */
import type { ReactNode } from 'react'
import { UI } from '../../../shared/ui-strings'
import { Button } from '../components/ui'

type Props = {
  title: string
  intro?: ReactNode
  onBack?: () => void
  onContinue?: () => void
  canContinue?: boolean
  continueLabel?: string
  busy?: boolean
  children: ReactNode
  testId: string
}

export function StepForm({ title, intro, onBack, onContinue, canContinue = true, continueLabel = UI.common.continue, busy, children, testId }: Props): React.JSX.Element {
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
      <h1>{title}</h1>
      {intro && <p className="lead">{intro}</p>}
      {children}
      <div className="step-nav">
        {onBack ? (
          <Button variant="ghost" onClick={onBack}>
            {UI.common.back}
          </Button>
        ) : (
          <span />
        )}
        {onContinue && (
          <Button type="submit" variant="primary" disabled={!canContinue} busy={busy} data-testid="continue">
            {continueLabel}
          </Button>
        )}
      </div>
    </form>
  )
}
