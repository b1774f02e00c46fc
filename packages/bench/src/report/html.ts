import { type Chart, PALETTE } from "./chart.js";

/** Everything one HTML report shows; it is also the JSON written beside it. */
export interface Report {
  title: string;
  /** Flags and settings of the run, shown as a table. */
  config: Record<string, unknown>;
  /** The result object(s) of the run, shown as JSON. */
  data: unknown;
  charts: Chart[];
  /** Plain tables (sweeps, batch rows). */
  tables?: Array<{ title: string; columns: string[]; rows: Array<Array<string | number>> }>;
}

/** The charting library's code and style, inlined into the page. */
export interface ChartLibrary {
  js: string;
  css: string;
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// JSON inside <script> must not contain "</script" or "<!--": escaping every "<" rules both out.
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

const DRAW = `
const report = JSON.parse(document.getElementById("report-data").textContent);
const palette = PALETTE;
report.charts.forEach((c, i) => {
  const el = document.getElementById("chart-" + i);
  const series = [{ label: c.xLabel }].concat(c.series.map((s, k) => ({
    label: s.label, stroke: palette[k % palette.length], width: 2, points: { show: c.x.length <= 64 },
  })));
  const opts = {
    title: c.title, width: Math.min(900, el.clientWidth || 900), height: 320, series,
    scales: { x: c.logX ? { time: false, distr: 3, log: 2 } : { time: false } },
    axes: [{ label: c.xLabel }, { label: c.yLabel, size: 70 }],
  };
  new uPlot(opts, [c.x].concat(c.series.map((s) => s.values)), el);
});
`;

/**
 * A self-contained HTML page: the charting library, the data and the drawing code inline, so
 * the file opens anywhere, offline, and can be mailed or attached to an issue.
 */
export function renderHtml(report: Report, lib: ChartLibrary): string {
  const config = Object.entries(report.config)
    .map(
      ([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === "string" ? v : JSON.stringify(v))}</td></tr>`,
    )
    .join("");
  const tables = (report.tables ?? [])
    .map(
      (t) =>
        `<h2>${esc(t.title)}</h2><table><tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>` +
        t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join("")}</tr>`).join("") +
        "</table>",
    )
    .join("\n");
  const charts = report.charts.map((_, i) => `<div class="chart" id="chart-${i}"></div>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(report.title)}</title>
<style>${lib.css}
body{font-family:system-ui,sans-serif;margin:24px;max-width:960px;color:#111}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f3f4f6}pre{background:#f9fafb;padding:12px;overflow:auto;font-size:12px}.chart{margin:16px 0}</style>
</head><body>
<h1>${esc(report.title)}</h1>
<table>${config}</table>
${charts}
${tables}
<h2>Result (JSON)</h2><pre>${esc(JSON.stringify(report.data, null, 2))}</pre>
<script type="application/json" id="report-data">${scriptJson(report)}</script>
<script>${lib.js}</script>
<script>const PALETTE = ${JSON.stringify(PALETTE)};${DRAW}</script>
</body></html>
`;
}
