import { describe, expect, it } from "vitest";
import { resolveModel } from "../sim/model-presets.js";
import { resolveDevice } from "../sim/sim-device.js";
import { simulate } from "./simulate.js";
import { buildTrace } from "./trace.js";

const model = resolveModel("llama-2-7b");
const device = resolveDevice("a100-80gb");

describe("simulate: prefix-cache hits and swap", () => {
  it("hits the prefix cache on shared prefixes, and the hits cut TTFT", async () => {
    const base = { numPrompts: 64, requestRate: 8, inputLen: 1024, outputLen: 32, seed: 2 };
    const shared = await simulate({
      model,
      device,
      requests: buildTrace({ ...base, sharedPrefixLen: 896, numPrefixGroups: 2 }),
    });
    const alone = await simulate({ model, device, requests: buildTrace(base) });
    expect(alone.stats.kv.prefixCacheHits).toBe(0);
    expect(shared.stats.kv.prefixCacheHitRate).toBeGreaterThan(0.5);
    expect(shared.result.ttft_ms.p50 ?? 0).toBeLessThan((alone.result.ttft_ms.p50 ?? 0) * 0.5);
  });

  it("swaps out under block pressure with host blocks, charging the copies to the step", async () => {
    const requests = buildTrace({
      numPrompts: 24,
      requestRate: Infinity,
      inputLen: 64,
      outputLen: 96,
      seed: 4,
    });
    const tight = { model, device, requests, numBlocks: 40, maxNumSeqs: 16, blockSize: 16 };
    const swap = await simulate({ ...tight, numHostBlocks: 200 });
    const recompute = await simulate(tight);
    expect(swap.stats.numSwapPreemptions).toBeGreaterThan(0);
    expect(swap.stats.numRecomputePreemptions).toBe(0);
    expect(recompute.stats.numRecomputePreemptions).toBeGreaterThan(0);
    expect(swap.result.completed).toBe(24);
    expect(swap.numLeakedBlocks).toBe(0);
    // The copies cost time: over a 100x slower link the same run takes longer, by about what
    // its swapped bytes need (a 16-token llama-2-7b block is 8 MiB).
    const slow = await simulate({
      ...tight,
      numHostBlocks: 200,
      device: { ...device, swapBytesPerSecond: 25e7 },
    });
    expect(slow.stats.numSwapPreemptions).toBe(swap.stats.numSwapPreemptions);
    const blockBytes = 16 * 32 * 2 * 32 * 128 * 2;
    const extra = slow.result.duration_s - swap.result.duration_s;
    expect(extra).toBeGreaterThan(((2 * swap.stats.numSwapPreemptions * blockBytes) / 25e7) * 0.5);
  });
});
