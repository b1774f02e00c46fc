import type { SchedulerInspection } from "@pagoda/scheduler";

/** What one engine step computed. */
export interface StepSummary {
  /** Prompt tokens computed (all prefill chunks). */
  numPrefillTokens: number;
  /** Sequences that decoded one token. */
  numDecodeTokens: number;
  /** Sequences in the batch. */
  numSeqs: number;
}

/**
 * A live view of the engine: request ids by state (scheduler ids: sample `i > 0` of a request
 * is `id#i`), the KV block map, and the last step's batch. JSON-serialisable.
 */
export interface EngineInspection extends SchedulerInspection {
  /** `null` before the first step. */
  lastStep: StepSummary | null;
}
