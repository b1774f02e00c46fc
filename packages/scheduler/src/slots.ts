import type { ComputedBlocks, KVCacheManager } from "@pagoda/kv-paging";
import type { SchedulerRequest } from "./request.js";

/**
 * The scheduler's side of slot reservation. `allocateSlots` is asked only when a request's
 * tokens need a new block, or fill one (so that a full block enters the prefix cache in the step
 * that computes its last token, as with a call per token); in between, decode tokens go into
 * slots of the block the request already holds, and the manager is told of them, all at once,
 * at its next call. Block allocation and prefix caching are the same as calling every step; the
 * manager's per-request token count may trail by less than a block, so the scheduler keeps its
 * own counts (`kvTokens`, `numBlocks`) and never reads `getNumTokens`. A decode step thus costs
 * 256 running requests about 2 × 256 / blockSize manager calls instead of 256. A request whose
 * last block may be shared since a fork (`sharedTail`) always asks the manager once, so that the
 * block is copied before anyone writes into it.
 */
export class SlotReserver {
  constructor(private readonly kv: KVCacheManager) {}

  /**
   * Reserves slots for `n` more tokens of running `r` (after its computed ones); returns the
   * blocks added (often none), or `null` when too few blocks are free (nothing changed).
   */
  extend(r: SchedulerRequest, n: number): number[] | null {
    const target = r.numComputedTokens + n;
    const bs = this.kv.blockSize;
    if (target <= r.numBlocks * bs && target % bs !== 0 && !r.sharedTail) return [];
    const numBlocks = r.numBlocks;
    const added = this.kv.allocateSlots(r.requestId, target - r.kvTokens, r.allocateOptions);
    if (added === null) return null;
    this.record(r, target);
    // The manager copied a shared last block on write: its copy replaced a block of the table.
    if (added.length > r.numBlocks - numBlocks) r.tableReplaced = true;
    r.sharedTail = false;
    return added;
  }

  /** First reservation of a waiting request: its prefix-cache hits, then `n` tokens. */
  admit(r: SchedulerRequest, hits: ComputedBlocks, n: number): number[] | null {
    const added = this.kv.allocateSlots(r.requestId, n, {
      newComputedBlocks: hits.blockIds,
      tokenIds: r.tokenIds,
      extraKeys: r.extraKeys,
    });
    if (added !== null) this.record(r, hits.numComputedTokens + n);
    return added;
  }

  /** Free blocks that computing `n` more tokens of running or swapped `r` needs, a copy on write included. */
  blocksNeeded(r: SchedulerRequest, n: number): number {
    const copy = r.sharedTail && r.kvTokens % this.kv.blockSize !== 0 ? 1 : 0;
    return Math.max(0, this.kv.numBlocksNeeded(r.numComputedTokens + n) - r.numBlocks) + copy;
  }

  /**
   * After a step with drafts: gives back the slots past `r`'s computed tokens (rejected drafts)
   * when the manager was told of them, and lets it cache blocks that accepted drafts filled (as
   * a decode filling a block would have). Returns true when trailing blocks were freed, so the
   * executor's copy of the table is stale.
   */
  settleDrafts(r: SchedulerRequest): boolean {
    const numComputed = r.numComputedTokens;
    if (r.kvTokens < numComputed) return false; // the drafts stayed inside a block, short of its end
    const freed = r.kvTokens > numComputed ? this.kv.truncateSlots(r.requestId, numComputed) : [];
    this.kv.allocateSlots(r.requestId, 0, r.allocateOptions); // caches the blocks of computed tokens
    this.record(r, numComputed);
    return freed.length > 0;
  }

  /** `r` holds no blocks any more (freed for a recompute, or finished). */
  reset(r: SchedulerRequest): void {
    r.kvTokens = 0;
    r.numBlocks = 0;
    r.sharedTail = false;
  }

  private record(r: SchedulerRequest, kvTokens: number): void {
    r.kvTokens = kvTokens;
    r.numBlocks = this.kv.getBlockIds(r.requestId).length;
  }
}
