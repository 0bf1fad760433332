/** The frame of one wizard step: a heading, a form (Enter submits = Continue) and the Back/Continue row. */
import type { ReactNode } from 'react'
import { useT } from '../i18n'
import { Button, FocusHeading } from '../components/ui'

type Props = {
  title: string
  intro?: ReactNode
  /** Shown at the right of the heading (e.g. the language switch on the first step). */
  headerExtra?: ReactNode
  onBack?: () => void
  onContinue?: () => void
  canContinue?: boolean
  continueLabel?: string
  /** Said next to a disabled Continue, so it is never disabled without a reason. */
  blockedReason?: string | null
  busy?: boolean
  children: ReactNode
  testId: string
}

export function StepForm({ title, intro, headerExtra, onBack, onContinue, canContinue = true, continueLabel, blockedReason, busy, children, testId }: Props): React.JSX.Element {
  const { t } = useT()
  const showReason = onContinue && !canContinue && !busy && blockedReason
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
        <FocusHeading>{title}</FocusHeading>
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
          <span className="step-continue">
            {showReason && (
              <span id={`${testId}-blocked`} className="blocked-reason" role="status" data-testid="blocked-reason">
                {blockedReason}
              </span>
            )}
            <Button type="submit" variant="primary" disabled={!canContinue} busy={busy} data-testid="continue" aria-describedby={showReason ? `${testId}-blocked` : undefined}>
              {continueLabel ?? t.common.continue}
            </Button>
          </span>
        )}
      </div>
    </form>
  )
}
