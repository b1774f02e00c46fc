import { describe, expect, it } from "vitest";
import { KVCacheManager } from "./kv-cache-manager.js";
import { withCode } from "./testing/errors.js";

const B = 4;

describe("swap space", () => {
  it("moves a request to host blocks and back, returning [source, destination] pairs", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, numHostBlocks: 8 });
    kv.allocateSlots("a", 6);
    expect(kv.canSwapOut("a")).toBe(true);
    expect(kv.swapOut("a")).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(kv.isSwapped("a")).toBe(true);
    expect(kv.getBlockIds("a")).toEqual([]);
    expect(kv.getHostBlockIds("a")).toEqual([1, 2]);
    expect(kv.stats()).toMatchObject({ numUsedBlocks: 0, numUsedHostBlocks: 2 });

    kv.allocateSlots("b", 1); // takes device block 2, the last one released
    expect(kv.swapIn("a")).toEqual([
      [1, 1],
      [2, 3],
    ]);
    expect(kv.getBlockIds("a")).toEqual([1, 3]);
    expect(kv.getNumTokens("a")).toBe(6);
    expect(kv.stats()).toMatchObject({ numUsedBlocks: 3, numUsedHostBlocks: 0 });
  });

  it("returns null and changes nothing when the other side is too small", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, numHostBlocks: 2 });
    kv.allocateSlots("a", 6);
    expect(kv.canSwapOut("a")).toBe(false);
    expect(kv.swapOut("a")).toBeNull();
    expect(kv.getBlockIds("a")).toEqual([1, 2]);

    const none = new KVCacheManager({ numBlocks: 8, blockSize: B });
    none.allocateSlots("a", 1);
    expect(none.swapOut("a")).toBeNull();

    const small = new KVCacheManager({ numBlocks: 3, blockSize: B, numHostBlocks: 8 });
    small.allocateSlots("a", 8);
    small.swapOut("a");
    small.allocateSlots("b", 1);
    expect(small.canSwapIn("a")).toBe(false);
    expect(small.swapIn("a")).toBeNull();
    expect(small.getHostBlockIds("a")).toEqual([1, 2]);
  });

  it("moves blocks shared inside a group once, and keeps them shared", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, numHostBlocks: 8 });
    kv.allocateSlots("p", 8);
    kv.fork("p", "c");
    expect(kv.swapOut(["p", "c"])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(kv.hostPool.refCount(1)).toBe(2);
    expect(kv.swapIn(["p", "c"])).toHaveLength(2);
    expect(kv.getBlockIds("p")).toEqual(kv.getBlockIds("c"));
    expect(kv.devicePool.refCount(kv.getBlockIds("p")[0] as number)).toBe(2);
  });

  it("gives each request of a group its own copy of a shared partial last block on swap-in", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, numHostBlocks: 8 });
    kv.allocateSlots("p", 6);
    kv.fork("p", "c");
    kv.swapOut(["p", "c"]);
    expect(kv.canSwapIn(["p", "c"])).toBe(true);
    expect(kv.swapIn(["p", "c"])).toEqual([
      [1, 2],
      [2, 1],
      [2, 3],
    ]);
    expect(kv.getBlockIds("p")).toEqual([2, 1]);
    expect(kv.getBlockIds("c")).toEqual([2, 3]);
    // No copy-on-write is needed any more.
    kv.allocateSlots("c", 1);
    expect(kv.takeCopyPairs()).toEqual([]);
  });

  it("copies a block shared with a request left on the device", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, numHostBlocks: 8 });
    kv.allocateSlots("p", 4);
    kv.fork("p", "c");
    expect(kv.swapOut("c")).toEqual([[1, 1]]);
    expect(kv.devicePool.refCount(1)).toBe(1);
    expect(kv.getBlockIds("p")).toEqual([1]);
  });

  it("frees host blocks when a swapped request is freed", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, numHostBlocks: 8 });
    kv.allocateSlots("a", 5);
    kv.swapOut("a");
    kv.free("a");
    expect(kv.stats()).toMatchObject({ numUsedBlocks: 0, numUsedHostBlocks: 0 });
  });

  it("rejects calls that do not fit the request's place", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, numHostBlocks: 8 });
    kv.allocateSlots("a", 5);
    expect(() => kv.swapIn("a")).toThrow(withCode("kv.request_not_swapped"));
    expect(() => kv.swapOut(["a", "a"])).toThrow(withCode("kv.invalid_argument"));
    kv.swapOut("a");
    expect(() => kv.swapOut("a")).toThrow(withCode("kv.request_swapped"));
    expect(() => kv.allocateSlots("a", 1)).toThrow(withCode("kv.request_swapped"));
    expect(() => kv.swapOut("zzz")).toThrow(withCode("kv.unknown_request"));
  });
});
