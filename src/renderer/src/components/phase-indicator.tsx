/** connecting → tokenizing → creating run → training → saving → done, with error / stopped / paused shown in place. */
import { labelOf } from '../../../shared/i18n'
import { useT } from '../i18n'

/** The working phases in the order a run goes through them; error / stopped / paused take the last slot. */
const ORDER = ['connecting', 'tokenizing', 'creating-run', 'training', 'saving', 'done'] as const

export function PhaseIndicator({ phase, reached = null }: { phase: string | null; reached?: string | null }): React.JSX.Element {
  const { t } = useT()
  const terminal = phase === 'error' || phase === 'stopped' || phase === 'paused'
  // After an error/stop, the phases before the one it happened in are done and that one is marked.
  const idx = terminal ? (reached ? ORDER.indexOf(reached as (typeof ORDER)[number]) : -1) : phase ? ORDER.indexOf(phase as (typeof ORDER)[number]) : -1
  return (
    <ol className="phases" aria-label={t.train.title} data-testid="phase" data-phase={phase ?? ''}>
      {ORDER.map((p, i) => {
        const last = i === ORDER.length - 1
        const state =
          terminal && last ? phase : idx < 0 ? 'todo' : i < idx || (p === 'done' && idx === i) ? 'done' : i === idx ? (terminal ? `halted-${phase}` : 'current') : 'todo'
        const label = terminal && last ? labelOf(t.train.phaseLabel, phase) : t.train.phaseLabel[p]
        return (
          <li key={p} className={`phase phase-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="phase-dot" aria-hidden="true" />
            {label}
          </li>
        )
      })}
    </ol>
  )
}
