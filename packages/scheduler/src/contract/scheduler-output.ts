import type { SamplingParams } from "./sampling-params.js";

/**
 * A request the executor has not seen, or must rebuild after a preemption (recompute, or swap:
 * its K/V then arrive through `swapIn` and `numComputedTokens` covers them): sent in full.
 * Everything is plain data (ids, numbers, arrays) so the step can cross a worker boundary.
 */
export interface NewRequestData {
  requestId: string;
  /** Every token known so far: the prompt, then any output kept across a preemption. */
  tokenIds: number[];
  numPromptTokens: number;
  samplingParams: SamplingParams;
  /** The request's whole block table. */
  blockIds: number[];
  /** Tokens whose K/V are already in the cache (prefix-cache hits, or a forked parent's prompt). */
  numComputedTokens: number;
}

/** A request the executor already holds: only what changed since its last step. */
export interface CachedRequestData {
  requestId: string;
  /** Blocks appended to the request's table since the last step. */
  newBlockIds: number[];
  /**
   * When present, the request's whole block table, replacing the executor's copy (then
   * `newBlockIds` is empty): copy-on-write swaps a shared last block for a private one, which
   * appending cannot say.
   */
  blockIds?: number[];
  /**
   * Tokens in the cache before this step's tokens are computed. After a step with draft tokens
   * it counts only the accepted ones: K/V written for rejected drafts is stale, and this step
   * overwrites it (the executor's own token list ends with the tokens it sampled).
   */
  numComputedTokens: number;
  /**
   * When present, the executor's token list is cut to `numComputedTokens` and these are appended:
   * tokens it did not sample itself. The scheduler never sets it (its executor samples every
   * output token); a driver that owns the sequence elsewhere (the engine's draft-model proposer,
   * whose sequence grows by the target's tokens) sends the tail instead of the whole request.
   */
  newTokenIds?: number[];
}

/** What to compute in one step: the scheduler's whole decision, as JSON-serialisable data. */
export interface SchedulerOutput {
  /** Monotonic step number, for logs and metrics. */
  step: number;
  scheduledNewReqs: NewRequestData[];
  scheduledCachedReqs: CachedRequestData[];
  /** reqId -> tokens computed this step (a prefill chunk, or 1 for decode). */
  numScheduledTokens: Record<string, number>;
  /** Sum of `numScheduledTokens`. */
  totalNumScheduledTokens: number;
  /** Requests finished or aborted since the last step: the executor frees their state. */
  finishedReqIds: string[];
  /** Requests preempted (by recompute, or swapped out): the executor drops their state; they come back as new. */
  preemptedReqIds: string[];
  /** Copy-on-write: [srcBlock, dstBlock] device copies to run before this step's compute. */
  blockCopies: Array<[number, number]>;
  /** [deviceBlock, hostBlock]: move to host memory before this step's compute. */
  swapOut: Array<[number, number]>;
  /** [hostBlock, deviceBlock]: move back to the device before this step's compute. */
  swapIn: Array<[number, number]>;
  /**
   * Speculative decoding: reqId -> draft tokens to verify this step, for decoding requests with
   * proposals only (absent = none anywhere). `numScheduledTokens` counts them: 1 + k for a
   * request with k drafts, whose slots are reserved. The executor computes the last known token
   * and the k drafts in the one forward pass, then samples 1 to k + 1 tokens (see
   * `ExecutorOutput.sampledTokenIds`).
   */
  scheduledSpecTokens?: Record<string, number[]>;
  /**
   * reqId -> the grammar's allowed next tokens (packed bitmask, bit t of word t >> 5), for
   * constrained requests only; absent when the executor takes them late (`LateStepInputs`).
   */
  tokenMasks?: Record<string, Int32Array>;
}
