import { describe, expect, it } from "vitest";
import { KVCacheManager } from "./kv-cache-manager.js";

const tokens = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe("KVCacheManager.blockMap", () => {
  it("marks used, shared, cached-free and free blocks, and lists each table", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: 4 });
    const prompt = tokens(10);
    kv.allocateSlots("a", 10, { tokenIds: prompt });
    const hit = kv.getComputedBlocks(prompt);
    kv.allocateSlots("b", 10 - hit.numComputedTokens, {
      newComputedBlocks: hit.blockIds,
      tokenIds: prompt,
    });
    let map = kv.blockMap();
    expect(map.numBlocks).toBe(8);
    expect(map.tables).toEqual({ a: [1, 2, 3], b: [1, 2, 4] });
    expect(map.refCounts.slice(1, 5)).toEqual([2, 2, 1, 1]);
    expect(map.states).toEqual(["used", "used", "used", "used", "used", "free", "free", "free"]);

    kv.free("a");
    kv.free("b");
    map = kv.blockMap();
    // The two full prompt blocks stay cached after both holders left; the partial ones do not.
    expect(map.states.slice(1, 5)).toEqual(["cached", "cached", "free", "free"]);
    expect(map.tables).toEqual({});
    expect(JSON.parse(JSON.stringify(map))).toEqual(map);
  });

  it("leaves swapped-out requests out of the device map", () => {
    const kv = new KVCacheManager({
      numBlocks: 6,
      blockSize: 4,
      numHostBlocks: 6,
      enablePrefixCaching: false,
    });
    kv.allocateSlots("a", 6);
    kv.allocateSlots("b", 3);
    expect(kv.swapOut("a")).not.toBeNull();
    const map = kv.blockMap();
    expect(Object.keys(map.tables)).toEqual(["b"]);
    expect(map.states.filter((s) => s === "used").length).toBe(2); // the null block and b's block
  });
});
