/**
 * The free blocks of a pool as two intrusive, circular, doubly linked lists over typed arrays:
 * one of never-cached blocks (handed out first, last-freed first) and one of cached blocks in
 * least-recently-used order (evicted from the front, freed onto the back). Links live in two
 * `Int32Array`s indexed by block id, so every operation is O(1) and allocates nothing, and a
 * cached block can leave the middle of the LRU list the moment a prefix hit reuses it.
 */
export class FreeBlockQueue {
  /** `next[id]` / `prev[id]`; the two extra slots are the lists' sentinels; -1 = not linked. */
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly uncached: number;
  private readonly cached: number;
  private uncachedCount = 0;
  private cachedCount = 0;

  constructor(numBlocks: number) {
    this.next = new Int32Array(numBlocks + 2).fill(-1);
    this.prev = new Int32Array(numBlocks + 2).fill(-1);
    this.uncached = numBlocks;
    this.cached = numBlocks + 1;
    for (const s of [this.uncached, this.cached]) {
      this.next[s] = s;
      this.prev[s] = s;
    }
  }

  /** Free blocks that never held a cached hash (or lost it). */
  get numUncached(): number {
    return this.uncachedCount;
  }

  /** Free blocks that still hold a cached prefix: reusable by a hit, evictable by an allocation. */
  get numCached(): number {
    return this.cachedCount;
  }

  /** True when `id` is on either list. */
  contains(id: number): boolean {
    return this.prev[id] !== -1;
  }

  /** Puts a never-cached block at the front: it is the next one handed out. */
  pushUncached(id: number): void {
    this.link(id, this.uncached);
    this.uncachedCount++;
  }

  /** Puts a cached block at the back of the LRU list: it is evicted last. */
  pushCached(id: number): void {
    this.link(id, this.prev[this.cached] as number);
    this.cachedCount++;
  }

  /** Takes the front never-cached block, or -1 when there is none. */
  popUncached(): number {
    const id = this.next[this.uncached] as number;
    if (id === this.uncached) return -1;
    this.unlink(id);
    this.uncachedCount--;
    return id;
  }

  /** Takes the least recently used cached block, or -1 when there is none. */
  popCached(): number {
    const id = this.next[this.cached] as number;
    if (id === this.cached) return -1;
    this.unlink(id);
    this.cachedCount--;
    return id;
  }

  /** Takes `id` out of whichever list holds it; `wasCached` says which one that is. */
  remove(id: number, wasCached: boolean): void {
    this.unlink(id);
    if (wasCached) this.cachedCount--;
    else this.uncachedCount--;
  }

  /** The ids on both lists, never-cached first then LRU order (for checks and debugging). */
  *ids(): IterableIterator<number> {
    for (const s of [this.uncached, this.cached]) {
      for (let id = this.next[s] as number; id !== s; id = this.next[id] as number) yield id;
    }
  }

  private link(id: number, after: number): void {
    const following = this.next[after] as number;
    this.prev[id] = after;
    this.next[id] = following;
    this.next[after] = id;
    this.prev[following] = id;
  }

  private unlink(id: number): void {
    const p = this.prev[id] as number;
    const n = this.next[id] as number;
    this.next[p] = n;
    this.prev[n] = p;
    this.prev[id] = -1;
    this.next[id] = -1;
  }
}
