import type { BenchResult, LatencyMs } from "../driver/bench-result.js";

const fmt = (v: number | null, digits = 2) => (v === null ? "n/a" : v.toFixed(digits));

/** The human-readable block `bench serve` and `bench sim` print without `--json` (vLLM's layout). */
export function formatResult(r: BenchResult, title: string): string {
  const line = (label: string, value: string) => `${label.padEnd(40)}${value.padStart(12)}\n`;
  const latency = (name: string, l: LatencyMs) =>
    `${`-- ${name} `.padEnd(52, "-")}\n` +
    line(`Mean ${name} (ms):`, fmt(l.mean)) +
    line(`P50 ${name} (ms):`, fmt(l.p50)) +
    line(`P90 ${name} (ms):`, fmt(l.p90)) +
    line(`P99 ${name} (ms):`, fmt(l.p99));
  let text = `${` ${title} `.padStart(26 + title.length / 2, "=").padEnd(52, "=")}\n`;
  text += line("Successful requests:", String(r.completed));
  text += line("Failed requests:", String(r.failed));
  text += line("Benchmark duration (s):", fmt(r.duration_s));
  text += line("Total input tokens:", String(r.total_input_tokens));
  text += line("Total generated tokens:", String(r.total_output_tokens));
  text += line("Request throughput (req/s):", fmt(r.request_throughput));
  text += line("Output token throughput (tok/s):", fmt(r.output_throughput));
  text += line("Total token throughput (tok/s):", fmt(r.total_token_throughput));
  if (r.goodput !== null) {
    text += line("Request goodput (req/s):", fmt(r.goodput.request_goodput));
    text += line("Requests meeting the SLO (%):", fmt(r.goodput.fraction * 100, 1));
  }
  text +=
    latency("TTFT", r.ttft_ms) +
    latency("TPOT", r.tpot_ms) +
    latency("ITL", r.itl_ms) +
    latency("E2E", r.e2e_ms);
  return `${text}${"=".repeat(52)}\n`;
}

/** A plain text table with right-aligned columns. */
export function formatTable(
  columns: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length)));
  const render = (r: readonly string[]) => r.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  return `${[render(columns), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(render)].join("\n")}\n`;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);
}
