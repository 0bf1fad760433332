/** The echarts build the app uses: only the pieces it draws, so the renderer bundle stays small. */
import * as echarts from 'echarts/core'
import { BarChart, CustomChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([LineChart, BarChart, CustomChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, MarkAreaComponent, CanvasRenderer])

export { echarts }
export type EChartsType = ReturnType<typeof echarts.init>

export { RUN_PALETTE, TEST_COLOR } from './run-colors'
/** The colour of a chart that shows no run (e.g. the token-length histogram). */
export const ACCENT_COLOR = '#2563eb'
export const AXIS_COLOR = '#94a3b8'
export const GRID_COLOR = '#e2e8f0'
export const TEXT_COLOR = '#334155'
