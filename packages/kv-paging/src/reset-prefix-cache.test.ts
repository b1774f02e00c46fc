import { describe, expect, it } from "vitest";
import { KVCacheManager } from "./kv-cache-manager.js";

const B = 4;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("KVCacheManager.resetPrefixCache", () => {
  it("forgets every cached prefix once no block is held; the blocks stay free", () => {
    const kv = new KVCacheManager({ numBlocks: 16, blockSize: B });
    const prompt = range(12);
    kv.allocateSlots("a", 12, { tokenIds: prompt });
    kv.free("a");
    expect(kv.getComputedBlocks(prompt).numComputedTokens).toBe(8);
    expect(kv.stats().numCachedBlocks).toBe(3);

    expect(kv.resetPrefixCache()).toBe(true);
    expect(kv.getComputedBlocks(prompt).numComputedTokens).toBe(0);
    expect(kv.stats()).toMatchObject({ numCachedBlocks: 0, numUsedBlocks: 0, numFreeBlocks: 15 });
    expect(
      kv
        .blockMap()
        .states.slice(1)
        .every((s) => s === "free"),
    ).toBe(true);

    // The pool works as before: the same prompt is cached again and hit.
    kv.allocateSlots("b", 12, { tokenIds: prompt });
    kv.free("b");
    expect(kv.getComputedBlocks(prompt).numComputedTokens).toBe(8);
  });

  it("refuses, changing nothing, while a request holds device blocks", () => {
    const kv = new KVCacheManager({ numBlocks: 16, blockSize: B });
    const prompt = range(12);
    kv.allocateSlots("a", 12, { tokenIds: prompt });
    expect(kv.resetPrefixCache()).toBe(false);
    expect(kv.getComputedBlocks(prompt).numComputedTokens).toBe(8);
    kv.free("a");
    expect(kv.resetPrefixCache()).toBe(true);
  });

  it("is not stopped by a swapped-out request, whose chain no longer matches after the reset", () => {
    const kv = new KVCacheManager({ numBlocks: 16, blockSize: B, numHostBlocks: 8 });
    const prompt = range(10);
    kv.allocateSlots("a", 10, { tokenIds: prompt });
    expect(kv.swapOut("a")).not.toBeNull();
    expect(kv.resetPrefixCache()).toBe(true);
    expect(kv.swapIn("a")).not.toBeNull();
    // Its next full block is cached under a fresh chain (its parents are no longer cached).
    kv.allocateSlots("a", 2, { tokenIds: [...prompt, 11, 12] });
    expect(kv.getComputedBlocks([...prompt, 11, 12, 13]).numComputedTokens).toBe(0);
    kv.free("a");
    expect(kv.stats().numUsedBlocks).toBe(0);
  });

  it("is a no-op that succeeds when prefix caching is off", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, enablePrefixCaching: false });
    expect(kv.resetPrefixCache()).toBe(true);
  });
});
