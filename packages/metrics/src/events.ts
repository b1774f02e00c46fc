/**
 * The engine's input to metrics: plain, JSON-serialisable data. Every time is in SECONDS (a float)
 * on one monotonic clock chosen by the engine, e.g. `performance.now() / 1000`; every duration the
 * package reports is in seconds too, as Prometheus names (`*_seconds`) expect.
 */

/** Why a request ended; the `finished_reason` label of `pagoda:request_success_total`. */
export type FinishReason = "stop" | "length" | "abort" | "error";

/** Every finish reason, in a fixed order (for tables and zero-initialised counters). */
export const FINISH_REASONS: readonly FinishReason[] = ["stop", "length", "abort", "error"];

/** The request entered the engine (before tokenization finished counts as arrival too). */
export interface RequestArrived {
  readonly kind: "arrived";
  readonly requestId: string;
  readonly time: number;
  readonly numPromptTokens: number;
  /** Samples the request asked for (the `n` parameter); defaults to 1. */
  readonly n?: number;
}

/**
 * The scheduler gave the request a slot in a step. Sent the first time and again on every resume
 * after a preemption; queue time ends at the first one.
 */
export interface RequestScheduled {
  readonly kind: "scheduled";
  readonly requestId: string;
  readonly time: number;
}

/**
 * The request produced output tokens at `time`. One event per step that produced tokens for it:
 * `numTokens` is 1 for plain decoding, more for speculative decoding. Each event after the first
 * gives one inter-token latency sample (the gap since the previous event).
 */
export interface RequestToken {
  readonly kind: "token";
  readonly requestId: string;
  readonly time: number;
  /** Defaults to 1. */
  readonly numTokens?: number;
}

/** The scheduler took the request's blocks away (recompute or swap). Counted per request. */
export interface RequestPreempted {
  readonly kind: "preempted";
  readonly requestId: string;
  readonly time: number;
}

/** The request ended; its timings are folded into the histograms and its state is dropped. */
export interface RequestFinished {
  readonly kind: "finished";
  readonly requestId: string;
  readonly time: number;
  readonly reason: FinishReason;
}

/** One step of a request's life, as the engine reports it. */
export type RequestEvent =
  | RequestArrived
  | RequestScheduled
  | RequestToken
  | RequestPreempted
  | RequestFinished;

/**
 * The shape of one step's batch, for the bottleneck report: parallel arrays, one entry per
 * scheduled sequence (typed arrays are welcome).
 */
export interface StepBatchShape {
  /** [numSeqs] tokens computed for the sequence this step (prefill chunk length, or 1 to decode). */
  readonly numNewTokens: ArrayLike<number>;
  /** [numSeqs] tokens already in the KV cache before this step (computed + prefix-cache hits). */
  readonly numContextTokens: ArrayLike<number>;
}

/**
 * Speculative decoding in one step, summed over the requests that verified drafts (vLLM's
 * `spec_decode` counters). Absent, or all zero, in a step without drafts.
 */
export interface SpecDecodeStep {
  /** Requests that verified drafts this step (one "draft" each, as vLLM counts). */
  readonly numDrafts: number;
  /** Draft tokens verified. */
  readonly numDraftTokens: number;
  /** Draft tokens accepted (the bonus or residual token each request also gets is not counted). */
  readonly numAcceptedTokens: number;
  /** [position] requests whose draft at that 0-based position was accepted; sums to `numAcceptedTokens`. */
  readonly numAcceptedTokensPerPos: readonly number[];
}

/** What one engine step did and the scheduler's state after it. */
export interface StepRecord {
  /** Prompt tokens computed this step (all prefill chunks). */
  readonly numPrefillTokens: number;
  /** Tokens computed for sequences past their prompt (1 per decoding sequence, plus its draft tokens). */
  readonly numDecodeTokens: number;
  /** Sequences in the batch. */
  readonly numSeqs: number;
  /**
   * Wall time of the step spent on prefill and on decode work. For a mixed batch the engine
   * splits the one forward pass between them (e.g. by token share); their sum is the step time.
   */
  readonly prefillSeconds: number;
  readonly decodeSeconds: number;
  /** Fraction of KV cache blocks in use after the step, 0..1. */
  readonly kvCacheUsage: number;
  readonly numRunning: number;
  readonly numWaiting: number;
  readonly numSwapped: number;
  /** Prompt tokens looked up in the prefix cache this step, and how many of them hit. */
  readonly prefixCacheQueries: number;
  readonly prefixCacheHits: number;
  /** Requests preempted this step (this, not `preempted` events, feeds the preemption counter). */
  readonly numPreemptions: number;
  /** Per-sequence shape, needed only for the bottleneck report. */
  readonly batch?: StepBatchShape;
  /** Draft tokens verified and accepted this step, when the engine speculates. */
  readonly specDecode?: SpecDecodeStep;
}

/**
 * The scheduler's gauges at a moment between steps: after an abort frees blocks, or when the
 * engine goes idle. Recorded with `MetricsRecorder.recordState`, it replaces the gauges of the
 * latest step without counting a step.
 */
export type SchedulerState = Pick<StepRecord, "kvCacheUsage" | "numRunning" | "numWaiting" | "numSwapped">;
