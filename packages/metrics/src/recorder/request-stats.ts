import { FINISH_REASONS, type FinishReason } from "../events.js";
import { QuantileSketch } from "../sketch/quantile-sketch.js";
import { type DistributionSummary, summarize } from "../sketch/summary.js";
import type { FinishedRequest } from "./finished-request.js";

/** Per-request latency distributions, in seconds. */
export interface LatencySnapshot {
  /** Time to first token: arrival → first token. */
  readonly ttft: DistributionSummary;
  /** Time per output token, one value per request with ≥ 2 tokens. */
  readonly tpot: DistributionSummary;
  /** Inter-token latency: every gap between a request's consecutive token events. */
  readonly itl: DistributionSummary;
  /** End-to-end: arrival → finish. */
  readonly e2e: DistributionSummary;
  /** Arrival → first scheduled. */
  readonly queue: DistributionSummary;
  /** First scheduled → first token. */
  readonly prefill: DistributionSummary;
  /** First token → last token. */
  readonly decode: DistributionSummary;
  /** First scheduled → last token. */
  readonly inference: DistributionSummary;
}

/** Request counts and token totals. */
export interface RequestCountsSnapshot {
  readonly arrived: number;
  readonly inFlight: number;
  readonly finished: number;
  readonly finishedByReason: Readonly<Record<FinishReason, number>>;
  /** Prompt tokens of requests that got their first token (counted once prefill is done). */
  readonly promptTokens: number;
  readonly generationTokens: number;
}

/** The request-side accumulators of a recorder: sketches and counters, nothing per request. */
export class RequestStats {
  readonly ttft: QuantileSketch;
  readonly tpot: QuantileSketch;
  readonly itl: QuantileSketch;
  readonly e2e: QuantileSketch;
  readonly queue: QuantileSketch;
  readonly prefill: QuantileSketch;
  readonly decode: QuantileSketch;
  readonly inference: QuantileSketch;
  arrived = 0;
  promptTokens = 0;
  generationTokens = 0;
  private readonly byReason: Record<FinishReason, number> = { stop: 0, length: 0, abort: 0, error: 0 };

  constructor(relativeError: number) {
    const make = () => new QuantileSketch({ relativeError });
    this.ttft = make();
    this.tpot = make();
    this.itl = make();
    this.e2e = make();
    this.queue = make();
    this.prefill = make();
    this.decode = make();
    this.inference = make();
  }

  /** Folds a finished request into the distributions (TTFT and ITL were added as tokens came). */
  addFinished(r: FinishedRequest): void {
    this.byReason[r.reason]++;
    this.e2e.add(r.e2eSeconds);
    if (r.queueSeconds !== null) this.queue.add(r.queueSeconds);
    if (r.prefillSeconds !== null) this.prefill.add(r.prefillSeconds);
    if (r.decodeSeconds !== null) this.decode.add(r.decodeSeconds);
    if (r.inferenceSeconds !== null) this.inference.add(r.inferenceSeconds);
    if (r.tpotSeconds !== null) this.tpot.add(r.tpotSeconds);
  }

  /** Summaries of every latency distribution. */
  latency(): LatencySnapshot {
    return {
      ttft: summarize(this.ttft),
      tpot: summarize(this.tpot),
      itl: summarize(this.itl),
      e2e: summarize(this.e2e),
      queue: summarize(this.queue),
      prefill: summarize(this.prefill),
      decode: summarize(this.decode),
      inference: summarize(this.inference),
    };
  }

  /** Request counts, given how many are still in flight. */
  counts(inFlight: number): RequestCountsSnapshot {
    let finished = 0;
    for (const reason of FINISH_REASONS) finished += this.byReason[reason];
    return {
      arrived: this.arrived,
      inFlight,
      finished,
      finishedByReason: { ...this.byReason },
      promptTokens: this.promptTokens,
      generationTokens: this.generationTokens,
    };
  }
}
