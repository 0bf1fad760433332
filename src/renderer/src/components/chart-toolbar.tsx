/** The chart preferences every NLL chart shares: log axis, raw series, smoothing. */
import { useShallow } from 'zustand/react/shallow'
import { UI } from '../../../shared/ui-strings'
import { usePrefs } from '../stores/prefs-store'

export function ChartToolbar(): React.JSX.Element {
  const p = usePrefs(useShallow((s) => ({ logAxis: s.logAxis, setLogAxis: s.setLogAxis, showRaw: s.showRaw, setShowRaw: s.setShowRaw, smoothing: s.smoothing, setSmoothing: s.setSmoothing })))
  return (
    <div className="chart-toolbar">
      <label className="inline-check">
        <input type="checkbox" checked={p.logAxis} onChange={(e) => p.setLogAxis(e.target.checked)} data-testid="log-axis" />
        {UI.train.logAxis}
      </label>
      <label className="inline-check">
        <input type="checkbox" checked={p.showRaw} onChange={(e) => p.setShowRaw(e.target.checked)} />
        {UI.train.raw}
      </label>
      <label className="inline-check">
        {UI.train.smoothing}
        <input type="range" min={0} max={0.99} step={0.01} value={p.smoothing} onChange={(e) => p.setSmoothing(Number(e.target.value))} aria-label={UI.train.smoothing} />
        <span className="mono small">{p.smoothing.toFixed(2)}</span>
      </label>
    </div>
  )
}
