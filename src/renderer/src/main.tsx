import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './styles.css'

const root = createRoot(document.getElementById('root') as HTMLElement)

// The chart benchmark page runs on the built renderer without a backend (bench/ui-bench.ts opens ?bench=chart);
// it is loaded lazily so the app itself never imports it, and the app's API is never touched in bench mode.
if (new URLSearchParams(window.location.search).get('bench') === 'chart') {
  void import('./bench/chart-bench').then(({ ChartBench }) => root.render(<ChartBench />))
} else {
  void import('./app').then(({ App }) =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  )
}
