import type { QuantileSketch } from "./quantile-sketch.js";

/**
 * Count, sum, mean, extremes and P50/P90/P95/P99 of one distribution; JSON-serialisable. Every
 * statistic but count and sum is null while the distribution is empty. Min, max, sum and mean are
 * exact; percentiles carry the sketch's relative error bound (`relativeError`).
 */
export interface DistributionSummary {
  readonly count: number;
  readonly sum: number;
  readonly mean: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  /** Bound on the relative error of the percentiles. */
  readonly relativeError: number;
}

/** The summary of a sketch's current contents. */
export function summarize(sketch: QuantileSketch): DistributionSummary {
  const [p50 = null, p90 = null, p95 = null, p99 = null] = sketch.quantiles([0.5, 0.9, 0.95, 0.99]);
  return {
    count: sketch.count,
    sum: sketch.sum,
    mean: sketch.count === 0 ? null : sketch.sum / sketch.count,
    min: sketch.min,
    max: sketch.max,
    p50,
    p90,
    p95,
    p99,
    relativeError: sketch.relativeError,
  };
}
