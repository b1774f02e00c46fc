import type { LatencyMs } from "../driver/bench-result.js";
import type { CompareResult, CompareRow } from "../experiments/compare.js";
import type { Chart } from "./chart.js";
import type { Report } from "./html.js";

const ms = (v: number | null) => (v === null ? "-" : v.toFixed(1));
const pct = (v: number | null) => (v === null ? "-" : `${(v * 100).toFixed(1)} %`);
const label = (r: CompareRow) => `${r.policy} (${r.runner})`;
const PERCENTILES = [50, 90, 99];
const pick = (l: LatencyMs) => [l.p50, l.p90, l.p99];

// One chart per latency: percentiles on x, a line per policy and runner, so the policies'
// tails can be read side by side.
function latencyChart(title: string, rows: readonly CompareRow[], of: (r: CompareRow) => LatencyMs): Chart {
  return {
    title,
    xLabel: "percentile",
    yLabel: "ms",
    x: PERCENTILES,
    series: rows.map((r) => ({ label: label(r), values: pick(of(r)) })),
  };
}

/**
 * The report of `pagoda bench compare`: TTFT / TPOT / E2E percentiles, goodput and throughput
 * per policy and runner side by side, and the simulator's error against the engine per policy.
 */
export function compareReport(result: CompareResult, title: string, config: Record<string, unknown>): Report {
  const { rows, fidelity } = result;
  const tables: NonNullable<Report["tables"]> = [
    {
      title: "Latency (ms): p50 / p90 / p99",
      columns: ["policy", "runner", "TTFT", "TPOT", "E2E"],
      rows: rows.map((r) => [
        r.policy,
        r.runner,
        pick(r.result.ttft_ms).map(ms).join(" / "),
        pick(r.result.tpot_ms).map(ms).join(" / "),
        pick(r.result.e2e_ms).map(ms).join(" / "),
      ]),
    },
    {
      title: "Throughput and goodput",
      columns: [
        "policy",
        "runner",
        "req/s",
        "output tok/s",
        "total tok/s",
        "goodput req/s",
        "met SLOs",
        "preemptions (recompute / swap)",
        "prefix-cache hit rate",
        "draft acceptance (mean length)",
      ],
      rows: rows.map((r) => [
        r.policy,
        r.runner,
        r.result.request_throughput.toFixed(2),
        r.result.output_throughput.toFixed(1),
        r.result.total_token_throughput.toFixed(1),
        r.result.goodput === null ? "-" : r.result.goodput.request_goodput.toFixed(2),
        r.result.goodput === null ? "-" : pct(r.result.goodput.fraction),
        `${r.num_recompute_preemptions} / ${r.num_swap_preemptions}`,
        pct(r.prefix_cache_hit_rate),
        r.spec_decode === null
          ? "-"
          : `${pct(r.spec_decode.acceptance_rate)} (${r.spec_decode.mean_acceptance_length?.toFixed(2) ?? "-"})`,
      ]),
    },
  ];
  if (fidelity.length > 0) {
    tables.push({
      title: "Simulator error against the engine (sim / engine − 1)",
      columns: ["policy", "output tok/s", "TTFT p50", "TPOT p50", "E2E p50"],
      rows: fidelity.map((f) => [
        f.policy,
        pct(f.output_throughput),
        pct(f.ttft_p50),
        pct(f.tpot_p50),
        pct(f.e2e_p50),
      ]),
    });
  }
  return {
    title,
    config,
    data: result,
    charts: [
      latencyChart("Time to first token", rows, (r) => r.result.ttft_ms),
      latencyChart("Time per output token", rows, (r) => r.result.tpot_ms),
      latencyChart("End-to-end latency", rows, (r) => r.result.e2e_ms),
    ],
    tables,
  };
}
