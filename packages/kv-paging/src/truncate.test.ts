import { describe, expect, it } from "vitest";
import { KVCacheManager } from "./kv-cache-manager.js";
import { withCode } from "./testing/errors.js";

const B = 4;
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe("KVCacheManager.truncateSlots (rejected speculative drafts)", () => {
  it("releases trailing blocks left empty and keeps a partly used last block", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    const known = range(6);
    kv.allocateSlots("a", 6, { tokenIds: known });
    expect(kv.allocateSlots("a", 5, { tokenIds: known })).toEqual([3]); // 1 + 4 drafts: 11 slots
    expect(kv.canTruncateSlots("a", 7)).toBe(true);
    expect(kv.truncateSlots("a", 7)).toEqual([3]);
    expect(kv.getBlockIds("a")).toEqual([1, 2]);
    expect(kv.getNumTokens("a")).toBe(7);
    expect(kv.devicePool.isFree(3)).toBe(true);
    expect(kv.truncateSlots("a", 7)).toEqual([]); // already there: nothing to give back
    expect(kv.allocateSlots("a", 1)).toEqual([]); // the next token reuses the kept block's slot
    expect(kv.stats().numUsedBlocks).toBe(2);
  });

  it("frees whole blocks down to a block boundary", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    kv.allocateSlots("a", 13);
    expect(kv.truncateSlots("a", 4)).toEqual([2, 3, 4]);
    expect(kv.getBlockIds("a")).toEqual([1]);
    for (const id of [2, 3, 4]) expect(kv.devicePool.isFree(id)).toBe(true);
    expect(kv.stats().numUsedBlocks).toBe(1);
  });

  it("never caches a block filled with slots past the given tokens, so a wrong draft gives no hit", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    const known = range(6, 10);
    kv.allocateSlots("a", 6, { tokenIds: known });
    // Slots for the last known token and 5 drafts (positions 6..11 fill blocks 2 and 3).
    kv.allocateSlots("a", 6, { tokenIds: known });
    expect(kv.stats().numCachedBlocks).toBe(1);
    kv.truncateSlots("a", 7); // only the first draft was accepted
    const drafts = [99, 98, 97, 96, 95];
    const later = [...known, ...drafts, 1, 2];
    expect(kv.getComputedBlocks(later).numComputedTokens).toBe(B); // block 1 only
  });

  it("caches the block once its tokens are known, at the next allocation", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B });
    const tokens = range(6, 10);
    kv.allocateSlots("a", 6, { tokenIds: tokens });
    kv.allocateSlots("a", 3, { tokenIds: tokens }); // drafts up to position 8
    tokens.push(16, 17, 18); // both drafts accepted, plus one more token
    kv.allocateSlots("a", 1, { tokenIds: tokens });
    expect(kv.getComputedBlocks([...tokens, 5]).numComputedTokens).toBe(2 * B);
  });

  it("refuses to cut into prefix-cached blocks, past its slots, or while swapped out", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, numHostBlocks: 8 });
    kv.allocateSlots("a", 9, { tokenIds: range(9) });
    expect(kv.canTruncateSlots("a", 7)).toBe(false); // blocks 1-2 are cached
    expect(() => kv.truncateSlots("a", 7)).toThrow(withCode("kv.invalid_argument"));
    expect(kv.canTruncateSlots("a", 10)).toBe(false);
    expect(kv.canTruncateSlots("a", 8.5)).toBe(false);
    expect(() => kv.truncateSlots("a", 10)).toThrow(withCode("kv.invalid_argument"));
    expect(kv.canTruncateSlots("a", 8)).toBe(true);
    expect(kv.canTruncateSlots("b", 0)).toBe(false);
    expect(() => kv.truncateSlots("b", 0)).toThrow(withCode("kv.unknown_request"));
    kv.swapOut("a");
    expect(kv.canTruncateSlots("a", 8)).toBe(false);
    expect(() => kv.truncateSlots("a", 8)).toThrow(withCode("kv.request_swapped"));
    expect(kv.getNumTokens("a")).toBe(9);
  });

  it("cuts anywhere when prefix caching is off, and only drops its own hold on a shared block", () => {
    const kv = new KVCacheManager({ numBlocks: 8, blockSize: B, enablePrefixCaching: false });
    kv.allocateSlots("a", 8, { tokenIds: range(8) });
    kv.fork("a", "b");
    expect(kv.truncateSlots("b", 3)).toEqual([2]);
    expect(kv.devicePool.refCount(2)).toBe(1);
    expect(kv.getBlockIds("a")).toEqual([1, 2]);
    kv.free("a");
    kv.free("b");
    expect(kv.stats().numUsedBlocks).toBe(0);
  });
});
