import { describe, expect, it } from "vitest";
import { KVCacheManager } from "./kv-cache-manager.js";
import { withCode } from "./testing/errors.js";

const B = 4;

describe("fork and copy-on-write", () => {
  it("shares every block by reference count, and copies the shared partial block on the first write", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    kv.allocateSlots("p", 6);
    expect(kv.fork("p", "c")).toEqual([1, 2]);
    expect(kv.devicePool.refCount(1)).toBe(2);
    expect(kv.devicePool.refCount(2)).toBe(2);
    expect(kv.stats().numUsedBlocks).toBe(2);
    expect(kv.numFreeBlocksNeeded("p", 1)).toBe(1);

    expect(kv.allocateSlots("p", 1)).toEqual([3]);
    expect(kv.getBlockIds("p")).toEqual([1, 3]);
    expect(kv.takeCopyPairs()).toEqual([[2, 3]]);
    expect(kv.takeCopyPairs()).toEqual([]);
    expect(kv.getBlockIds("c")).toEqual([1, 2]);
    expect(kv.devicePool.refCount(2)).toBe(1);

    // The child is now the only holder of block 2: it writes in place.
    expect(kv.allocateSlots("c", 1)).toEqual([]);
    expect(kv.takeCopyPairs()).toEqual([]);
  });

  it("copies the partial block and then appends, when one write spills into a new block", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    kv.allocateSlots("p", 3);
    kv.fork("p", "c");
    expect(kv.allocateSlots("c", 4)).toEqual([2, 3]);
    expect(kv.getBlockIds("c")).toEqual([2, 3]);
    expect(kv.takeCopyPairs()).toEqual([[1, 2]]);
  });

  it("needs no copy when the fork point is a block boundary", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    kv.allocateSlots("p", 8);
    kv.fork("p", "c");
    expect(kv.allocateSlots("p", 1)).toEqual([3]);
    expect(kv.allocateSlots("c", 1)).toEqual([4]);
    expect(kv.takeCopyPairs()).toEqual([]);
  });

  it("returns null when no block is free for the copy", () => {
    const kv = new KVCacheManager({ numBlocks: 3, blockSize: B });
    kv.allocateSlots("p", 6);
    kv.fork("p", "c");
    expect(kv.canAllocate("c", 1)).toBe(false);
    expect(kv.allocateSlots("c", 1)).toBeNull();
    expect(kv.takeCopyPairs()).toEqual([]);
    kv.free("p");
    expect(kv.allocateSlots("c", 1)).toEqual([]);
    expect(kv.stats().numUsedBlocks).toBe(2);
  });

  it("frees shared blocks only when the last holder goes", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    kv.allocateSlots("p", 5);
    kv.fork("p", "c1");
    kv.fork("c1", "c2");
    expect(kv.devicePool.refCount(2)).toBe(3);
    kv.free("p");
    kv.free("c1");
    expect(kv.stats().numUsedBlocks).toBe(2);
    kv.free("c2");
    expect(kv.stats().numUsedBlocks).toBe(0);
  });

  it("carries the parent's prefix-cache chain, so the child caches its own continuation", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    const parent = [1, 2, 3, 4, 5, 6];
    kv.allocateSlots("p", 6, { tokenIds: parent });
    kv.fork("p", "c");
    const child = [...parent, 7, 8];
    kv.allocateSlots("c", 2, { tokenIds: child });
    expect(kv.getComputedBlocks([...child, 9]).blockIds).toEqual([1, kv.getBlockIds("c")[1]]);
  });

  it("rejects a duplicate child, an unknown parent and a swapped parent", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, numHostBlocks: 4 });
    kv.allocateSlots("p", 5);
    kv.allocateSlots("q", 1);
    expect(() => kv.fork("p", "q")).toThrow(withCode("kv.request_exists"));
    expect(() => kv.fork("nope", "x")).toThrow(withCode("kv.unknown_request"));
    kv.swapOut("p");
    expect(() => kv.fork("p", "x")).toThrow(withCode("kv.request_swapped"));
  });
});
