/** The echarts build the app uses: only the pieces it draws, so the renderer bundle stays small. */
import * as echarts from 'echarts/core'
import { BarChart, CustomChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([LineChart, BarChart, CustomChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, MarkAreaComponent, CanvasRenderer])

export { echarts }
export type EChartsType = ReturnType<typeof echarts.init>

/** One palette for every chart, so a run keeps its colour across screens. */
export const PALETTE = ['#2563eb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569']
export const TEST_COLOR = '#d97706'
export const AXIS_COLOR = '#94a3b8'
export const GRID_COLOR = '#e2e8f0'
export const TEXT_COLOR = '#334155'
