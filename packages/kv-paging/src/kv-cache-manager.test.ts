import { describe, expect, it } from "vitest";
import { KVCacheManager } from "./kv-cache-manager.js";
import { withCode } from "./testing/errors.js";

const B = 4;
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe("KVCacheManager: allocation", () => {
  it("gives a prompt ceil(len / blockSize) blocks and a decode step a block only at a boundary", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    const prompt = range(6);
    expect(kv.numBlocksNeeded(6)).toBe(2);
    expect(kv.allocateSlots("a", 6, { tokenIds: prompt })).toEqual([1, 2]);
    expect(kv.getNumTokens("a")).toBe(6);
    expect(kv.allocateSlots("a", 1)).toEqual([]);
    expect(kv.allocateSlots("a", 1)).toEqual([]);
    expect(kv.allocateSlots("a", 1)).toEqual([3]);
    expect(kv.getBlockIds("a")).toEqual([1, 2, 3]);
    expect(kv.stats()).toMatchObject({ numTotalBlocks: 7, numUsedBlocks: 3, numFreeBlocks: 4, usage: 3 / 7 });
  });

  it("allocates a long prompt chunk by chunk", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    const prompt = range(10);
    expect(kv.allocateSlots("a", 3, { tokenIds: prompt })).toEqual([1]);
    expect(kv.allocateSlots("a", 3, { tokenIds: prompt })).toEqual([2]);
    expect(kv.allocateSlots("a", 4, { tokenIds: prompt })).toEqual([3]);
    expect(kv.getNumTokens("a")).toBe(10);
    expect(kv.stats().numCachedBlocks).toBe(2);
  });

  it("returns null and changes nothing when blocks run out", () => {
    const kv = new KVCacheManager({ numBlocks: 3, blockSize: B });
    expect(kv.allocateSlots("a", 5)).toEqual([1, 2]);
    expect(kv.canAllocate("a", 4)).toBe(false);
    expect(kv.numFreeBlocksNeeded("a", 4)).toBe(1);
    expect(kv.allocateSlots("a", 4)).toBeNull();
    expect(kv.getNumTokens("a")).toBe(5);
    expect(kv.allocateSlots("b", 1)).toBeNull();
    expect(kv.hasRequest("b")).toBe(false);
    expect(kv.canAllocate("a", 3)).toBe(true);
  });

  it("frees every block of a request, and says whether it knew the request", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    kv.allocateSlots("a", 9);
    expect(kv.free("a")).toBe(true);
    expect(kv.free("a")).toBe(false);
    expect(kv.stats()).toMatchObject({ numUsedBlocks: 0, numFreeBlocks: 7 });
    expect(() => kv.getBlockIds("a")).toThrow(withCode("kv.unknown_request"));
  });

  it("rejects bad arguments with codes", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    expect(() => kv.allocateSlots("a", -1)).toThrow(withCode("kv.invalid_argument"));
    expect(() => kv.allocateSlots("a", 1.5)).toThrow(withCode("kv.invalid_argument"));
    expect(() => kv.allocateSlots("a", 1, { newComputedBlocks: [3] })).toThrow(
      withCode("kv.invalid_argument"),
    );
    expect(() => new KVCacheManager({ numBlocks: 8, blockSize: 0 })).toThrow(withCode("kv.invalid_argument"));
  });
});

