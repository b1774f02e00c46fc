import type { FinishReason } from "../events.js";

/**
 * The timings of one finished request, in seconds; JSON-serialisable. A phase the request never
 * reached is null (no queue time for a request aborted before it was scheduled, no TTFT without a
 * token, no TPOT with fewer than two tokens), and null values are not observed in histograms.
 */
export interface FinishedRequest {
  readonly requestId: string;
  readonly reason: FinishReason;
  readonly numPromptTokens: number;
  /** Samples the request asked for (`n`). */
  readonly n: number;
  readonly numGenerationTokens: number;
  /** `preempted` events seen for this request. */
  readonly numPreemptions: number;
  readonly arrivalTime: number;
  readonly finishTime: number;
  /** finish − arrival. */
  readonly e2eSeconds: number;
  /** first scheduled − arrival. */
  readonly queueSeconds: number | null;
  /** first token − arrival. */
  readonly ttftSeconds: number | null;
  /** first token − first scheduled. */
  readonly prefillSeconds: number | null;
  /** last token − first token. */
  readonly decodeSeconds: number | null;
  /** last token − first scheduled: time spent running (prefill + decode). */
  readonly inferenceSeconds: number | null;
  /** decode time ÷ (generation tokens − 1): the mean time per output token after the first. */
  readonly tpotSeconds: number | null;
}
