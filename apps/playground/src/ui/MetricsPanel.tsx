import type uPlot from "uplot";
import type { MetricsSnapshot } from "../api/snapshot.js";
import type { MetricSeries } from "../charts/metric-series.js";
import { specDecodeText } from "./spec-decode-text.js";
import { type ChartLine, UPlotChart } from "./UPlotChart.js";

// Module constants: the charts rebuild when their lines change identity.
const P50_P99: ChartLine[] = [
  { label: "p50", stroke: "#3b6fd8" },
  { label: "p99", stroke: "#d8543b", dash: [4, 3] },
];
const THROUGHPUT: ChartLine[] = [{ label: "output tok/s", stroke: "#2f9e6a" }];

const ms = (v: number | null) => (v === null ? "–" : `${v.toFixed(1)} ms`);

/** The latest step's roofline verdict: "memory-bound · 0.9 / 12.4 FLOP/B (host-cpu-2t)". */
function rooflineText(r: MetricsSnapshot["roofline"] | undefined): string {
  if (r == null) return "–";
  const digits = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(2));
  return `${r.bound}-bound · ${digits(r.arithmeticIntensity)} / ${digits(r.ridgePoint)} FLOP/B (${r.device})`;
}

/** Server-side counters, TTFT / TPOT percentiles and throughput, now and over time. */
export function MetricsPanel(props: {
  metrics: MetricsSnapshot | null;
  series: MetricSeries;
  version: number;
}) {
  const m = props.metrics;
  const s = props.series;
  const stats: [string, string][] = m
    ? [
        ["running", String(m.numRunning)],
        ["waiting", String(m.numWaiting)],
        ["finished", String(m.numFinished)],
        ["TTFT p50 / p99", `${ms(m.ttftP50Ms)} / ${ms(m.ttftP99Ms)}`],
        ["TPOT p50 / p99", `${ms(m.tpotP50Ms)} / ${ms(m.tpotP99Ms)}`],
        ["output", `${m.outputTokensPerSecond.toFixed(1)} tok/s`],
        ["roofline", rooflineText(m.roofline)],
      ]
    : [];
  const spec = m && specDecodeText(m.specDecode);
  if (spec != null) stats.push(["draft acceptance", spec]);
  return (
    <section class="panel wide" data-testid="metrics-panel">
      <h2>Metrics</h2>
      <dl class="stats">
        {stats.map(([k, v]) => (
          <div key={k} data-stat={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div class="charts">
        <UPlotChart
          title="Time to first token"
          unit="ms"
          lines={P50_P99}
          data={[s.time, s.ttftP50, s.ttftP99] as uPlot.AlignedData}
          version={props.version}
        />
        <UPlotChart
          title="Time per output token"
          unit="ms"
          lines={P50_P99}
          data={[s.time, s.tpotP50, s.tpotP99] as uPlot.AlignedData}
          version={props.version}
        />
        <UPlotChart
          title="Throughput"
          unit="tok/s"
          lines={THROUGHPUT}
          data={[s.time, s.throughput]}
          version={props.version}
        />
      </div>
    </section>
  );
}
