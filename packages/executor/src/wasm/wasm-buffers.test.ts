import { createWasmKernels } from "@pagoda/kernels-wasm";
import { describe, expect, it } from "vitest";
import { buildForwardPlan } from "../model/plan.js";
import { resolveSizes } from "../model/sizes.js";
import { allocateWasmBuffers } from "./wasm-buffers.js";

const shape = {
  hiddenSize: 16,
  numLayers: 2,
  numHeads: 2,
  numKvHeads: 1,
  headDim: 8,
  intermediateSize: 24,
  vocabSize: 32,
  ropeTheta: 10_000,
  ropeScaling: null,
  rmsNormEps: 1e-5,
  maxPositionEmbeddings: 64,
};

describe("allocateWasmBuffers", () => {
  it("gives KV cache views that survive the memory growing (one thread: a non-shared memory)", async () => {
    const k = await createWasmKernels({ threads: 1 });
    expect(k.sharedMemory).toBe(false);
    const plan = buildForwardPlan(shape, { tiedEmbeddings: true, qkvBias: false, qkNorm: false });
    const sizes = resolveSizes(shape, {
      blockSize: 4,
      numBlocks: 8,
      maxNumBatchedTokens: 8,
      maxNumSeqs: 2,
    });
    const buffers = allocateWasmBuffers(k, plan, sizes, new Float64Array(4));
    buffers.cacheViews().keys[1]?.fill(3, 0, 8 * 4 * 8 * 4); // block 0 of layer 1 (f32 rows: bytes)
    k.alloc(64 << 20); // what a kernel's scratch growing does mid-run
    const cache = buffers.cacheViews();
    cache.copyBlocks([[0, 5]]);
    expect(cache.keys[1]?.length).toBe(8 * 4 * 8 * 4);
    expect(cache.readBlock(5).filter((x) => x === 3).length).toBe(32 * 4);
    await k.close();
  });
});
