/**
 * The one NLL chart used everywhere (training, run detail, comparison, bench): step on the x axis, each train
 * series drawn twice — raw faint and debiased-EMA bold — test NLL as points joined by a thin line, optional
 * log y axis, min/max decimation for long runs. Appending points is incremental: the EMA and the decimation
 * of a series are extended, not recomputed, and echarts redraws at most ~2,000 points without animation.
 */
import { useImperativeHandle, useLayoutEffect, useMemo, useRef, type Ref } from 'react'
import type { Series } from '../../../shared/contract'
import { CHART_MAX_BUCKETS } from '../../../shared/defaults'
import { Decimator } from '../lib/decimate'
import { EmaAccumulator } from '../lib/ema'
import { yScale } from '../lib/y-scale'
import { AXIS_COLOR, echarts, GRID_COLOR, RUN_PALETTE, TEXT_COLOR, TEST_COLOR, type EChartsType } from './echarts'
import { runColors } from './run-colors'
import { useECharts } from './use-echarts'
import { legendLabels } from './legend-labels'
import { useT } from '../i18n'

export type ChartLine = {
  /** Unique in the chart (e.g. `${runId}:train`): series, legend entries and colours are keyed by it, never by name. */
  id: string
  name: string
  kind: 'train' | 'test' | 'plain'
  points: Series
  /** The run the line belongs to: it is drawn in the run's colour, the same on every screen. */
  runId?: string
  color?: string
  /** Drawn thicker (e.g. the recommended run of a sweep). */
  emphasis?: boolean
}

export type ChartHandle = { chart: () => EChartsType | null }

type Props = {
  lines: ChartLine[]
  logAxis?: boolean
  smoothing: number
  showRaw?: boolean
  height?: number
  /** The y axis title; the catalogue's "NLL" unless given ('' for none). */
  yName?: string
  ariaLabel: string
  testId?: string
  handle?: Ref<ChartHandle>
  /** The last step of the run, so a live chart keeps its scale instead of stretching every step. */
  xMax?: number
  /** A point to mark and label (the best test NLL). */
  mark?: { step: number; value: number; label: string }
}

type EmaCache = { weight: number; first: number | undefined; len: number; acc: EmaAccumulator }

/** One decimator per drawn series, so appending a point to a 20,000-point run redraws ~2,000 points. */
function decimated(cache: Map<string, Decimator>, id: string, points: readonly (readonly [number, number])[]): [number, number][] {
  let d = cache.get(id)
  if (!d) cache.set(id, (d = new Decimator(CHART_MAX_BUCKETS)))
  return d.update(points)
}

function smoothedOf(cache: Map<string, EmaCache>, line: ChartLine, weight: number): [number, number][] {
  const pts = line.points
  let c = cache.get(line.id)
  // Recompute when the series was replaced rather than extended (a different run, a reload, a resume).
  if (!c || c.weight !== weight || c.first !== pts[0]?.[1] || pts.length < c.len) {
    c = { weight, first: pts[0]?.[1], len: 0, acc: new EmaAccumulator(weight) }
    cache.set(line.id, c)
  }
  for (let i = c.len; i < pts.length; i++) c.acc.push(pts[i][0], pts[i][1])
  c.len = pts.length
  return c.acc.smoothed
}

