import type { DistributionSummary } from "@pagoda/metrics";
import type { GoodputSlo } from "./goodput.js";

/** Mean and percentiles of one latency, in milliseconds (null with no samples). */
export interface LatencyMs {
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** Requests per second that met every objective, and their share of the finished ones. */
export interface GoodputResult {
  slo: GoodputSlo;
  request_goodput: number;
  /** Met ÷ completed, 0..1. */
  fraction: number;
}

/**
 * The one JSON object every benchmark prints (`bench serve`, `bench sim`, `bench batch` rows),
 * vLLM's field names. Throughputs are over `duration_s`, from the first arrival to the last finish.
 */
export interface BenchResult {
  completed: number;
  failed: number;
  duration_s: number;
  request_throughput: number;
  /** Generated tokens per second. */
  output_throughput: number;
  /** Prompt and generated tokens per second. */
  total_token_throughput: number;
  total_input_tokens: number;
  total_output_tokens: number;
  ttft_ms: LatencyMs;
  tpot_ms: LatencyMs;
  itl_ms: LatencyMs;
  e2e_ms: LatencyMs;
  /** Null unless objectives were given. */
  goodput: GoodputResult | null;
}

/** A seconds summary as milliseconds. */
export function toLatencyMs(s: DistributionSummary): LatencyMs {
  const ms = (v: number | null) => (v === null ? null : v * 1000);
  return { mean: ms(s.mean), p50: ms(s.p50), p90: ms(s.p90), p99: ms(s.p99) };
}
