import type { ModelShape } from "@pagoda/metrics";
import { describe, expect, it } from "vitest";
import { CostModel } from "./cost-model.js";
import { resolveModel } from "./model-presets.js";
import { resolveDevice, type SimDevice } from "./sim-device.js";

// 2 layers, d = 4, 2 heads (= KV heads) of dim 2, gated FFN of 6, vocab 8; F16 weights, 8-bit KV.
const tiny: ModelShape = {
  numLayers: 2,
  hiddenSize: 4,
  numHeads: 2,
  numKvHeads: 2,
  headDim: 2,
  intermediateSize: 6,
  vocabSize: 8,
  weightBytesPerParam: 2,
  kvBytesPerElement: 1,
};

const device = (bandwidth: number): SimDevice => ({
  name: "toy",
  peakFlopsPerSecond: 1000,
  memoryBytesPerSecond: bandwidth,
  memoryBytes: 1e6,
  memoryUtilization: 0.9,
  stepOverheadSeconds: 0.1,
  seqOverheadSeconds: 0.05,
  source: "test",
});

// A 3-token prefill from nothing and a decode at context 4.
const batch = { numNewTokens: [3, 1], numContextTokens: [0, 4] };

describe("CostModel on a hand-counted model", () => {
  it("counts FLOPs and bytes term by term", () => {
    const { cost } = new CostModel(tiny, device(400)).time(batch);
    // Per layer: attention 4·2·(2·2 + 2·2) = 64, FFN 3·4·6 = 72 → 136; LM head 8·4 = 32; total 304.
    // Linear: 2·4 tokens·2 layers·136 + 2·2 seqs·32 = 2176 + 128. Attention pairs: 3·4/2 + (4 + 1) = 11,
    // each 4·layers·heads·headDim = 32 FLOPs → 352.
    expect(cost.linearFlops).toBe(2304);
    expect(cost.attentionFlops).toBe(352);
    expect(cost.flops).toBe(2656);
    // Weights 304·2 B; KV per token 2·2 layers·2 heads·2 dims·1 B = 16: read 3 + 5 positions, write 4.
    expect(cost.weightBytes).toBe(608);
    expect(cost.kvReadBytes).toBe(128);
    expect(cost.kvWriteBytes).toBe(64);
    expect(cost.bytes).toBe(800);
  });

  it("is compute-bound when FLOPs take longer, and adds the fixed costs", () => {
    const t = new CostModel(tiny, device(400)).time(batch);
    expect(t.computeSeconds).toBeCloseTo(2.656, 12);
    expect(t.memorySeconds).toBeCloseTo(2, 12);
    expect(t.overheadSeconds).toBeCloseTo(0.2, 12); // 0.1 + 2 sequences · 0.05
    expect(t.seconds).toBeCloseTo(2.856, 12);
  });

  it("is memory-bound when bytes take longer", () => {
    const t = new CostModel(tiny, device(200)).time(batch);
    expect(t.memorySeconds).toBeCloseTo(4, 12);
    expect(t.seconds).toBeCloseTo(4.2, 12);
  });

  it("prices a Llama-2-7B decode on the A100 at the weights over the reached bandwidth", () => {
    const a100 = resolveDevice("A100-80GB");
    const t = new CostModel(resolveModel("llama-2-7b").shape, a100).time({
      numNewTokens: [1],
      numContextTokens: [1000],
    });
    // 13,739,491,328 bytes (metrics' own test) at 2,039 GB/s × 0.85, plus 0.5 ms + 2 µs.
    expect(t.seconds).toBeCloseTo(13_739_491_328 / (2039e9 * 0.85) + 0.0005 + 2e-6, 9);
  });
});
