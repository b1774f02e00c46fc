/** One line of a chart. */
export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

/** A line chart over a shared x axis: the data both the HTML report and the SVG render. */
export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  series: ChartSeries[];
  /** Log-scale x (batch sizes 1, 2, 4 …). */
  logX?: boolean;
}

/** Chart colours, one per series in order. */
export const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563"];
