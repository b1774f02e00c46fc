import { type BlockHasher, type ExtraKeys, hashBlockTokens } from "./block-hash.js";
import { type BlockMap, collectBlockMap } from "./block-map.js";
import { BlockPool } from "./block-pool.js";
import { checkInt, KVCacheError } from "./errors.js";
import { type BlockPair, copyOnWrite, needsCopyOnWrite, shareBlocks } from "./fork.js";
import { PrefixCache } from "./prefix-cache.js";
import { type RequestState, RequestTables } from "./request-tables.js";
import { collectStats, type KVCacheStats, PrefixCacheCounters } from "./stats.js";
import { countSwapBlocks, moveBlocks } from "./swap.js";
import { minTokensAfterTruncate, truncateTable } from "./truncate.js";

/** Options of a {@link KVCacheManager}. */
export interface KVCacheManagerOptions {
  /** Device blocks, the null block 0 included (see `planKVCache` for how many fit). */
  numBlocks: number;
  /** Tokens per block. */
  blockSize: number;
  /** Host (swap space) blocks, block 0 included and never used as on the device; default 0: no swap. */
  numHostBlocks?: number;
  /** Automatic prefix caching (default true). */
  enablePrefixCaching?: boolean;
  /** Replaces the block hash function (tests use degenerate ones to force collisions). */
  blockHasher?: BlockHasher;
}

/** The longest cached prefix of a prompt: whole blocks, never the whole prompt. */
export interface ComputedBlocks {
  blockIds: number[];
  /** `blockIds.length * blockSize`. */
  numComputedTokens: number;
}

/** Options of {@link KVCacheManager.allocateSlots} and {@link KVCacheManager.canAllocate}. */
export interface AllocateOptions {
  /** First allocation only: prefix-cache hits from {@link KVCacheManager.getComputedBlocks}. */
  newComputedBlocks?: readonly number[];
  /** Tokens those blocks hold; defaults to (and must equal) `newComputedBlocks.length * blockSize`. */
  numComputedTokens?: number;
  /**
   * The request's token ids from position 0, as far as they are known (prompt, then outputs).
   * Full blocks whose tokens are all given are registered in the prefix cache; on the first
   * allocation they also feed the hit/query counters. Only read during the call. Never append
   * unverified speculative drafts: slots may be allocated past these tokens, and a block is
   * cached only once every one of its tokens is given here.
   */
  tokenIds?: ArrayLike<number>;
  /** First allocation only: the request's cache namespace (model, adapter, salt). */
  extraKeys?: ExtraKeys;
}

const NO_BLOCKS: readonly number[] = [];

/**
 * The paged KV cache of one engine: a block table per request over a device {@link BlockPool},
 * automatic prefix caching, fork with copy-on-write, and swap space on a host pool. Every
 * action has its check (`canAllocate` / `allocateSlots`, `canSwapOut` / `swapOut`, …); running
 * out of blocks returns `null` or `false` and changes nothing. All results are plain data.
 *
 * @example
 * const kv = new KVCacheManager({ numBlocks: 1024, blockSize: 16 });
 * const hit = kv.getComputedBlocks(prompt);
 * const added = kv.allocateSlots("req-1", prompt.length - hit.numComputedTokens, {
 *   newComputedBlocks: hit.blockIds, tokenIds: prompt,
 * });
 * // added === null: no room this step, the request keeps waiting
 */
export class KVCacheManager {
  readonly blockSize: number;
  /** The device pool (read it for reference counts and free blocks; change it only through the manager). */
  readonly devicePool: BlockPool;
  /** The host pool of swap space. */
  readonly hostPool: BlockPool;
  private readonly prefixCache: PrefixCache;
  private readonly counters = new PrefixCacheCounters();
  private readonly requests = new RequestTables();
  private pendingCopies: BlockPair[] = [];

  constructor(options: KVCacheManagerOptions) {
    const { numBlocks, blockSize, numHostBlocks = 0, enablePrefixCaching = true } = options;
    checkInt("numHostBlocks", numHostBlocks, 0);
    this.blockSize = blockSize;
    this.devicePool = new BlockPool({ numBlocks, blockSize, enableCaching: enablePrefixCaching });
    this.hostPool = new BlockPool({ numBlocks: Math.max(1, numHostBlocks), blockSize, enableCaching: false });
    this.prefixCache = new PrefixCache(this.devicePool, options.blockHasher ?? hashBlockTokens);
  }