export function NllChart({ lines, logAxis = false, smoothing, showRaw = true, height = 280, yName: yNameProp, ariaLabel, testId, handle, xMax, mark }: Props): React.JSX.Element {
  const [ref, chart] = useECharts()
  const emaCache = useRef(new Map<string, EmaCache>())
  const decimators = useRef(new Map<string, Decimator>())
  const framed = useRef(new WeakSet<EChartsType>())
  const axesKeyRef = useRef<string | null>(null)
  // Legend entries and tooltips name a line by its id, so two runs with the same name stay two entries.
  const labels = useRef(new Map<string, string>())
  useImperativeHandle(handle, () => ({ chart: () => chart }), [chart])
  const { t, fmt } = useT()
  const yName = yNameProp ?? t.chart.nll
  const colors = useMemo(() => runColors(lines.flatMap((l) => (l.runId ? [l.runId] : []))), [lines])

  // Layout effect: the frame that shows a new point also contains its redraw (the bench measures this path).
  useLayoutEffect(() => {
    if (!chart) return
    labels.current = legendLabels(lines)
    const series: object[] = []
    lines.forEach((line, i) => {
      // A line of no run (a run page's test NLL, grad norm, LR) keeps the test colour or takes the palette by position.
      const color = line.color ?? (line.runId ? colors.get(line.runId)! : line.kind === 'test' && lines.length <= 2 ? TEST_COLOR : RUN_PALETTE[i % RUN_PALETTE.length])
      const width = line.emphasis ? 3.5 : 2
      if (line.kind === 'train') {
        if (showRaw)
          series.push({
            id: `${line.id}:raw`,
            name: line.id,
            type: 'line',
            data: decimated(decimators.current, `${line.id}:raw`, line.points),
            showSymbol: false,
            lineStyle: { width: 1.2, color, opacity: 0.35 },
            itemStyle: { color },
            emphasis: { disabled: true },
            tooltip: { show: false },
            silent: true,
            legendHoverLink: false,
            z: 1,
          })
        series.push({
          id: `${line.id}:ema`,
          name: line.id,
          type: 'line',
          data: decimated(decimators.current, `${line.id}:ema:${smoothing}`, smoothedOf(emaCache.current, line, smoothing)),
          // A line needs two points: the first one alone is drawn as a dot.
          showSymbol: line.points.length === 1,
          connectNulls: false,
          lineStyle: { width, color },
          itemStyle: { color },
          z: 3,
        })
      } else {
        series.push({
          id: `${line.id}:${line.kind}`,
          name: line.id,
          type: 'line',
          data: line.kind === 'plain' ? decimated(decimators.current, `${line.id}:plain`, line.points) : line.points,
          showSymbol: line.kind === 'test' || line.points.length === 1,
          symbol: line.kind === 'test' || line.points.length === 1 ? 'circle' : 'none',
          symbolSize: line.emphasis ? 8 : 6,
          lineStyle: { width: line.kind === 'test' ? 1.5 : width, color, type: line.kind === 'test' ? 'dashed' : 'solid' },
          itemStyle: { color },
          z: 4,
        })
      }
    })
    if (mark)
      series.push({
        id: 'mark',
        name: mark.label,
        // A one-point line (the scatter chart is not in this echarts build) with a pin, and the step marked down the chart.
        type: 'line',
        data: [[mark.step, mark.value]],
        showSymbol: true,
        symbol: 'pin',
        symbolSize: 34,
        lineStyle: { width: 0 },
        itemStyle: { color: TEST_COLOR },
        label: { show: true, formatter: mark.label, position: 'inside', fontSize: 9, color: '#fff' },
        markLine: { symbol: 'none', silent: true, label: { show: false }, lineStyle: { type: 'dotted', color: TEST_COLOR, width: 1.5 }, data: [{ xAxis: mark.step }] },
        tooltip: { show: false },
        z: 6,
      })
    // The frame, axes and legend are set once per chart; each update sends only the y axis and the series.
    if (!framed.current.has(chart)) {
      framed.current.add(chart)
      chart.setOption({
        animation: false,
        textStyle: { fontFamily: 'inherit', color: TEXT_COLOR },
        // Room above the plot for the legend's row and, under it, the y axis's name: a legend of several runs
        // spans the chart's width and would cover the name.
        grid: { left: 56, right: 20, top: 48, bottom: 36 },
        legend: { type: 'scroll', top: 4, left: 'center', itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 11 }, formatter: (id: string) => labels.current.get(id) ?? id },
        xAxis: { type: 'value', nameLocation: 'end', nameGap: 8, min: 0, minInterval: 1, axisLine: { lineStyle: { color: AXIS_COLOR } }, splitLine: { lineStyle: { color: GRID_COLOR } } },
        yAxis: { type: 'value' },
      })
    }
    // Axes change rarely (log toggle, run length); most updates send the series only, which echarts processes faster.
    const y = logAxis ? { decimals: 3 } : yScale(lines)
    const axesKey = `${logAxis}|${yName}|${xMax}|${fmt.locale}|${y.min}|${y.max}|${y.decimals}`
    const axes =
      axesKeyRef.current === axesKey
        ? {}
        : {
            // Names and number formats follow the language, which can change while the chart lives.
            tooltip: {
              trigger: 'axis',
              formatter: (params: unknown) => {
                const items = (Array.isArray(params) ? params : [params]) as { seriesName?: string; marker?: string; value?: unknown }[]
                const step = Array.isArray(items[0]?.value) ? (items[0].value as number[])[0] : null
                const rows = items.map((p) => {
                  const y = Array.isArray(p.value) ? p.value[1] : p.value
                  const label = echarts.format.encodeHTML(labels.current.get(p.seriesName ?? '') ?? p.seriesName ?? '')
                  return `${p.marker ?? ''}${label} <b>${typeof y === 'number' ? fmt.decimal(y, 4) : ''}</b>`
                })
                return [step === null ? '' : echarts.format.encodeHTML(t.chart.stepAt(step)), ...rows].filter(Boolean).join('<br/>')
              },
            },
            xAxis: { max: xMax ?? 'dataMax', name: t.chart.step, axisLabel: { formatter: (v: number) => fmt.int(v) } },
            yAxis: {
              type: logAxis ? 'log' : 'value',
              min: y.min ?? null,
              max: y.max ?? null,
              name: yName,
              nameGap: 10,
              scale: true,
              axisLine: { show: false },
              splitLine: { lineStyle: { color: GRID_COLOR } },
              axisLabel: {
                formatter: (v: number) => (logAxis ? (Math.abs(v) >= 100 || v === 0 ? fmt.int(v) : fmt.significant(v, 3)) : fmt.decimal(v, y.decimals)),
              },
            },
          }
    axesKeyRef.current = axesKey
    chart.setOption({ ...axes, series }, { replaceMerge: ['series'] })
  }, [chart, lines, colors, logAxis, smoothing, showRaw, yName, xMax, t, fmt, mark])

  return (
    <div
      ref={ref}
      className="chart"
      style={{ height }}
      role="img"
      aria-label={ariaLabel}
      data-testid={testId}
      data-points={lines.reduce((n, l) => n + l.points.length, 0)}
      data-run-colors={colors.size ? JSON.stringify(Object.fromEntries(colors)) : undefined}
      {...(mark ? { 'data-mark-step': mark.step } : {})}
    />
  )
}
