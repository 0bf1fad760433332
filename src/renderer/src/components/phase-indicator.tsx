/** connecting → tokenizing → creating run → training → saving → done, with error / stopped / paused shown in place. */
import { UI } from '../../../shared/ui-strings'

const ORDER = UI.train.phases

export function PhaseIndicator({ phase, reached = null }: { phase: string | null; reached?: string | null }): React.JSX.Element {
  const terminal = phase === 'error' || phase === 'stopped' || phase === 'paused'
  // After an error/stop, the phases before the one it happened in are done and that one is marked.
  const idx = terminal ? (reached ? ORDER.indexOf(reached as (typeof ORDER)[number]) : -1) : phase ? ORDER.indexOf(phase as (typeof ORDER)[number]) : -1
  return (
    <ol className="phases" aria-label={UI.train.title} data-testid="phase" data-phase={phase ?? ''}>
      {ORDER.map((p, i) => {
        const last = i === ORDER.length - 1
        const state =
          terminal && last ? phase : idx < 0 ? 'todo' : i < idx || (p === 'done' && idx === i) ? 'done' : i === idx ? (terminal ? `halted-${phase}` : 'current') : 'todo'
        const label = terminal && last ? UI.train.phaseLabel[phase] : UI.train.phaseLabel[p]
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