  /** Blocks needed to hold `numTokens` tokens. */
  numBlocksNeeded(numTokens: number): number {
    return Math.ceil(numTokens / this.blockSize);
  }

  /**
   * The longest prefix of `tokenIds` whose blocks are cached, in whole blocks. At least one
   * token is always left to compute (a prompt needs logits), so a fully cached prompt hits one
   * block short. Looks only: nothing is held until `allocateSlots` takes the blocks, so call it
   * right before that `allocateSlots`, with no other allocation between (one could evict them).
   */
  getComputedBlocks(tokenIds: ArrayLike<number>, options: { extraKeys?: ExtraKeys } = {}): ComputedBlocks {
    const maxBlocks = tokenIds.length === 0 ? 0 : Math.floor((tokenIds.length - 1) / this.blockSize);
    const blockIds = this.prefixCache.findPrefix(tokenIds, maxBlocks, options.extraKeys);
    return { blockIds, numComputedTokens: blockIds.length * this.blockSize };
  }

  /**
   * Free device blocks that `allocateSlots` with these arguments would consume: new blocks, a
   * copy-on-write copy, and cached prefix hits that are currently free.
   */
  numFreeBlocksNeeded(requestId: string, numNewTokens: number, options: AllocateOptions = {}): number {
    checkInt("numNewTokens", numNewTokens, 0);
    const req = this.requests.find(requestId);
    const computed = options.newComputedBlocks ?? NO_BLOCKS;
    const numComputedTokens = this.checkComputed(req, requestId, computed, options.numComputedTokens);
    const held = req?.blockIds ?? NO_BLOCKS;
    const numTokens = (req?.numTokens ?? 0) + numComputedTokens + numNewTokens;
    let n = this.numBlocksNeeded(numTokens) - held.length - computed.length;
    if (req !== undefined && numNewTokens > 0 && needsCopyOnWrite(this.devicePool, held, req.numTokens)) n++;
    for (const id of computed) if (this.devicePool.refCount(id) === 0) n++;
    return n;
  }

  /** True when `allocateSlots` with these arguments would succeed. */
  canAllocate(requestId: string, numNewTokens: number, options: AllocateOptions = {}): boolean {
    return this.numFreeBlocksNeeded(requestId, numNewTokens, options) <= this.devicePool.numFreeBlocks;
  }

  /**
   * Extends `requestId`'s table (creating it on the first call) to hold `numNewTokens` more
   * tokens, after the prefix-cache hits in `options` on the first call. A prefill may come in
   * chunks over several steps; a decode step asks for 1. Returns the block ids added to the
   * table, or `null` (nothing changed) when too few blocks are free. When the last block was
   * shared and partly filled, it is first replaced by a private copy: the copy is then the first
   * returned id (it took the old last block's place) and the `[src, dst]` pair waits in
   * {@link takeCopyPairs}.
   */
  allocateSlots(requestId: string, numNewTokens: number, options: AllocateOptions = {}): number[] | null {
    const needed = this.numFreeBlocksNeeded(requestId, numNewTokens, options);
    if (needed > this.devicePool.numFreeBlocks) return null;
    const existing = this.requests.find(requestId);
    const req = existing ?? this.createRequest(requestId, options.extraKeys);
    const computed = options.newComputedBlocks ?? NO_BLOCKS;
    for (const id of computed) {
      this.devicePool.retain(id);
      req.blockIds.push(id);
    }
    const added: number[] = [];
    if (numNewTokens > 0 && needsCopyOnWrite(this.devicePool, req.blockIds, req.numTokens)) {
      const pair = copyOnWrite(this.devicePool, req.blockIds) as BlockPair;
      this.pendingCopies.push(pair);
      added.push(pair[1]);
    }
    req.numTokens += computed.length * this.blockSize + numNewTokens;
    while (req.blockIds.length < this.numBlocksNeeded(req.numTokens)) {
      const id = this.devicePool.allocate();
      req.blockIds.push(id);
      added.push(id);
    }
    const { tokenIds } = options;
    if (tokenIds !== undefined) {
      if (existing === undefined) this.counters.record(tokenIds.length, computed.length * this.blockSize);
      if (req.chain !== null) {
        const numFull = Math.floor(Math.min(req.numTokens, tokenIds.length) / this.blockSize);
        this.prefixCache.extend(req.chain, req.blockIds, tokenIds, numFull);
      }
    }
    return added;
  }

