import { assertCount, assertNonNegative, MetricsError } from "../errors.js";
import type { StepRecord } from "../events.js";

const COUNTS = [
  "numPrefillTokens",
  "numDecodeTokens",
  "numSeqs",
  "numRunning",
  "numWaiting",
  "numSwapped",
  "prefixCacheQueries",
  "prefixCacheHits",
  "numPreemptions",
] as const;

/** Throws a `metrics.bad_value` error for a negative, fractional or out-of-range field. */
export function validateStep(step: StepRecord): void {
  for (const key of COUNTS) assertCount(step[key], `step.${key}`);
  assertNonNegative(step.prefillSeconds, "step.prefillSeconds");
  assertNonNegative(step.decodeSeconds, "step.decodeSeconds");
  if (!(step.kvCacheUsage >= 0 && step.kvCacheUsage <= 1)) {
    throw new MetricsError(
      "metrics.bad_value",
      `step.kvCacheUsage must be in [0, 1], got ${step.kvCacheUsage}`,
      {
        details: { field: "step.kvCacheUsage", value: step.kvCacheUsage },
      },
    );
  }
  if (step.prefixCacheHits > step.prefixCacheQueries) {
    throw new MetricsError(
      "metrics.bad_value",
      `step.prefixCacheHits (${step.prefixCacheHits}) exceeds prefixCacheQueries (${step.prefixCacheQueries})`,
    );
  }
}
