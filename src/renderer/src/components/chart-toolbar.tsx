/** The chart preferences every NLL chart shares: log axis, raw series, smoothing. */
import { useShallow } from 'zustand/react/shallow'
import { useT } from '../i18n'
import { usePrefs } from '../stores/prefs-store'

export function ChartToolbar(): React.JSX.Element {
  const { t, fmt } = useT()
  const p = usePrefs(useShallow((s) => ({ logAxis: s.logAxis, setLogAxis: s.setLogAxis, showRaw: s.showRaw, setShowRaw: s.setShowRaw, smoothing: s.smoothing, setSmoothing: s.setSmoothing })))
  return (
    <div className="chart-toolbar">
      <label className="inline-check">
        <input type="checkbox" checked={p.logAxis} onChange={(e) => p.setLogAxis(e.target.checked)} data-testid="log-axis" />
        {t.train.logAxis}
      </label>
      <label className="inline-check">
        <input type="checkbox" checked={p.showRaw} onChange={(e) => p.setShowRaw(e.target.checked)} />
        {t.train.raw}
      </label>
      <label className="inline-check">
        {t.train.smoothing}
        <input type="range" min={0} max={0.99} step={0.01} value={p.smoothing} onChange={(e) => p.setSmoothing(Number(e.target.value))} aria-label={t.train.smoothing} />
        <span className="mono small">{fmt.decimal(p.smoothing, 2)}</span>
      </label>
    </div>
  )
}
