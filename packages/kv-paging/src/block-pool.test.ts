import { describe, expect, it } from "vitest";
import { BlockPool, NO_BLOCK, NULL_BLOCK_ID } from "./block-pool.js";
import { withCode } from "./testing/errors.js";

const B = 2;

/** A pool with caching on, and a helper that caches a held block as a first block of `tokens`. */
function cachedPool(numBlocks: number) {
  const pool = new BlockPool({ numBlocks, blockSize: B });
  const cacheRoot = (id: number, hash: number, tokens: number[]) =>
    pool.cacheBlock(id, hash, NO_BLOCK, -1, tokens, 0);
  return { pool, cacheRoot };
}

describe("BlockPool", () => {
  it("hands out blocks 1 … n-1 in order, never the null block, then NO_BLOCK", () => {
    const pool = new BlockPool({ numBlocks: 4, blockSize: B });
    expect([pool.allocate(), pool.allocate(), pool.allocate()]).toEqual([1, 2, 3]);
    expect(pool.allocate()).toBe(NO_BLOCK);
    expect(pool.numUsedBlocks).toBe(3);
    expect(pool.numFreeBlocks).toBe(0);
    expect(pool.refCount(NULL_BLOCK_ID)).toBe(0);
    expect(pool.isFree(NULL_BLOCK_ID)).toBe(false);
  });

  it("counts holders and frees a block when the last one releases it", () => {
    const pool = new BlockPool({ numBlocks: 3, blockSize: B });
    const id = pool.allocate();
    pool.retain(id);
    expect(pool.refCount(id)).toBe(2);
    pool.release(id);
    expect(pool.isFree(id)).toBe(false);
    pool.release(id);
    expect(pool.isFree(id)).toBe(true);
    expect(pool.numFreeBlocks).toBe(2);
  });

  it("throws kv.invariant on a release without holder, kv.invalid_argument on the null block", () => {
    const pool = new BlockPool({ numBlocks: 3, blockSize: B });
    expect(() => pool.release(1)).toThrow(withCode("kv.invariant"));
    expect(() => pool.retain(NULL_BLOCK_ID)).toThrow(withCode("kv.invalid_argument"));
    expect(() => new BlockPool({ numBlocks: 0, blockSize: B })).toThrow(withCode("kv.invalid_argument"));
  });

  it("allocateInto takes all or nothing", () => {
    const pool = new BlockPool({ numBlocks: 4, blockSize: B });
    const out: number[] = [];
    expect(pool.allocateInto(4, out)).toBe(false);
    expect(out).toEqual([]);
    expect(pool.allocateInto(3, out)).toBe(true);
    expect(out).toEqual([1, 2, 3]);
  });

  it("reuses never-cached blocks first and evicts cached ones least recently used first", () => {
    const { pool, cacheRoot } = cachedPool(5);
    const [a, b, c, d] = [pool.allocate(), pool.allocate(), pool.allocate(), pool.allocate()];
    cacheRoot(a, 100, [1, 1]);
    cacheRoot(b, 200, [2, 2]);
    cacheRoot(c, 300, [3, 3]);
    for (const id of [b, a, d, c]) pool.release(id); // LRU order of cached blocks: b, a, c
    expect(pool.numEvictableBlocks).toBe(3);
    expect(pool.allocate()).toBe(d);
    expect(pool.allocate()).toBe(b);
    expect(pool.isCached(b)).toBe(false);
    expect(pool.findCached(200, -1, [2, 2], 0)).toBe(NO_BLOCK);
    expect(pool.findCached(100, -1, [1, 1], 0)).toBe(a);
    expect(pool.numCachedBlocks).toBe(2);
  });

  it("takes a cached free block out of the middle of the LRU list when a hit retains it", () => {
    const { pool, cacheRoot } = cachedPool(4);
    const ids = [pool.allocate(), pool.allocate(), pool.allocate()];
    ids.forEach((id, i) => {
      cacheRoot(id, 10 + i, [i, i]);
    });
    for (const id of ids) pool.release(id);
    expect([...pool.freeBlockIds()]).toEqual(ids);
    pool.retain(ids[1] as number);
    expect([...pool.freeBlockIds()]).toEqual([ids[0], ids[2]]);
    pool.release(ids[1] as number);
    expect([...pool.freeBlockIds()]).toEqual([ids[0], ids[2], ids[1]]);
  });

  it("returns a hit only when the stored tokens and parent match, whatever the hash says", () => {
    const { pool, cacheRoot } = cachedPool(3);
    const id = pool.allocate();
    cacheRoot(id, 7, [4, 5]);
    expect(pool.findCached(7, -1, [4, 5], 0)).toBe(id);
    expect(pool.findCached(7, -1, [9, 4, 5], 1)).toBe(id);
    expect(pool.findCached(7, -1, [4, 6], 0)).toBe(NO_BLOCK);
    expect(pool.findCached(7, -2, [4, 5], 0)).toBe(NO_BLOCK);
    expect([...pool.cachedTokens(id)]).toEqual([4, 5]);
  });

  it("keeps the first of two identical blocks and the first of two colliding live blocks", () => {
    const { pool, cacheRoot } = cachedPool(4);
    const [a, b, c] = [pool.allocate(), pool.allocate(), pool.allocate()];
    expect(cacheRoot(a, 7, [4, 5])).toBe(a);
    expect(cacheRoot(b, 7, [4, 5])).toBe(a);
    expect(pool.isCached(b)).toBe(false);
    expect(cacheRoot(c, 7, [8, 8])).toBe(NO_BLOCK);
    expect(pool.findCached(7, -1, [4, 5], 0)).toBe(a);
  });

  it("does not cache below an evicted parent, and replaces an entry orphaned by eviction", () => {
    const { pool, cacheRoot } = cachedPool(4);
    const [parent, child] = [pool.allocate(), pool.allocate()];
    cacheRoot(parent, 1, [1, 1]);
    const parentEntry = pool.entryId(parent);
    expect(pool.cacheBlock(child, 2, parent, parentEntry, [2, 2], 0)).toBe(child);
    pool.release(parent);
    pool.allocate(); // the last never-cached block
    expect(pool.allocate()).toBe(parent); // evicts the parent: the child is now unreachable
    const late = pool.allocate();
    expect(late).toBe(NO_BLOCK);
    pool.release(child);
    const again = pool.allocate(); // the orphan is still cached, so it is the one evicted
    expect(again).toBe(child);
    expect(pool.cacheBlock(again, 3, parent, parentEntry, [3, 3], 0)).toBe(NO_BLOCK);
    expect(pool.isCached(again)).toBe(false);
  });

  it("lets a live block replace an orphan under the same hash", () => {
    const { pool, cacheRoot } = cachedPool(5);
    const [p, orphan, q, fresh] = [pool.allocate(), pool.allocate(), pool.allocate(), pool.allocate()];
    cacheRoot(p, 1, [1, 1]);
    pool.cacheBlock(orphan, 9, p, pool.entryId(p), [2, 2], 0);
    pool.release(p);
    expect(pool.allocate()).toBe(p); // evicted: orphan's parent is gone
    cacheRoot(q, 5, [1, 1]);
    expect(pool.cacheBlock(fresh, 9, q, pool.entryId(q), [2, 2], 0)).toBe(fresh);
    expect(pool.isCached(orphan)).toBe(false);
    expect(pool.findCached(9, pool.entryId(q), [2, 2], 0)).toBe(fresh);
  });

  it("refuses to cache a free block or when caching is off", () => {
    const off = new BlockPool({ numBlocks: 3, blockSize: B, enableCaching: false });
    expect(() => off.cacheBlock(off.allocate(), 1, NO_BLOCK, -1, [1, 1], 0)).toThrow(
      withCode("kv.invariant"),
    );
    const { pool } = cachedPool(3);
    expect(() => pool.cacheBlock(1, 1, NO_BLOCK, -1, [1, 1], 0)).toThrow(withCode("kv.invariant"));
  });
});
