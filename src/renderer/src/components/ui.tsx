/** Small building blocks every screen uses, so spacing, labels and focus behave the same everywhere. */
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { useT } from '../i18n'

type ButtonProps = React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'secondary' | 'ghost' | 'danger'; busy?: boolean }

export function Button({ variant = 'secondary', busy = false, className = '', children, disabled, ...rest }: ButtonProps): React.JSX.Element {
  return (
    <button type="button" className={`btn btn-${variant} ${className}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  )
}

export function Field({ label, help, children, error }: { label: string; help?: ReactNode; error?: string | null; children: (id: string) => ReactNode }): React.JSX.Element {
  const id = useId()
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {error ? <div className="field-msg" role="alert">{error}</div> : help ? <div className="field-help">{help}</div> : null}
    </div>
  )
}

export function Card({ title, actions, children, className = '', testId }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; testId?: string }): React.JSX.Element {
  return (
    <section className={`card ${className}`} data-testid={testId}>
      {(title || actions) && (
        <header className="card-head">
          {title && <h3>{title}</h3>}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  )
}

export function Badge({ tone = 'neutral', children, testId }: { tone?: 'neutral' | 'ok' | 'warn' | 'error' | 'info'; children: ReactNode; testId?: string }): React.JSX.Element {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId}>
      {children}
    </span>
  )
}

export function Notice({ tone, children, testId }: { tone: 'info' | 'warning' | 'error' | 'ok'; children: ReactNode; testId?: string }): React.JSX.Element {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  )
}

/** Determinate when total > 0, indeterminate otherwise; always labelled for screen readers. */
export function ProgressBar({ label, current, total, detail, testId }: { label: string; current: number; total: number; detail?: ReactNode; testId?: string }): React.JSX.Element {
  const { fmt } = useT()
  const pct = total > 0 ? Math.min(100, (current / total) * 100) : null
  return (
    <div className="progress" data-testid={testId}>
      <div className="progress-label">
        <span>{label}</span>
        <span className="muted">{detail ?? (pct !== null ? fmt.percent(Math.floor(pct) / 100) : '')}</span>
      </div>
      <div className="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <div className={`progress-fill${pct === null ? ' indeterminate' : ''}`} style={pct !== null ? { width: `${pct}%` } : undefined} />
      </div>
    </div>
  )
}

export function Stat({ label, value, testId }: { label: string; value: ReactNode; testId?: string }): React.JSX.Element {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
    </div>
  )
}

/**
 * Until the user has pressed a key or a pointer, the focus stays where the browser put it (a freshly opened app
 * shows no focus ring on its first heading); every screen change after that moves it.
 */
let interacted = false
if (typeof window !== 'undefined')
  for (const type of ['pointerdown', 'keydown'] as const) window.addEventListener(type, () => (interacted = true), { capture: true, once: true })

/**
 * A screen's heading that takes the keyboard focus when the screen appears, so after a step change a screen
 * reader announces the new step and Tab continues from there instead of from the top of the page.
 */
export function FocusHeading({ children, testId }: { children: ReactNode; testId?: string }): React.JSX.Element {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (interacted) ref.current?.focus()
  }, [])
  return (
    <h1 ref={ref} tabIndex={-1} className="focus-heading" data-testid={testId}>
      {children}
    </h1>
  )
}
