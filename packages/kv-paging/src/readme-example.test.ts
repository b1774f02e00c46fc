// The README's usage example, run as written (with its expected values asserted).
import { describe, expect, it } from "vitest";
import { computeSlotMapping, GiB, KVCacheManager, planKVCache } from "./index.js";

describe("README example", () => {
  it("plans, admits with a prefix hit, decodes, forks with copy-on-write, swaps and frees", () => {
    // Size the cache: Llama-2-7B in FP16 on a 24 GiB card with 13 GiB of weights.
    const plan = planKVCache({ numLayers: 32, numKVHeads: 32, headDim: 128, kvDtypeBytes: 2 }, 16, {
      deviceMemoryBytes: 24 * GiB,
      utilization: 0.9,
      weightsBytes: 13 * GiB,
    });
    const kv = new KVCacheManager({ numBlocks: plan.numBlocks, blockSize: 16, numHostBlocks: 256 });
    expect(plan.numBlocks).toBe(1100); // 8.6 GiB of 8 MiB blocks

    // Admit a request: look up its prompt in the prefix cache, then allocate the rest.
    const system = Array.from({ length: 48 }, (_, i) => 1000 + i); // a shared system prompt
    const promptA = [...system, 1, 2, 3];
    const hitA = kv.getComputedBlocks(promptA); // nothing cached yet
    const blocksA = kv.allocateSlots("a", promptA.length - hitA.numComputedTokens, {
      newComputedBlocks: hitA.blockIds,
      tokenIds: promptA,
    });
    expect(blocksA).toEqual([1, 2, 3, 4]);

    // A second request with the same system prompt reuses its three full blocks.
    const promptB = [...system, 7, 8];
    const hitB = kv.getComputedBlocks(promptB);
    expect(hitB).toEqual({ blockIds: [1, 2, 3], numComputedTokens: 48 });
    kv.allocateSlots("b", promptB.length - hitB.numComputedTokens, {
      newComputedBlocks: hitB.blockIds,
      tokenIds: promptB,
    });
    expect(kv.getBlockIds("b")).toEqual([1, 2, 3, 5]);

    // Decode: one slot per step; the executor writes K/V through the slot mapping.
    promptA.push(42); // the token sampled last step
    if (kv.canAllocate("a", 1)) kv.allocateSlots("a", 1, { tokenIds: promptA });
    const slots = computeSlotMapping(kv.getBlockIds("a"), 16, 51, 52);
    expect([...slots]).toEqual([4 * 16 + 3]);

    // Parallel sampling: fork shares every block; the first write copies the shared last block.
    kv.fork("a", "a#1");
    kv.allocateSlots("a#1", 1);
    expect(kv.takeCopyPairs()).toEqual([[4, 6]]); // [src, dst] for the executor

    // Preempt by swapping to host memory, and back.
    const out = kv.swapOut("b"); // [deviceBlock, hostBlock] pairs
    expect(out).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [5, 4],
    ]);
    const back = kv.swapIn("b"); // [hostBlock, deviceBlock] pairs
    expect(back?.length).toBe(4);

    for (const id of ["a", "a#1", "b"]) kv.free(id);
    expect(kv.stats()).toMatchObject({ numUsedBlocks: 0, prefixCacheQueries: 101, prefixCacheHits: 48 });
  });
});
