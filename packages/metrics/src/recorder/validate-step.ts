import { assertNonNegative, badValue, isCount, MetricsError } from "../errors.js";
import type { SchedulerState, SpecDecodeStep, StepRecord } from "../events.js";

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
  for (const key of COUNTS) {
    if (!isCount(step[key])) throw badValue(`step.${key}`, step[key], "an integer ≥ 0");
  }
  assertNonNegative(step.prefillSeconds, "step.prefillSeconds");
  assertNonNegative(step.decodeSeconds, "step.decodeSeconds");
  if (!(step.kvCacheUsage >= 0 && step.kvCacheUsage <= 1)) {
    throw badValue("step.kvCacheUsage", step.kvCacheUsage, "in [0, 1]");
  }
  if (step.prefixCacheHits > step.prefixCacheQueries) {
    throw new MetricsError(
      "metrics.bad_value",
      `step.prefixCacheHits (${step.prefixCacheHits}) exceeds prefixCacheQueries (${step.prefixCacheQueries})`,
    );
  }
  if (step.specDecode !== undefined) validateSpecDecode(step.specDecode);
}

function validateSpecDecode(s: SpecDecodeStep): void {
  for (const key of ["numDrafts", "numDraftTokens", "numAcceptedTokens"] as const) {
    if (!isCount(s[key])) throw badValue(`step.specDecode.${key}`, s[key], "an integer ≥ 0");
  }
  let sum = 0;
  s.numAcceptedTokensPerPos.forEach((n, i) => {
    if (!(isCount(n) && n <= s.numDrafts)) {
      throw badValue(
        `step.specDecode.numAcceptedTokensPerPos[${i}]`,
        n,
        `an integer in [0, numDrafts = ${s.numDrafts}]`,
      );
    }
    sum += n;
  });
  if (s.numAcceptedTokens > s.numDraftTokens || sum !== s.numAcceptedTokens) {
    throw new MetricsError(
      "metrics.bad_value",
      `step.specDecode: ${s.numAcceptedTokens} accepted of ${s.numDraftTokens} draft tokens, ${sum} by position`,
    );
  }
}

/** Throws `metrics.bad_value` for a gauge that no scheduler could report. */
export function validateState(state: SchedulerState): void {
  for (const key of ["numRunning", "numWaiting", "numSwapped"] as const) {
    if (!isCount(state[key])) throw badValue(`state.${key}`, state[key], "an integer ≥ 0");
  }
  if (!(state.kvCacheUsage >= 0 && state.kvCacheUsage <= 1)) {
    throw badValue("state.kvCacheUsage", state.kvCacheUsage, "in [0, 1]");
  }
}
