import type { StepBottleneck } from "../bottleneck/roofline.js";
import type { SchedulerState, StepRecord } from "../events.js";
import { QuantileSketch } from "../sketch/quantile-sketch.js";
import { type DistributionSummary, summarize } from "../sketch/summary.js";

/** The scheduler's state after the latest step (or later state record), and its cumulative counters. */
export interface SchedulerSnapshot {
  readonly numRunning: number;
  readonly numWaiting: number;
  readonly numSwapped: number;
  /** Fraction of KV cache blocks in use, 0..1. */
  readonly kvCacheUsage: number;
  readonly numPreemptions: number;
  readonly prefixCacheQueries: number;
  readonly prefixCacheHits: number;
  /** hits ÷ queries (tokens), or null before any query. */
  readonly prefixCacheHitRate: number | null;
}

/** What the steps did, in total and per step. */
export interface StepsSnapshot {
  readonly count: number;
  readonly numPrefillTokens: number;
  readonly numDecodeTokens: number;
  /** Seconds of step time spent on prefill and on decode. */
  readonly prefillSeconds: number;
  readonly decodeSeconds: number;
  /** Tokens computed per step (prefill + decode): vLLM's `iteration_tokens_total`. */
  readonly tokensPerStep: DistributionSummary;
  readonly seqsPerStep: DistributionSummary;
  /** Step wall time (prefill + decode seconds). */
  readonly stepSeconds: DistributionSummary;
}

/** The roofline verdicts of the steps recorded with a batch shape. */
export interface BottleneckSnapshot {
  readonly device: string;
  readonly ridgePoint: number;
  readonly numComputeBound: number;
  readonly numMemoryBound: number;
  readonly arithmeticIntensity: DistributionSummary;
  /** The latest step's report, or null before the first. */
  readonly last: StepBottleneck | null;
}

/** The step-side accumulators of a recorder. */
export class StepStats {
  private count = 0;
  private numPrefillTokens = 0;
  private numDecodeTokens = 0;
  private prefillSeconds = 0;
  private decodeSeconds = 0;
  private numPreemptions = 0;
  private prefixCacheQueries = 0;
  private prefixCacheHits = 0;
  private latest: SchedulerState | null = null;
  private readonly tokensPerStep: QuantileSketch;
  private readonly seqsPerStep: QuantileSketch;
  private readonly stepSeconds: QuantileSketch;
  private readonly intensity: QuantileSketch;
  private numComputeBound = 0;
  private numMemoryBound = 0;
  private lastBottleneck: StepBottleneck | null = null;

  constructor(relativeError: number) {
    this.tokensPerStep = new QuantileSketch({ relativeError });
    this.seqsPerStep = new QuantileSketch({ relativeError });
    this.stepSeconds = new QuantileSketch({ relativeError });
    this.intensity = new QuantileSketch({ relativeError });
  }

  /** Folds in one (validated) step and its bottleneck report, if any. */
  add(step: StepRecord, bottleneck: StepBottleneck | null): void {
    this.count++;
    this.numPrefillTokens += step.numPrefillTokens;
    this.numDecodeTokens += step.numDecodeTokens;
    this.prefillSeconds += step.prefillSeconds;
    this.decodeSeconds += step.decodeSeconds;
    this.numPreemptions += step.numPreemptions;
    this.prefixCacheQueries += step.prefixCacheQueries;
    this.prefixCacheHits += step.prefixCacheHits;
    this.latest = step;
    this.tokensPerStep.add(step.numPrefillTokens + step.numDecodeTokens);
    this.seqsPerStep.add(step.numSeqs);
    this.stepSeconds.add(step.prefillSeconds + step.decodeSeconds);
    if (bottleneck !== null) {
      this.intensity.add(bottleneck.arithmeticIntensity);
      if (bottleneck.bound === "compute") this.numComputeBound++;
      else this.numMemoryBound++;
      this.lastBottleneck = bottleneck;
    }
  }

  /** Replaces the gauges between steps (a validated state record); counts no step. */
  setState(state: SchedulerState): void {
    this.latest = state;
  }

  /** Gauges from the latest step or state (zeros before the first) and cumulative scheduler counters. */
  scheduler(): SchedulerSnapshot {
    const s = this.latest;
    return {
      numRunning: s?.numRunning ?? 0,
      numWaiting: s?.numWaiting ?? 0,
      numSwapped: s?.numSwapped ?? 0,
      kvCacheUsage: s?.kvCacheUsage ?? 0,
      numPreemptions: this.numPreemptions,
      prefixCacheQueries: this.prefixCacheQueries,
      prefixCacheHits: this.prefixCacheHits,
      prefixCacheHitRate:
        this.prefixCacheQueries === 0 ? null : this.prefixCacheHits / this.prefixCacheQueries,
    };
  }

  /** Step totals and per-step distributions. */
  steps(): StepsSnapshot {
    return {
      count: this.count,
      numPrefillTokens: this.numPrefillTokens,
      numDecodeTokens: this.numDecodeTokens,
      prefillSeconds: this.prefillSeconds,
      decodeSeconds: this.decodeSeconds,
      tokensPerStep: summarize(this.tokensPerStep),
      seqsPerStep: summarize(this.seqsPerStep),
      stepSeconds: summarize(this.stepSeconds),
    };
  }

  /** The bottleneck section for `device` with ridge point `ridge`. */
  bottleneck(device: string, ridge: number): BottleneckSnapshot {
    return {
      device,
      ridgePoint: ridge,
      numComputeBound: this.numComputeBound,
      numMemoryBound: this.numMemoryBound,
      arithmeticIntensity: summarize(this.intensity),
      last: this.lastBottleneck,
    };
  }
}
