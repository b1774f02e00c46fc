import { describe, expect, it } from "vitest";
import { GiB, KiB, kvBytesPerToken, MiB, maxConcurrentSequences, planKVCache } from "./memory-planner.js";
import { withCode } from "./testing/errors.js";

const LLAMA_2_7B = { numLayers: 32, numKVHeads: 32, headDim: 128, kvDtypeBytes: 2 };

describe("memory planner: the arithmetic that motivates paging (sizes in GiB)", () => {
  it("Llama-2-7B in FP16 holds 512 KiB of KV per token, 2 GiB per 4096-token request", () => {
    expect(kvBytesPerToken(LLAMA_2_7B)).toBe(512 * KiB);
    expect(kvBytesPerToken(LLAMA_2_7B) * 4096).toBe(2 * GiB);
  });

  it("an 80 GB A100 with 14 GB of weights and 2 GB of overhead leaves 64 GB: 32 contiguous requests, ~426 paged", () => {
    const plan = planKVCache(LLAMA_2_7B, 16, {
      deviceMemoryBytes: 80 * GiB,
      utilization: 1,
      weightsBytes: 14 * GiB,
      activationReserveBytes: 2 * GiB,
    });
    expect(plan.kvCacheBytes).toBe(64 * GiB);
    expect(plan.bytesPerBlock).toBe(8 * MiB);
    expect(plan.numBlocks).toBe(8192);
    expect(plan.numTokens).toBe(8191 * 16);
    expect(maxConcurrentSequences(plan, { kind: "contiguous", maxModelLen: 4096 })).toBe(32);
    expect(maxConcurrentSequences(plan, { kind: "paged", meanTokens: 300 })).toBe(426);
  });

  it("takes a budget in bytes directly, defaults utilisation to 0.9, and smaller dtypes fit more", () => {
    const fp8 = { ...LLAMA_2_7B, kvDtypeBytes: 1 };
    expect(planKVCache(fp8, 16, { kvCacheBytes: 64 * GiB }).numBlocks).toBe(16384);
    const gqa = { numLayers: 32, numKVHeads: 8, headDim: 128, kvDtypeBytes: 2 }; // Llama-3-8B
    expect(kvBytesPerToken(gqa)).toBe(128 * KiB);
    const plan = planKVCache(LLAMA_2_7B, 16, { deviceMemoryBytes: 80 * GiB, weightsBytes: 14 * GiB });
    expect(plan.kvCacheBytes).toBeCloseTo(58 * GiB, -3);
  });

  it("rejects a budget the weights do not fit in, and bad shapes", () => {
    expect(() => planKVCache(LLAMA_2_7B, 16, { deviceMemoryBytes: 8 * GiB, weightsBytes: 14 * GiB })).toThrow(
      withCode("kv.invalid_argument"),
    );
    expect(() => kvBytesPerToken({ ...LLAMA_2_7B, numLayers: 0 })).toThrow(withCode("kv.invalid_argument"));
    expect(() => planKVCache(LLAMA_2_7B, 0, { kvCacheBytes: GiB })).toThrow(withCode("kv.invalid_argument"));
  });

  it("sizes blocks by the cache dtype, int8's per-row f32 scales included", () => {
    const shape = { numLayers: 2, numKVHeads: 4, headDim: 64 };
    const budget = { kvCacheBytes: 16 * MiB };
    const plans = (["f32", "f16", "int8"] as const).map((d) =>
      planKVCache({ ...shape, kvCacheDtype: d }, 16, budget),
    );
    expect(plans.map((p) => p.bytesPerBlock)).toEqual([
      2 * 2 * 4 * 64 * 4 * 16,
      2 * 2 * 4 * 64 * 2 * 16,
      2 * 2 * 4 * (64 + 4) * 16,
    ]);
    expect(plans.map((p) => p.numBlocks)).toEqual([256, 512, 963]);
    expect(() => kvBytesPerToken({ ...shape, headDim: 6, kvCacheDtype: "int8" })).toThrow(
      withCode("kv.invalid_argument"),
    );
  });
});
