import type { KVCacheManager } from "@pagoda/kv-paging";
import { broken } from "./errors.js";
import type { SchedulerRequest } from "./request.js";

/**
 * Parallel sampling (`n > 1`) by fork and copy-on-write. A request with samples prefills all but
 * its last prompt token; then each sample gets a table sharing every block of the request
 * (`KVCacheManager.fork`) and becomes an ordinary running request from that point. Every sample,
 * the request included, computes the last prompt token itself and samples its own first token,
 * so they differ from the first token on; the shared, partly filled last block is copied by the
 * first write of each holder but one. From the fork on nothing ties the samples together: each
 * one is preempted, swapped, finished or aborted alone.
 */
export class Forks {
  /** Samples added and not yet forked (nor cancelled): nothing to do while 0. */
  numUnforked = 0;

  constructor(private readonly kv: KVCacheManager) {}

  /** Registers `parent`'s samples; they wait on it, in no queue. */
  attach(parent: SchedulerRequest, samples: readonly SchedulerRequest[]): void {
    for (const s of samples) {
      s.forkOf = parent;
      parent.pendingForks.push(s);
    }
    this.numUnforked += samples.length;
  }

  /** A sample finished (aborted) before its fork: it leaves its parent's list. */
  detach(sample: SchedulerRequest): void {
    const parent = sample.forkOf as SchedulerRequest;
    const i = parent.pendingForks.indexOf(sample);
    if (i < 0) broken(`sample ${sample.requestId} is not pending on ${parent.requestId}`);
    parent.pendingForks.splice(i, 1);
    sample.forkOf = null;
    this.numUnforked--;
  }

  /** True when `r` has computed all but its last prompt token and its samples wait. */
  isReady(r: SchedulerRequest): boolean {
    return r.pendingForks.length > 0 && r.numComputedTokens === r.forkPoint;
  }

  /** Tokens `r` may compute next from `numComputed`: it stops at the fork point while samples wait. */
  numPending(r: SchedulerRequest, numComputed: number): number {
    const end = r.pendingForks.length > 0 ? r.forkPoint : r.tokenIds.length;
    return end - numComputed;
  }

  /** Seats that running parents hold for their samples. */
  reservedSeats(running: readonly SchedulerRequest[]): number {
    if (this.numUnforked === 0) return 0;
    let n = 0;
    for (const r of running) n += r.pendingForks.length;
    return n;
  }

  /**
   * Forks `parent`'s samples (it must be {@link isReady} and on the device) and returns them:
   * each holds the parent's blocks and counts, and must next write through the KV cache manager.
   */
  fork(parent: SchedulerRequest): SchedulerRequest[] {
    const samples = parent.pendingForks.splice(0);
    this.numUnforked -= samples.length;
    parent.sharedTail = true;
    for (const s of samples) {
      this.kv.fork(parent.requestId, s.requestId);
      s.forkOf = null;
      s.sharedTail = true;
      s.numComputedTokens = parent.numComputedTokens;
      s.kvTokens = parent.kvTokens;
      s.numBlocks = parent.numBlocks;
      s.firstScheduledStep = parent.firstScheduledStep;
      s.numCachedPromptTokens = parent.numCachedPromptTokens;
    }
    return samples;
  }
}