  /**
   * True when {@link truncateSlots} may shrink `requestId` to `numTokens` slots: it is on the
   * device, holds at least that many, and no block the prefix cache registered would lose tokens.
   */
  canTruncateSlots(requestId: string, numTokens: number): boolean {
    const req = this.requests.find(requestId);
    if (req === undefined || req.swapped || !Number.isInteger(numTokens)) return false;
    return numTokens >= minTokensAfterTruncate(req, this.blockSize) && numTokens <= req.numTokens;
  }

  /**
   * Shrinks `requestId` to its first `numTokens` token slots (speculative decoding gives back
   * the slots of rejected drafts): trailing blocks left empty are released, and returned, so the
   * executor must get the whole table again. Throws `kv.invalid_argument` unless
   * {@link canTruncateSlots} (`kv.unknown_request` / `kv.request_swapped` for those states).
   */
  truncateSlots(requestId: string, numTokens: number): number[] {
    const req = this.requests.onDevice(requestId);
    if (!this.canTruncateSlots(requestId, numTokens)) {
      throw invalid(
        requestId,
        `cannot truncate ${requestId} to ${numTokens} slots: it holds ${req.numTokens}, ` +
          `${minTokensAfterTruncate(req, this.blockSize)} of them in prefix-cached blocks`,
      );
    }
    return truncateTable(this.devicePool, req, numTokens);
  }

  /**
   * Releases every block of `requestId` (device, or host when swapped out), last block first so
   * that a prompt's tail is evicted before its head. Returns false for an unknown id.
   */
  free(requestId: string): boolean {
    const req = this.requests.find(requestId);
    if (req === undefined) return false;
    const pool = req.swapped ? this.hostPool : this.devicePool;
    for (let i = req.blockIds.length - 1; i >= 0; i--) pool.release(req.blockIds[i] as number);
    this.requests.delete(requestId);
    return true;
  }

  /**
   * Drops every cached prefix (vLLM's `reset_prefix_cache`), e.g. between two benchmark runs.
   * Only while no request holds a device block: returns false, changing nothing, otherwise.
   * Swapped-out requests hold only host blocks and do not stop it.
   */
  resetPrefixCache(): boolean {
    return this.devicePool.resetPrefixCache();
  }

  /**
   * Creates `childId` sharing every block of `parentId` (parallel sampling, beam search). Needs
   * no free block: the first write into a shared partly filled block copies it. Returns the
   * child's table.
   */
  fork(parentId: string, childId: string): readonly number[] {
    const parent = this.requests.onDevice(parentId);
    const child = this.requests.add(childId, {
      blockIds: [],
      numTokens: parent.numTokens,
      swapped: false,
      chain: parent.chain === null ? null : { ...parent.chain },
    });
    child.blockIds = shareBlocks(this.devicePool, parent.blockIds);
    return child.blockIds;
  }

  /**
   * Takes the copy-on-write `[srcBlock, dstBlock]` pairs made since the last call. The executor
   * runs them in order after this step's swap-outs and before its swap-ins and compute.
   */
  takeCopyPairs(): BlockPair[] {
    const pairs = this.pendingCopies;
    this.pendingCopies = [];
    return pairs;
  }

  /** True when `swapOut(requestIds)` would succeed. */
  canSwapOut(requestIds: string | readonly string[]): boolean {
    return this.canMove(requestIds, false);
  }

  /**
   * Moves the requests' blocks to host memory (blocks shared inside the group move once) and
   * releases their device blocks. Returns `[deviceBlock, hostBlock]` pairs, to copy before this
   * step's compute, or `null` (nothing changed) when the host pool is too small. Swap a victim out
   * before allocating for it in a step, never after: slots allocated this step would be counted
   * as held but never computed.
   */
  swapOut(requestIds: string | readonly string[]): BlockPair[] | null {
    return this.move(requestIds, false);
  }

  /** True when `swapIn(requestIds)` would succeed. */
  canSwapIn(requestIds: string | readonly string[]): boolean {
    return this.canMove(requestIds, true);
  }

