/**
 * Token-length histogram on a value axis of tokens: each bar spans its bin, bins past the max length are
 * shaded red, and the max-length marker sits at its length (see lib/histogram.ts for when it is drawn).
 */
import { useEffect } from 'react'
import { useT } from '../i18n'
import { histogramLayout } from '../lib/histogram'
import { ACCENT_COLOR, AXIS_COLOR, GRID_COLOR } from './echarts'
import { useECharts } from './use-echarts'

type Props = { edges: number[]; counts: number[]; maxLength: number; longest: number; cutLabel: string; ariaLabel: string }

const CUT_COLOR = '#f87171'
const MARKER_COLOR = '#dc2626'

export function HistogramChart({ edges, counts, maxLength, longest, cutLabel, ariaLabel }: Props): React.JSX.Element {
  const [ref, chart] = useECharts()
  const { t, fmt } = useT()
  const layout = histogramLayout(edges, counts, maxLength, longest)
  useEffect(() => {
    if (!chart) return
    const { bars, axisMax, marker } = histogramLayout(edges, counts, maxLength, longest)
    chart.setOption(
      {
        animation: false,
        grid: { left: 48, right: 24, top: 28, bottom: 40 },
        tooltip: {
          trigger: 'item',
          formatter: (p: { value: number[] }) => t.model.lengthsTooltip(p.value[0], p.value[1], p.value[2]),
        },
        xAxis: {
          type: 'value',
          min: edges[0] ?? 0,
          max: axisMax,
          name: t.model.lengthsAxis,
          nameLocation: 'middle',
          nameGap: 26,
          axisLine: { lineStyle: { color: AXIS_COLOR } },
          axisLabel: { formatter: (v: number) => fmt.int(v) },
          splitLine: { show: false },
        },
        yAxis: { type: 'value', splitLine: { lineStyle: { color: GRID_COLOR } } },
        series: [
          {
            type: 'custom',
            encode: { x: [0, 1], y: 2 },
            data: bars.map((b) => [b.from, b.to, b.count, b.cut ? 1 : 0]),
            renderItem: (_params: unknown, api: { value: (i: number) => number; coord: (v: number[]) => number[] }) => {
              const [x0, y0] = api.coord([api.value(0), api.value(2)])
              const [x1, y1] = api.coord([api.value(1), 0])
              const gap = Math.min(1, (x1 - x0) / 4)
              return {
                type: 'rect',
                shape: { x: x0 + gap, y: y0, width: Math.max(1, x1 - x0 - 2 * gap), height: y1 - y0 },
                style: { fill: api.value(3) ? CUT_COLOR : ACCENT_COLOR },
              }
            },
            markLine:
              marker === null
                ? undefined
                : {
                    symbol: 'none',
                    silent: true,
                    animation: false,
                    lineStyle: { color: MARKER_COLOR, width: 2, type: 'solid' },
                    label: { formatter: cutLabel, position: 'insideEndTop', color: MARKER_COLOR },
                    data: [{ xAxis: marker }],
                  },
          },
        ],
      },
      { notMerge: true },
    )
    // Where the marker was drawn, in pixels from the chart's left edge (read by the browser tests).
    const x = marker === null ? null : chart.convertToPixel({ xAxisIndex: 0 }, marker)
    ref.current?.setAttribute('data-marker-x', typeof x === 'number' && Number.isFinite(x) ? String(Math.round(x)) : '')
  }, [chart, ref, edges, counts, maxLength, longest, cutLabel, t, fmt])
  return (
    <div
      ref={ref}
      className="chart"
      style={{ height: 220 }}
      role="img"
      aria-label={ariaLabel}
      data-testid="length-histogram"
      data-axis-max={layout.axisMax}
      data-marker={layout.marker ?? ''}
    />
  )
}
