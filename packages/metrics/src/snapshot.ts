import type { LatencySnapshot, RequestCountsSnapshot } from "./recorder/request-stats.js";
import type { SpecDecodeSnapshot } from "./recorder/spec-decode-stats.js";
import type { BottleneckSnapshot, SchedulerSnapshot, StepsSnapshot } from "./recorder/step-stats.js";

/** Throughput over the span of the events seen, on the engine's clock. */
export interface ThroughputSnapshot {
  /** Earliest and latest event time seen (null before any request event). */
  readonly startTime: number | null;
  readonly endTime: number | null;
  /** Requests finished, prompt and generation tokens per second over that span (null if it is 0). */
  readonly requestsPerSecond: number | null;
  readonly promptTokensPerSecond: number | null;
  readonly generationTokensPerSecond: number | null;
}

/**
 * Every figure of a {@link MetricsRecorder}, as plain JSON-serialisable data (numbers, strings,
 * nulls) for the playground and the benchmarks. Times and durations are in seconds.
 */
export interface MetricsSnapshot {
  readonly requests: RequestCountsSnapshot;
  readonly latency: LatencySnapshot;
  readonly throughput: ThroughputSnapshot;
  readonly scheduler: SchedulerSnapshot;
  readonly steps: StepsSnapshot;
  /** Null when the recorder was made without a model shape and device profile. */
  readonly bottleneck: BottleneckSnapshot | null;
  /** Speculative decoding's drafts and acceptance (zeros when the engine does not speculate). */
  readonly specDecode: SpecDecodeSnapshot;
}