describe("KVCacheManager: prefix caching", () => {
  it("finds the longest cached prefix in whole blocks and counts hits and queries in tokens", () => {
    const kv = new KVCacheManager({ numBlocks: 16, blockSize: B });
    const prompt = range(10);
    kv.allocateSlots("a", 10, { tokenIds: prompt });
    const other = [...range(8), 99, 98, 97];
    const hit = kv.getComputedBlocks(other);
    expect(hit).toEqual({ blockIds: kv.getBlockIds("a").slice(0, 2), numComputedTokens: 8 });
    expect(kv.allocateSlots("b", 3, { newComputedBlocks: hit.blockIds, tokenIds: other })).toEqual([4]);
    expect(kv.getBlockIds("b")).toEqual([1, 2, 4]);
    expect(kv.devicePool.refCount(1)).toBe(2);
    expect(kv.stats()).toMatchObject({
      prefixCacheQueries: 21,
      prefixCacheHits: 8,
      prefixCacheHitRate: 8 / 21,
    });
  });

  it("never returns the whole prompt: one token is always left to compute", () => {
    const kv = new KVCacheManager({ numBlocks: 16, blockSize: B });
    const prompt = range(8);
    kv.allocateSlots("a", 8, { tokenIds: prompt });
    expect(kv.getComputedBlocks(prompt).numComputedTokens).toBe(4);
    expect(kv.getComputedBlocks(range(9)).numComputedTokens).toBe(8);
    expect(kv.getComputedBlocks([]).numComputedTokens).toBe(0);
  });

  it("stops at the first block that differs, even if later blocks match", () => {
    const kv = new KVCacheManager({ numBlocks: 16, blockSize: B });
    kv.allocateSlots("a", 12, { tokenIds: range(12) });
    const changed = range(13);
    changed[5] = 77;
    expect(kv.getComputedBlocks(changed).blockIds).toEqual([1]);
  });

  it("separates models, adapters and cache salts", () => {
    const kv = new KVCacheManager({ numBlocks: 16, blockSize: B });
    const prompt = range(9);
    kv.allocateSlots("a", 9, { tokenIds: prompt, extraKeys: { modelId: "m", cacheSalt: "tenant-1" } });
    expect(kv.getComputedBlocks(prompt).numComputedTokens).toBe(0);
    expect(
      kv.getComputedBlocks(prompt, { extraKeys: { modelId: "m", cacheSalt: "tenant-2" } }).blockIds,
    ).toEqual([]);
    expect(
      kv.getComputedBlocks(prompt, { extraKeys: { modelId: "m", adapterId: "x", cacheSalt: "tenant-1" } }),
    ).toEqual({ blockIds: [], numComputedTokens: 0 });
    expect(
      kv.getComputedBlocks(prompt, { extraKeys: { modelId: "m", cacheSalt: "tenant-1" } }).blockIds,
    ).toEqual([1, 2]);
  });

  it("caches decode output once its block is full, and keeps freed prefixes until evicted", () => {
    const kv = new KVCacheManager({ numBlocks: 4, blockSize: B });
    const tokens = range(3);
    kv.allocateSlots("a", 3, { tokenIds: tokens });
    expect(kv.stats().numCachedBlocks).toBe(0);
    tokens.push(50);
    kv.allocateSlots("a", 1, { tokenIds: tokens });
    expect(kv.stats().numCachedBlocks).toBe(1);
    tokens.push(51, 52, 53, 54);
    kv.allocateSlots("a", 4, { tokenIds: tokens });
    kv.free("a");
    expect(kv.stats()).toMatchObject({ numCachedBlocks: 2, numEvictableBlocks: 2, numFreeBlocks: 3 });
    expect(kv.getComputedBlocks([...tokens, 60]).blockIds).toEqual([1, 2]);
    // b takes two blocks: the never-cached one, then the LRU cached one, the prompt's tail.
    kv.allocateSlots("b", 8);
    expect(kv.getComputedBlocks([...tokens, 60]).blockIds).toEqual([1]);
  });

  it("counts cached free hit blocks as consumed when checking for room", () => {
    const kv = new KVCacheManager({ numBlocks: 4, blockSize: B });
    const prompt = range(9);
    kv.allocateSlots("a", 9, { tokenIds: prompt });
    kv.free("a");
    const hit = kv.getComputedBlocks(prompt);
    expect(hit.blockIds).toEqual([1, 2]);
    // 1 new block + 2 revived hit blocks = all 3 free blocks.
    expect(kv.numFreeBlocksNeeded("b", 1, { newComputedBlocks: hit.blockIds })).toBe(3);
    kv.allocateSlots("x", 1); // takes the never-cached block 3
    expect(kv.canAllocate("b", 1, { newComputedBlocks: hit.blockIds })).toBe(false);
    expect(kv.allocateSlots("b", 1, { newComputedBlocks: hit.blockIds })).toBeNull();
    expect(kv.getComputedBlocks(prompt).blockIds).toEqual([1, 2]);
  });

  it("validates hit blocks and their token count", () => {
    const kv = new KVCacheManager({ numBlocks: 16, blockSize: B });
    kv.allocateSlots("a", 9, { tokenIds: range(9) });
    const hit = kv.getComputedBlocks(range(9));
    expect(() => kv.allocateSlots("b", 1, { newComputedBlocks: hit.blockIds, numComputedTokens: 7 })).toThrow(
      withCode("kv.invalid_argument"),
    );
    expect(() => kv.allocateSlots("a", 1, { newComputedBlocks: hit.blockIds })).toThrow(
      withCode("kv.invalid_argument"),
    );
    expect(kv.allocateSlots("b", 1, { newComputedBlocks: hit.blockIds, numComputedTokens: 8 })).toEqual([4]);
  });

  it("refuses hit blocks that were evicted between lookup and allocation", () => {
    const kv = new KVCacheManager({ numBlocks: 3, blockSize: B });
    kv.allocateSlots("a", 8, { tokenIds: range(8) });
    kv.free("a");
    const hit = kv.getComputedBlocks(range(9));
    expect(hit.blockIds).toEqual([1, 2]);
    kv.allocateSlots("x", 8); // evicts both
    kv.free("x");
    expect(() => kv.allocateSlots("b", 1, { newComputedBlocks: hit.blockIds })).toThrow(
      withCode("kv.invalid_argument"),
    );
    expect(kv.hasRequest("b")).toBe(false);
  });

  it("does nothing with the prefix cache when it is off", () => {
    const kv = new KVCacheManager({ numBlocks: 16, blockSize: B, enablePrefixCaching: false });
    kv.allocateSlots("a", 9, { tokenIds: range(9) });
    expect(kv.getComputedBlocks(range(9)).blockIds).toEqual([]);
    expect(kv.stats().numCachedBlocks).toBe(0);
  });
});
