import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { reshapeAndCacheReference } from "./reshape-and-cache-reference.js";

describe("reshapeAndCacheReference", () => {
  const layout = { numKvHeads: 2, headDim: 4, blockSize: 2 };
  // 3 blocks × 2 heads × 2 slots × 4 dims
  const fresh = () => ({ keyCache: new Float32Array(48), valueCache: new Float32Array(48) });

  it("writes head h of token t at ((block * numKvHeads + h) * blockSize + offset) * headDim", () => {
    const key = Float32Array.from({ length: 16 }, (_, i) => i + 1); // 2 tokens × 2 heads × 4
    const value = key.map((x) => -x);
    const cache = fresh();
    reshapeAndCacheReference({ ...layout, ...cache, key, value, slotMapping: Int32Array.from([5, -1]) });
    // slot 5 = block 2, offset 1: head 0 at ((2*2 + 0) * 2 + 1) * 4 = 36, head 1 at 44
    expect([...cache.keyCache.subarray(36, 40)]).toEqual([1, 2, 3, 4]);
    expect([...cache.keyCache.subarray(44, 48)]).toEqual([5, 6, 7, 8]);
    expect([...cache.valueCache.subarray(44, 48)]).toEqual([-5, -6, -7, -8]);
    // token 1 was padding: nothing else written
    expect(cache.keyCache.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0)).toBe(8);
  });

  it("rejects a slot past the cache and a head dimension the kernels cannot read as vec4", () => {
    const key = new Float32Array(8);
    const run = (slot: number, headDim = 4) =>
      reshapeAndCacheReference({
        ...layout,
        headDim,
        ...fresh(),
        key,
        value: key,
        slotMapping: Int32Array.from([slot]),
      });
    expect(() => run(6)).toThrow(/slot 6/);
    try {
      run(0, 6);
      expect.unreachable();
    } catch (err) {
      expect(isPagodaError(err, "kv_cache.bad_head_dim")).toBe(true);
    }
  });
});
