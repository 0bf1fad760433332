/** Token-length histogram with the max-length cut drawn as a line; bins past the cut are shaded red. */
import { useEffect } from 'react'
import { useT } from '../i18n'
import { AXIS_COLOR, GRID_COLOR, PALETTE } from './echarts'
import { useECharts } from './use-echarts'

type Props = { edges: number[]; counts: number[]; maxLength: number; cutLabel: string; ariaLabel: string }

export function HistogramChart({ edges, counts, maxLength, cutLabel, ariaLabel }: Props): React.JSX.Element {
  const [ref, chart] = useECharts()
  const { t, fmt } = useT()
  useEffect(() => {
    if (!chart) return
    const labels = counts.map((_, i) => fmt.int(edges[i]))
    const data = counts.map((c, i) => ({ value: c, itemStyle: { color: (edges[i + 1] ?? edges[i]) > maxLength ? '#f87171' : PALETTE[0] } }))
    // The cut sits in the first bin whose upper edge passes max length (or after the last bin).
    let cutBin = counts.findIndex((_, i) => (edges[i + 1] ?? Infinity) > maxLength)
    if (cutBin < 0) cutBin = counts.length - 1
    chart.setOption(
      {
        animation: false,
        grid: { left: 48, right: 24, top: 28, bottom: 40 },
        tooltip: { trigger: 'axis', formatter: (p: { dataIndex: number; value: number }[]) => t.model.lengthsTooltip(edges[p[0].dataIndex], edges[p[0].dataIndex + 1] ?? 0, p[0].value) },
        xAxis: { type: 'category', data: labels, name: t.model.lengthsAxis, nameLocation: 'middle', nameGap: 26, axisLine: { lineStyle: { color: AXIS_COLOR } }, axisTick: { alignWithLabel: true } },
        yAxis: { type: 'value', splitLine: { lineStyle: { color: GRID_COLOR } } },
        series: [
          {
            type: 'bar',
            data,
            barCategoryGap: '8%',
            markLine: { symbol: 'none', silent: true, lineStyle: { color: '#dc2626', width: 2, type: 'solid' }, label: { formatter: cutLabel, position: 'insideEndTop', color: '#dc2626' }, data: [{ xAxis: cutBin }] },
          },
        ],
      },
      { notMerge: true },
    )
  }, [chart, edges, counts, maxLength, cutLabel, t, fmt])
  return <div ref={ref} className="chart" style={{ height: 220 }} role="img" aria-label={ariaLabel} data-testid="length-histogram" />
}
