import type { KVCacheManager } from "@pagoda/kv-paging";
import { broken } from "./errors.js";
import type { SchedulerRequest } from "./request.js";
import type { SlotReserver } from "./slots.js";

/**
 * How a preempted request gives its blocks back. `recompute` frees them and recomputes the
 * prompt and kept outputs later (prefix-cache hits usually cover most of it); `swap` copies
 * them to the host pool and back, falling back to recompute when the host pool is full.
 */
export type PreemptionMode = "recompute" | "swap";

/** What a preemption did: the request's new status and, for a swap, the device → host copies. */
export type Preempted = { mode: "recompute" } | { mode: "swap"; pairs: Array<[number, number]> };

/**
 * Takes `victim`'s blocks off the device: to the host pool when `mode` is `swap` and they fit
 * there, else freed for a recompute. The victim must not have been allocated slots this step
 * (kv-paging would count those slots as computed), which the scheduler's victim choice ensures.
 */
export function evict(
  kv: KVCacheManager,
  slots: SlotReserver,
  victim: SchedulerRequest,
  mode: PreemptionMode,
  step: number,
): Preempted {
  if (victim.allocatedStep === step) broken(`request ${victim.requestId} was allocated this step`);
  if (mode === "swap" && kv.canSwapOut(victim.requestId)) {
    const pairs = kv.swapOut(victim.requestId);
    if (pairs === null) broken(`swap-out of ${victim.requestId} failed after canSwapOut`);
    victim.sharedTail = false; // it comes back in private blocks
    return { mode: "swap", pairs };
  }
  kv.free(victim.requestId);
  slots.reset(victim);
  victim.numComputedTokens = 0;
  return { mode: "recompute" };
}

/**
 * True when the swapped-out `request` can come back and then compute `numTokens` more tokens:
 * its host blocks plus the blocks those tokens add must fit in the free device blocks. Checked
 * before swapping in, so that a swap-in never has to be undone in the same step.
 */
export function canResume(
  kv: KVCacheManager,
  slots: SlotReserver,
  request: SchedulerRequest,
  numTokens: number,
): boolean {
  const needed = request.numBlocks + slots.blocksNeeded(request, numTokens);
  return kv.canSwapIn(request.requestId) && needed <= kv.devicePool.numFreeBlocks;
}

/** Swaps `request` back to the device; returns the host → device copies. Call {@link canResume} first. */
export function resume(kv: KVCacheManager, request: SchedulerRequest): Array<[number, number]> {
  const pairs = kv.swapIn(request.requestId);
  if (pairs === null) broken(`swap-in of ${request.requestId} failed after canResume`);
  return pairs;
}

/**
 * Free device blocks the running set needs this step, an upper bound: each request's next
 * decode token or prefill chunk (capped by the step budget). Used to decide whether a
 * high-priority arrival fits without preempting anyone.
 */
export function blocksReservedByRunning(
  slots: SlotReserver,
  running: readonly SchedulerRequest[],
  maxTokens: number,
): number {
  let n = 0;
  for (const r of running) n += slots.blocksNeeded(r, Math.min(r.numPendingTokens, maxTokens));
  return n;
}

/**
 * True when the queue's `head` can start (its next chunk of at most `maxTokens`) in the free
 * blocks left after the running set's needs. A cheap upper bound (no hashing, no table lookups)
 * settles the common case of a roomy pool.
 */
export function headFits(
  kv: KVCacheManager,
  slots: SlotReserver,
  running: readonly SchedulerRequest[],
  head: SchedulerRequest,
  maxTokens: number,
): boolean {
  const free = kv.devicePool.numFreeBlocks;
  const held = head.status === "SWAPPED" ? head.numBlocks : 0; // its host blocks come back too
  let upper = held + kv.numBlocksNeeded(Math.min(head.numPendingTokens, maxTokens)) + 1;
  for (const r of running)
    upper += r.isDecoding ? 1 : kv.numBlocksNeeded(Math.min(r.numPendingTokens, maxTokens)) + 1;
  if (upper <= free) return true;
  const reserved = blocksReservedByRunning(slots, running, maxTokens);
  let need: number;
  if (head.status === "SWAPPED") {
    need = head.numBlocks + slots.blocksNeeded(head, Math.min(head.numPendingTokens, maxTokens));
  } else {
    const hits = kv.getComputedBlocks(head.tokenIds, { extraKeys: head.extraKeys });
    const n = Math.min(head.tokenIds.length - hits.numComputedTokens, maxTokens);
    need = kv.numFreeBlocksNeeded(head.requestId, n, { newComputedBlocks: hits.blockIds });
  }
  return need + reserved <= free;
}
