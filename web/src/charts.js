// charts.js - ECharts, only the parts the dashboards use (echarts/core + map and bar charts), so the
// chart code (loaded with the first page that draws a chart, never with the login page) stays small.
import * as echarts from 'echarts/core'
import { MapChart, BarChart } from 'echarts/charts'
import {
  TooltipComponent,
  GridComponent,
  LegendPlainComponent,
  VisualMapContinuousComponent,
  AriaComponent,
  TitleComponent,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { LabelLayout } from 'echarts/features'

echarts.use([
  MapChart,
  BarChart,
  TooltipComponent,
  GridComponent,
  LegendPlainComponent,
  VisualMapContinuousComponent,
  AriaComponent,
  TitleComponent,
  CanvasRenderer,
  LabelLayout,
])

export { echarts }
