/**
 * Histogram bucket bounds, the same as vLLM's so that dashboards comparing the two line up
 * (`vllm/v1/metrics/loggers.py`). Upper bounds; Prometheus adds `+Inf`.
 */

/** Time to first token, 1 ms … 43 min. */
export const TTFT_BUCKETS: readonly number[] = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640,
  2560,
];

/** Inter-token latency and per-request time per output token, 10 ms … 80 s. */
export const TOKEN_LATENCY_BUCKETS: readonly number[] = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
];

/** End-to-end, queue, inference, prefill and decode time of a request, 0.3 s … 2 h. */
export const REQUEST_LATENCY_BUCKETS: readonly number[] = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
];

/** Tokens computed in one engine step. */
export const ITERATION_TOKEN_BUCKETS: readonly number[] = [
  1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
];

/** The `n` sampling parameter, as vLLM buckets `request_params_n`. */
export const REQUEST_PARAMS_N_BUCKETS: readonly number[] = [1, 2, 5, 10, 20];

/**
 * 1, 2, 5, 10, 20, 50, … up to `max` inclusive: vLLM's buckets for per-request token counts,
 * with `max` the served model's context length.
 */
export function oneTwoFiveBuckets(max: number): number[] {
  const out: number[] = [];
  for (let scale = 1; scale <= max; scale *= 10) {
    for (const m of [1, 2, 5]) {
      if (m * scale <= max) out.push(m * scale);
    }
  }
  return out;
}
