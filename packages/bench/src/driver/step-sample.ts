import type { StepRecord } from "@pagoda/metrics";
import type { SchedulerStats } from "@pagoda/scheduler";
import type { SimulatedStep } from "../sim/simulated-executor.js";

/** One step of a run, compact, for charts and the fidelity comparison. */
export interface StepSample {
  /** Seconds from the start when the step ended. */
  time: number;
  seconds: number;
  numSeqs: number;
  numPrefillTokens: number;
  numDecodeTokens: number;
  /** Share of KV blocks in use after the step. */
  kvUsage: number;
}

/** The sample and the metrics step record of a simulated step (time split between phases by tokens). */
export function stepRecord(
  step: SimulatedStep | null,
  end: number,
  stats: SchedulerStats,
  numPreemptions: number,
): { sample: StepSample; record: StepRecord } {
  const seconds = step?.timing.seconds ?? 0;
  const prefill = step?.numPrefillTokens ?? 0;
  const decode = step?.numDecodeTokens ?? 0;
  const numSeqs = step?.timing.cost.numSeqs ?? 0;
  const share = prefill + decode === 0 ? 0 : prefill / (prefill + decode);
  return {
    sample: {
      time: end,
      seconds,
      numSeqs,
      numPrefillTokens: prefill,
      numDecodeTokens: decode,
      kvUsage: stats.kv.usage,
    },
    record: {
      numPrefillTokens: prefill,
      numDecodeTokens: decode,
      numSeqs,
      prefillSeconds: seconds * share,
      decodeSeconds: seconds * (1 - share),
      kvCacheUsage: stats.kv.usage,
      numRunning: stats.numRunning,
      numWaiting: stats.numWaiting,
      numSwapped: stats.numSwapped,
      prefixCacheQueries: 0,
      prefixCacheHits: 0,
      numPreemptions,
    },
  };
}
