/**
 * The chart benchmark page (?bench=chart): the real NllChart with a 20,000-point train series (raw + EMA)
 * and test points, one point appended every 100 ms. Each sample is the main-thread time of one append:
 * React commit + EMA extension + echarts setOption + a synchronous canvas paint. bench/ui-bench.ts reads
 * `window.__chartBench` and reports the p95.
 */
import { useEffect, useRef, useState } from 'react'
import { flushSync } from 'react-dom'
import type { Series } from '../../../shared/contract'
import { EMA_SMOOTHING } from '../../../shared/defaults'
import { useT } from '../i18n'
import { NllChart, type ChartHandle, type ChartLine } from '../charts/nll-chart'

declare global {
  interface Window {
    __chartBench?: { done: boolean; samples: number[]; points: number }
  }
}

const params = new URLSearchParams(window.location.search)
const BASE_POINTS = Number(params.get('points') ?? 20_000)
const APPENDS = Number(params.get('appends') ?? 100)
const INTERVAL_MS = Number(params.get('interval') ?? 100)

/** A noisy decaying curve like a real train NLL, deterministic so runs are comparable. */
function nllAt(step: number): number {
  const noise = Math.sin(step * 12.9898) * 43758.5453
  return 0.9 + 1.6 * Math.exp(-step / 3000) + 0.15 * (noise - Math.floor(noise) - 0.5)
}

export function ChartBench(): React.JSX.Element {
  const [train, setTrain] = useState<Series>(() => Array.from({ length: BASE_POINTS }, (_, i) => [i, nllAt(i)] as [number, number]))
  const [test] = useState<Series>(() => Array.from({ length: Math.floor(BASE_POINTS / 100) }, (_, i) => [i * 100, nllAt(i * 100) + 0.05] as [number, number]))
  const handle = useRef<ChartHandle>(null)
  const { t } = useT()
  const lines: ChartLine[] = [
    { id: 'bench:train', name: t.train.trainNll, kind: 'train', points: train },
    { id: 'bench:test', name: t.train.testNll, kind: 'test', points: test },
  ]

  useEffect(() => {
    const samples: number[] = []
    window.__chartBench = { done: false, samples, points: BASE_POINTS }
    let n = 0
    const timer = setInterval(() => {
      const chart = handle.current?.chart()
      if (!chart) return
      const t0 = performance.now()
      flushSync(() => setTrain((prev) => [...prev, [prev.length, nllAt(prev.length)]]))
      chart.getZr().flush()
      samples.push(performance.now() - t0)
      if (++n >= APPENDS) {
        clearInterval(timer)
        window.__chartBench = { done: true, samples, points: BASE_POINTS + n }
      }
    }, INTERVAL_MS)
    return () => clearInterval(timer)
  }, [])

  return (
    <div className="page" data-testid="chart-bench">
      <h1>{t.bench.title}</h1>
      <NllChart lines={lines} smoothing={EMA_SMOOTHING} ariaLabel={t.bench.title} handle={handle} height={360} />
    </div>
  )
}
