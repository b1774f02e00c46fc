import { checkInt, KVCacheError } from "./errors.js";
import { FreeBlockQueue } from "./free-block-queue.js";
import { BlockHashTable } from "./hash-table.js";

/** Block 0: reserved, never handed out; pads block tables and stands for "no block". */
export const NULL_BLOCK_ID = 0;

/** What {@link BlockPool.allocate} returns when every block is in use. */
export const NO_BLOCK = -1;

/** Options of a {@link BlockPool}. */
export interface BlockPoolOptions {
  /** Blocks in the pool, the null block included (so `numBlocks - 1` can be handed out). */
  numBlocks: number;
  /** Tokens per block. */
  blockSize: number;
  /** Keep hashes and token ids of full blocks for prefix caching (default true). */
  enableCaching?: boolean;
}

/**
 * A fixed set of KV cache blocks with reference counts, a free queue and the prefix-cache
 * index. Allocation takes a never-cached free block when there is one and evicts the least
 * recently used cached block only when there is not. All per-block state is in typed arrays:
 * allocate, retain and release are O(1) and allocate no memory.
 *
 * A cached block is identified by an *entry id* (unique for the life of the pool) and records
 * the entry id of its parent block, its hash and a copy of its token ids. A lookup hit must match
 * parent entry and tokens exactly, so a hash collision can cost a hit but never return a block
 * whose contents differ from the request's.
 */
export class BlockPool {
  readonly numBlocks: number;
  readonly blockSize: number;
  readonly enableCaching: boolean;
  private readonly refCounts: Int32Array;
  private readonly queue: FreeBlockQueue;
  private readonly byHash: BlockHashTable;
  private readonly hashes: Float64Array;
  /** 0 = not cached. */
  private readonly entries: Float64Array;
  private readonly parents: Float64Array;
  private readonly parentBlocks: Int32Array;
  private readonly tokens: Int32Array;
  private lastEntry = 0;

  constructor(options: BlockPoolOptions) {
    const { numBlocks, blockSize, enableCaching = true } = options;
    checkInt("numBlocks", numBlocks, 1, 2 ** 31 - 3);
    checkInt("blockSize", blockSize, 1, 2 ** 16);
    this.numBlocks = numBlocks;
    this.blockSize = blockSize;
    this.enableCaching = enableCaching;
    this.refCounts = new Int32Array(numBlocks);
    this.queue = new FreeBlockQueue(numBlocks);
    this.hashes = new Float64Array(numBlocks);
    this.entries = new Float64Array(numBlocks);
    this.parents = new Float64Array(numBlocks);
    this.parentBlocks = new Int32Array(numBlocks);
    this.tokens = new Int32Array(enableCaching ? numBlocks * blockSize : 0);
    this.byHash = new BlockHashTable(enableCaching ? numBlocks : 0);
    // Pushed in reverse so that blocks come out as 1, 2, 3, …
    for (let id = numBlocks - 1; id > NULL_BLOCK_ID; id--) this.queue.pushUncached(id);
  }

  /** Blocks that can be handed out: all but the null block. */
  get numTotalBlocks(): number {
    return this.numBlocks - 1;
  }

  /** Blocks with no holder, cached ones included (an allocation may evict those). */
  get numFreeBlocks(): number {
    return this.queue.numUncached + this.queue.numCached;
  }

  /** Free blocks that still hold a cached prefix. */
  get numEvictableBlocks(): number {
    return this.queue.numCached;
  }

  /** Blocks held by at least one request. */
  get numUsedBlocks(): number {
    return this.numTotalBlocks - this.numFreeBlocks;
  }

  /** Blocks registered in the prefix cache, used or free. */
  get numCachedBlocks(): number {
    return this.byHash.size;
  }

  /** How many block tables hold `id`. */
  refCount(id: number): number {
    return this.refCounts[id] ?? 0;
  }

  /** True when `id` is on the free queue. */
  isFree(id: number): boolean {
    return this.queue.contains(id);
  }

  /** True when `id` is registered in the prefix cache. */
  isCached(id: number): boolean {
    return this.entries[id] !== 0;
  }

  /** The free block ids, never-cached first, then cached in eviction order. */
  freeBlockIds(): IterableIterator<number> {
    return this.queue.ids();
  }

  /** Hands out one block with reference count 1, or {@link NO_BLOCK} when none is free. */
  allocate(): number {
    let id = this.queue.popUncached();
    if (id === NO_BLOCK) {
      id = this.queue.popCached();
      if (id === NO_BLOCK) return NO_BLOCK;
      this.uncache(id);
    }
    this.refCounts[id] = 1;
    return id;
  }

  /** Appends `n` new blocks to `out`, or returns false and changes nothing when fewer are free. */
  allocateInto(n: number, out: number[]): boolean {
    if (n > this.numFreeBlocks) return false;
    for (let i = 0; i < n; i++) out.push(this.allocate());
    return true;
  }

