export type { Chart, ChartSeries } from "./chart.js";
export { PALETTE } from "./chart.js";
export { loadChartLibrary } from "./chart-library.js";
export { batchLatencyChart, batchThroughputChart, latencyCdfChart, timelineChart } from "./charts.js";
export { compareReport } from "./compare-report.js";
export { type ChartLibrary, type Report, renderHtml } from "./html.js";
export { niceTicks, renderSvg } from "./svg.js";
export { formatResult, formatTable } from "./text.js";
export { writeReport } from "./write-report.js";
