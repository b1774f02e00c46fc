import type { FinishedRequest } from "@pagoda/metrics";
import type { StepSample } from "../driver/step-sample.js";
import type { BatchRow } from "../experiments/batch-sweep.js";
import type { Chart } from "./chart.js";

/** Steps bucketed by time into at most `maxPoints` points: tokens/s, mean batch, KV usage. */
export function timelineChart(steps: readonly StepSample[], maxPoints = 200): Chart {
  const end = steps.at(-1)?.time ?? 0;
  const n = Math.max(1, Math.min(maxPoints, steps.length));
  const width = end / n || 1;
  const tokens = new Array<number>(n).fill(0);
  const seqs = new Array<number>(n).fill(0);
  const kv = new Array<number>(n).fill(0);
  const count = new Array<number>(n).fill(0);
  for (const s of steps) {
    const b = Math.min(n - 1, Math.floor(s.time / width));
    tokens[b] = (tokens[b] ?? 0) + s.numDecodeTokens;
    seqs[b] = (seqs[b] ?? 0) + s.numSeqs;
    kv[b] = (kv[b] ?? 0) + s.kvUsage;
    count[b] = (count[b] ?? 0) + 1;
  }
  const avg = (xs: number[]) => xs.map((v, i) => ((count[i] ?? 0) === 0 ? null : v / (count[i] ?? 1)));
  return {
    title: "Over the run",
    xLabel: "time (s)",
    yLabel: "value",
    x: Array.from({ length: n }, (_, i) => Number(((i + 0.5) * width).toPrecision(6))),
    series: [
      { label: "decode tokens/s", values: tokens.map((t) => t / width) },
      { label: "sequences per step", values: avg(seqs) },
      { label: "KV usage %", values: avg(kv).map((v) => (v === null ? null : v * 100)) },
    ],
  };
}

/** Latency percentiles 1 … 100 of the finished requests: TTFT and end-to-end, in ms. */
export function latencyCdfChart(requests: readonly FinishedRequest[]): Chart {
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  const ttft = sorted(requests.flatMap((r) => (r.ttftSeconds === null ? [] : [r.ttftSeconds * 1000])));
  const e2e = sorted(requests.map((r) => r.e2eSeconds * 1000));
  const at = (xs: number[], p: number) =>
    xs.length === 0 ? null : (xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? null);
  const ps = Array.from({ length: 100 }, (_, i) => i + 1);
  return {
    title: "Latency distribution",
    xLabel: "percentile",
    yLabel: "ms",
    x: ps,
    series: [
      { label: "TTFT", values: ps.map((p) => at(ttft, p)) },
      { label: "E2E", values: ps.map((p) => at(e2e, p)) },
    ],
  };
}

/** Output tokens/s against the batch limit, one series per named set of rows. */
export function batchThroughputChart(
  sets: Record<string, readonly BatchRow[]>,
  title = "Throughput against batch size",
): Chart {
  const x = [...new Set(Object.values(sets).flatMap((rows) => rows.map((r) => r.max_num_seqs)))].sort(
    (a, b) => a - b,
  );
  return {
    title,
    xLabel: "max batch size (sequences)",
    yLabel: "output tokens/s",
    x,
    logX: true,
    series: Object.entries(sets).map(([label, rows]) => ({
      label,
      values: x.map((b) => rows.find((r) => r.max_num_seqs === b)?.result.output_throughput ?? null),
    })),
  };
}

/** TPOT and TTFT medians against the batch limit. */
export function batchLatencyChart(rows: readonly BatchRow[]): Chart {
  return {
    title: "Latency against batch size",
    xLabel: "max batch size (sequences)",
    yLabel: "ms",
    x: rows.map((r) => r.max_num_seqs),
    logX: true,
    series: [
      { label: "TPOT P50", values: rows.map((r) => r.result.tpot_ms.p50) },
      { label: "TTFT P50", values: rows.map((r) => r.result.ttft_ms.p50) },
    ],
  };
}
