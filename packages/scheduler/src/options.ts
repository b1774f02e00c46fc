import type { KVCacheManager } from "@pagoda/kv-paging";
import { checkInt, SchedulerError } from "./errors.js";
import type { PolicyOptions } from "./policies/options.js";
import type { SchedulingPolicy } from "./policies/policy.js";
import type { PreemptionMode } from "./preemption.js";

/** Options of a {@link Scheduler}. */
export interface SchedulerOptions {
  /** The paged KV cache the scheduler allocates from (sized with kv-paging's `planKVCache`). */
  kvCache: KVCacheManager;
  /** Token budget of one step: decode tokens plus prefill chunks. At least `maxNumSeqs`. */
  maxNumBatchedTokens: number;
  /** Most requests in the running set (scheduled or holding blocks) at once. */
  maxNumSeqs: number;
  /** A registered policy name (default `"fcfs"`) or a policy instance. */
  policy?: string | SchedulingPolicy;
  /** Options for a policy given by name, e.g. `{ agingPerSecond: 0.1 }`. */
  policyOptions?: PolicyOptions;
  /** How to preempt when blocks run out (default `"recompute"`); `"swap"` needs host blocks in `kvCache`. */
  preemptionMode?: PreemptionMode;
  /** The model's EOS token ids: generation stops on them unless a request sets `ignoreEos`. */
  eosTokenIds?: readonly number[];
  /** Largest prefill chunk of one request in one step; 0 (default) = only the step budget limits it. */
  longPrefillTokenThreshold?: number;
  /** Longest sequence (prompt + outputs) the model takes: speculative drafts are trimmed to it. Default: no limit. */
  maxModelLen?: number;
  /** Milliseconds for arrival and token timestamps (default `performance.now`); simulators pass their own. */
  clock?: () => number;
}

/** {@link SchedulerOptions} with the defaults filled in, checked. */
export interface ResolvedOptions {
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
  preemptionMode: PreemptionMode;
  eosTokenIds: ReadonlySet<number>;
  maxChunk: number;
  /** `Infinity` when not given. */
  maxModelLen: number;
  clock: () => number;
}

/** Checks `options` and fills in defaults; throws `scheduler.invalid_option`. */
export function resolveOptions(options: SchedulerOptions): ResolvedOptions {
  const { maxNumBatchedTokens, maxNumSeqs, preemptionMode = "recompute" } = options;
  checkInt("maxNumSeqs", maxNumSeqs, 1);
  checkInt("maxNumBatchedTokens", maxNumBatchedTokens, maxNumSeqs);
  const threshold = options.longPrefillTokenThreshold ?? 0;
  checkInt("longPrefillTokenThreshold", threshold, 0);
  if (preemptionMode !== "recompute" && preemptionMode !== "swap") {
    throw new SchedulerError(
      "scheduler.invalid_option",
      `preemptionMode must be "recompute" or "swap", got ${String(preemptionMode)}`,
      { details: { preemptionMode } },
    );
  }
  if (options.maxModelLen !== undefined) checkInt("maxModelLen", options.maxModelLen, 1);
  const eos = options.eosTokenIds ?? [];
  for (const id of eos) checkInt("eosTokenIds[i]", id, 0);
  return {
    maxNumBatchedTokens,
    maxNumSeqs,
    preemptionMode,
    eosTokenIds: new Set(eos),
    maxChunk: threshold === 0 ? Number.POSITIVE_INFINITY : threshold,
    maxModelLen: options.maxModelLen ?? Number.POSITIVE_INFINITY,
    clock: options.clock ?? (() => performance.now()),
  };
}