  /**
   * Moves swapped-out requests back to device blocks. Returns `[hostBlock, deviceBlock]` pairs
   * (source first, as every pair here), or `null` (nothing changed) when too few device blocks
   * are free. A partly filled last block shared inside the group gets one device copy per request.
   */
  swapIn(requestIds: string | readonly string[]): BlockPair[] | null {
    return this.move(requestIds, true);
  }

  /** The request's device block table (empty while swapped out). Read-only: do not change it. */
  getBlockIds(requestId: string): readonly number[] {
    const req = this.requests.get(requestId);
    return req.swapped ? NO_BLOCKS : req.blockIds;
  }

  /** The request's host block table while swapped out (empty otherwise). */
  getHostBlockIds(requestId: string): readonly number[] {
    const req = this.requests.get(requestId);
    return req.swapped ? req.blockIds : NO_BLOCKS;
  }

  /** Token slots the request holds: computed plus scheduled tokens. */
  getNumTokens(requestId: string): number {
    return this.requests.get(requestId).numTokens;
  }

  /** True when the manager holds a table for `requestId`. */
  hasRequest(requestId: string): boolean {
    return this.requests.find(requestId) !== undefined;
  }

  /** True when `requestId` is swapped out to host memory. */
  isSwapped(requestId: string): boolean {
    return this.requests.get(requestId).swapped;
  }

  /** The ids of every request with a table, on the device or swapped out. */
  requestIds(): string[] {
    return this.requests.ids();
  }

  /** Occupancy and prefix-cache counters. */
  stats(): KVCacheStats {
    return collectStats(this.devicePool, this.hostPool, this.counters);
  }

  /** Who holds every device block now (for a live view of the cache; O(blocks)). */
  blockMap(): BlockMap {
    return collectBlockMap(this.devicePool, this.requests, this.blockSize);
  }

  /** Whether the group (swapped out when `fromHost`) fits on the other side. */
  private canMove(requestIds: string | readonly string[], fromHost: boolean): boolean {
    const group = this.requests.group(requestIds, fromHost);
    const to = fromHost ? this.devicePool : this.hostPool;
    return countSwapBlocks(group, this.blockSize, fromHost) <= to.numFreeBlocks;
  }

  /** Swaps the group in (`fromHost`) or out; arriving on the device, partial blocks are unshared. */
  private move(requestIds: string | readonly string[], fromHost: boolean): BlockPair[] | null {
    const group = this.requests.group(requestIds, fromHost);
    const [from, to] = fromHost ? [this.hostPool, this.devicePool] : [this.devicePool, this.hostPool];
    const pairs = moveBlocks(from, to, group, fromHost);
    if (pairs !== null) for (const req of group) req.swapped = !fromHost;
    return pairs;
  }

  private createRequest(requestId: string, extraKeys: ExtraKeys | undefined): RequestState {
    const chain = this.devicePool.enableCaching ? this.prefixCache.startChain(extraKeys) : null;
    return this.requests.add(requestId, { blockIds: [], numTokens: 0, swapped: false, chain });
  }

  /** Validates first-allocation hits; returns the tokens they hold. */
  private checkComputed(
    req: RequestState | undefined,
    requestId: string,
    computed: readonly number[],
    numComputedTokens: number | undefined,
  ): number {
    if (req?.swapped) {
      throw new KVCacheError("kv.request_swapped", `request ${requestId} is swapped out`, {
        details: { requestId },
      });
    }
    const expected = computed.length * this.blockSize;
    if (computed.length > 0 && req !== undefined) {
      throw invalid(requestId, `newComputedBlocks given for running request ${requestId}`);
    }
    if (numComputedTokens !== undefined && numComputedTokens !== expected) {
      throw invalid(
        requestId,
        `numComputedTokens ${numComputedTokens} is not blocks × blockSize = ${expected}`,
      );
    }
    for (const id of computed) {
      if (!this.devicePool.isCached(id))
        throw invalid(requestId, `newComputedBlocks: block ${id} is not cached`);
    }
    return expected;
  }
}

function invalid(requestId: string, message: string): KVCacheError {
  return new KVCacheError("kv.invalid_argument", message, { details: { requestId } });
}