  /** Adds a holder to `id`; a free (cached) block leaves the free queue, as on a prefix hit. */
  retain(id: number): void {
    this.checkId(id);
    const rc = this.refCounts[id] as number;
    if (rc === 0) this.queue.remove(id, this.entries[id] !== 0);
    this.refCounts[id] = rc + 1;
  }

  /** Drops a holder of `id`; with none left it joins the free queue (cached ones in LRU order). */
  release(id: number): void {
    const rc = this.refCounts[id] as number;
    if (!(rc > 0)) {
      throw new KVCacheError("kv.invariant", `block ${id} released while it has no holder`, {
        details: { blockId: id },
      });
    }
    this.refCounts[id] = rc - 1;
    if (rc > 1) return;
    if (this.entries[id] !== 0) this.queue.pushCached(id);
    else this.queue.pushUncached(id);
  }

  /**
   * Forgets every cached prefix, when no block is held (as vLLM's `reset_prefix_cache`): the
   * blocks join the never-cached list and later lookups miss. Returns false and changes nothing
   * while any block has a holder, whose table may still point into the cache.
   */
  resetPrefixCache(): boolean {
    if (this.numUsedBlocks > 0) return false;
    for (let id = NULL_BLOCK_ID + 1; id < this.numBlocks; id++) if (this.entries[id] !== 0) this.uncache(id);
    return true;
  }

  /** The cached block under `hash` whose parent entry and tokens equal these, or {@link NO_BLOCK}. */
  findCached(hash: number, parentEntry: number, tokenIds: ArrayLike<number>, start: number): number {
    const id = this.byHash.get(hash);
    return id !== NO_BLOCK && this.holds(id, parentEntry, tokenIds, start) ? id : NO_BLOCK;
  }

  /**
   * Registers the full, in-use block `id` as holding `tokenIds[start, start + blockSize)` right
   * after cached block `parentBlock` (whose entry was `parentEntry`; `parentBlock` is
   * {@link NO_BLOCK} and `parentEntry` a negative namespace id for a first block). Returns the
   * block the request's hash chain continues from: `id`, or an identical block already cached
   * (kept, so no prefix is cached twice), or {@link NO_BLOCK} when nothing can be cached: the
   * parent was evicted, or another live block holds the hash (a collision). A cached block whose
   * own parent was evicted is unreachable, and is replaced.
   */
  cacheBlock(
    id: number,
    hash: number,
    parentBlock: number,
    parentEntry: number,
    tokenIds: ArrayLike<number>,
    start: number,
  ): number {
    if (!this.enableCaching) throw new KVCacheError("kv.invariant", "prefix caching is disabled");
    if (!((this.refCounts[id] as number) > 0)) {
      throw new KVCacheError("kv.invariant", `block ${id} cached while free`, { details: { blockId: id } });
    }
    if (!this.isLive(parentBlock, parentEntry)) return NO_BLOCK;
    const existing = this.byHash.get(hash);
    if (existing !== NO_BLOCK) {
      if (this.holds(existing, parentEntry, tokenIds, start)) return existing;
      if (this.isLive(this.parentBlocks[existing] as number, this.parents[existing] as number))
        return NO_BLOCK;
      this.uncache(existing);
    }
    if (this.entries[id] !== 0) return NO_BLOCK;
    this.entries[id] = ++this.lastEntry;
    this.parents[id] = parentEntry;
    this.parentBlocks[id] = parentBlock;
    this.hashes[id] = hash;
    const base = id * this.blockSize;
    for (let k = 0; k < this.blockSize; k++) this.tokens[base + k] = tokenIds[start + k] as number;
    this.byHash.set(hash, id);
    return id;
  }

  /** The entry id of cached block `id` (0 when it is not cached). */
  entryId(id: number): number {
    return this.entries[id] ?? 0;
  }

  /** The token ids stored for cached block `id` (a view; empty when it is not cached). */
  cachedTokens(id: number): Int32Array {
    const base = id * this.blockSize;
    return this.tokens.subarray(base, this.isCached(id) ? base + this.blockSize : base);
  }

  /** True when the chain position (block, entry) still names a cached block (roots always do). */
  private isLive(block: number, entry: number): boolean {
    return block === NO_BLOCK || this.entries[block] === entry;
  }

  private holds(id: number, parentEntry: number, tokenIds: ArrayLike<number>, start: number): boolean {
    if (this.parents[id] !== parentEntry) return false;
    const base = id * this.blockSize;
    for (let k = 0; k < this.blockSize; k++) {
      if (this.tokens[base + k] !== tokenIds[start + k]) return false;
    }
    return true;
  }

  /** Removes `id` from the prefix cache; a free block moves to the never-cached list. */
  private uncache(id: number): void {
    this.byHash.delete(this.hashes[id] as number);
    this.entries[id] = 0;
    if (this.queue.contains(id)) {
      this.queue.remove(id, true);
      this.queue.pushUncached(id);
    }
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id <= NULL_BLOCK_ID || id >= this.numBlocks) {
      throw new KVCacheError("kv.invalid_argument", `block id ${id} is not in [1, ${this.numBlocks - 1}]`, {
        details: { blockId: id },
      });
    }
  }
}
