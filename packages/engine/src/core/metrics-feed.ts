import type { MetricsRecorder, SpecDecodeStep, StepBatchShape } from "@pagoda/metrics";
import type { SchedulerOutput, SchedulerStats, RequestOutput as SchedulerUpdate } from "@pagoda/scheduler";
import type { EngineFinishReason } from "./types.js";

/** Maps a scheduler id (one sample) to its user request id and prompt length; `undefined` once gone. */
export type SampleLookup = (
  schedulerId: string,
) => { requestId: string; numPromptTokens: number } | undefined;

/** What a step computes, read from its output before it runs. */
export interface StepShape {
  numPrefillTokens: number;
  numDecodeTokens: number;
  batch: StepBatchShape;
}

/**
 * Turns the engine's lifecycle into `@pagoda/metrics` events (seconds on one monotonic clock):
 * request events keyed by the user's request id (a request with `n` samples is one request
 * whose tokens are all its samples' tokens), and one `StepRecord` per step. Without a recorder
 * every call is a no-op, so the engine never checks.
 */
export class MetricsFeed {
  private numPreemptions: number;
  private prefixCacheQueries: number;
  private prefixCacheHits: number;

  /** `start`: the scheduler's counters now, so the first step records only its own. */
  constructor(
    private readonly recorder: MetricsRecorder | undefined,
    start: SchedulerStats,
    private readonly clock: () => number = () => performance.now() / 1000,
  ) {
    this.numPreemptions = start.numRecomputePreemptions + start.numSwapPreemptions;
    this.prefixCacheQueries = start.kv.prefixCacheQueries;
    this.prefixCacheHits = start.kv.prefixCacheHits;
  }

  /** A request entered the engine, asking for `n` samples. */
  arrived(requestId: string, numPromptTokens: number, n = 1): void {
    this.recorder?.record({ kind: "arrived", requestId, time: this.clock(), numPromptTokens, n });
  }

  /** Samples that got a slot (first time, or back after a preemption) and those preempted. */
  scheduled(out: SchedulerOutput, lookup: SampleLookup): void {
    if (this.recorder === undefined) return;
    const time = this.clock();
    for (const id of out.preemptedReqIds) {
      const s = lookup(id);
      if (s !== undefined) this.recorder.record({ kind: "preempted", requestId: s.requestId, time });
    }
    for (const r of out.scheduledNewReqs) {
      const s = lookup(r.requestId);
      if (s !== undefined) this.recorder.record({ kind: "scheduled", requestId: s.requestId, time });
    }
  }

  /** One `token` event per request that got tokens this step, its samples' tokens summed. */
  tokens(updates: readonly SchedulerUpdate[], lookup: SampleLookup): void {
    if (this.recorder === undefined) return;
    const counts = new Map<string, number>();
    for (const u of updates) {
      const s = lookup(u.requestId);
      if (s !== undefined && u.newTokenIds.length > 0) {
        counts.set(s.requestId, (counts.get(s.requestId) ?? 0) + u.newTokenIds.length);
      }
    }
    const time = this.clock();
    for (const [requestId, numTokens] of counts)
      this.recorder.record({ kind: "token", requestId, time, numTokens });
  }

  finished(requestId: string, reason: EngineFinishReason): void {
    this.recorder?.record({ kind: "finished", requestId, time: this.clock(), reason });
  }

  /**
   * Records the scheduler's gauges now: after an abort frees blocks, or when the loop goes idle,
   * so `/metrics` does not keep the last step's running requests and KV usage.
   */
  state(stats: SchedulerStats): void {
    this.recorder?.recordState({
      kvCacheUsage: stats.kv.usage,
      numRunning: stats.numRunning,
      numWaiting: stats.numWaiting,
      numSwapped: stats.numSwapped,
    });
  }

  /**
   * The shape of a step about to run (`null` without a recorder). A sequence computing one token
   * past its prompt, and the draft tokens it verifies, decodes; every other scheduled token
   * (prompt chunks, a sample's last prompt token, a recompute after preemption) is prefill.
   */
  shape(out: SchedulerOutput, lookup: SampleLookup): StepShape {
    const numNewTokens: number[] = [];
    const numContextTokens: number[] = [];
    let numPrefillTokens = 0;
    let numDecodeTokens = 0;
    const add = (id: string, numComputed: number, numPrompt: number) => {
      const n = out.numScheduledTokens[id] ?? 0;
      numNewTokens.push(n);
      numContextTokens.push(numComputed);
      const numDrafts = out.scheduledSpecTokens?.[id]?.length ?? 0;
      if (n === 1 + numDrafts && numComputed >= numPrompt) numDecodeTokens += n;
      else numPrefillTokens += n;
    };
    for (const r of out.scheduledNewReqs) add(r.requestId, r.numComputedTokens, r.numPromptTokens);
    for (const r of out.scheduledCachedReqs) {
      add(r.requestId, r.numComputedTokens, lookup(r.requestId)?.numPromptTokens ?? 0);
    }
    return { numPrefillTokens, numDecodeTokens, batch: { numNewTokens, numContextTokens } };
  }

  /**
   * Records a step that ran for `seconds` (the executor's wall time, and the proposer's, split
   * between prefill and decode by their token shares), with the scheduler's state after it and
   * its speculative decoding counts when drafts were verified.
   */
  step(shape: StepShape, seconds: number, stats: SchedulerStats, specDecode?: SpecDecodeStep): void {
    if (this.recorder === undefined) return;
    const { numPrefillTokens, numDecodeTokens, batch } = shape;
    const total = numPrefillTokens + numDecodeTokens;
    const prefillSeconds = total === 0 ? 0 : Math.min(seconds, (seconds * numPrefillTokens) / total);
    const numPreemptions = stats.numRecomputePreemptions + stats.numSwapPreemptions;
    const { prefixCacheQueries, prefixCacheHits } = stats.kv;
    this.recorder.recordStep({
      numPrefillTokens,
      numDecodeTokens,
      numSeqs: batch.numNewTokens.length,
      prefillSeconds,
      decodeSeconds: Math.max(0, seconds - prefillSeconds),
      kvCacheUsage: stats.kv.usage,
      numRunning: stats.numRunning,
      numWaiting: stats.numWaiting,
      numSwapped: stats.numSwapped,
      prefixCacheQueries: prefixCacheQueries - this.prefixCacheQueries,
      prefixCacheHits: prefixCacheHits - this.prefixCacheHits,
      numPreemptions: numPreemptions - this.numPreemptions,
      batch,
      ...(specDecode !== undefined && { specDecode }),
    });
    this.numPreemptions = numPreemptions;
    this.prefixCacheQueries = prefixCacheQueries;
    this.prefixCacheHits = prefixCacheHits;
  }
}
