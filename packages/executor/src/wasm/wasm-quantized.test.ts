import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWasmKernels, WeightType } from "@pagoda/kernels-wasm";
import {
  type LoadedWeights,
  loadModelWeights,
  type ModelWeights,
  quantizeWeights,
  type RandomModelShapes,
  writeRandomModel,
} from "@pagoda/model-loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { buildForwardPlan } from "../model/plan.js";
import { planFeatures } from "../model/plan-tensors.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { type LockstepTolerance, recordingSampler, runLockstep } from "../testing/lockstep.js";
import { randomRequests } from "../testing/random-requests.js";
import { createWasmExecutor } from "./create-wasm-executor.js";
import { loadWasmWeights, type WasmWeightDtype } from "./wasm-weights.js";

// A model whose matrices are GGUF blocks of mixed types, as a Q4_K_M file mixes them: q, k, o,
// gate, down Q4_K; v Q8_0 and up Q4_0 (so the fused q|k|v and gate|up rows are two segments of
// different types); the LM head Q6_K; the embedding Q8_0 (untied here, read by embed). The
// reference reads every tensor through read() (dequantized), so:
// - weightDtype "f32" (dequantized on load) computes on the same weights: the F32 tolerance;
// - "auto" keeps the blocks; its decode GEMV rounds each activation row to int8 blocks of 32
//   (about 0.4 % of a block's largest |x| per element) where the reference uses f32 x, hence the
//   wider tolerance (measured: max |Δ logprob| 9.1e-3 on this model, no ties).
const F32_TOLERANCE: LockstepTolerance = { logprob: 1e-4, tieMargin: 1e-3 };
const QUANT_TOLERANCE: LockstepTolerance = { logprob: 5e-2, tieMargin: 5e-2 };
const NUM_BLOCKS = 96;
const SHAPES: RandomModelShapes = {
  hiddenSize: 256,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 64,
  intermediateSize: 512,
  vocabSize: 256,
};

function mixedQuantized(model: LoadedWeights): ModelWeights {
  const q4k = quantizeWeights(model.weights, model.config, "q4_k");
  const q8 = quantizeWeights(model.weights, model.config, "q8_0");
  const q4 = quantizeWeights(model.weights, model.config, "q4_0");
  return {
    ...q4k,
    embedTokens: q8.embedTokens,
    layers: q4k.layers.map((l, i) => ({
      ...l,
      v: (q8.layers[i] as (typeof q8.layers)[number]).v,
      up: (q4.layers[i] as (typeof q4.layers)[number]).up,
    })),
  };
}

describe("WasmExecutor on quantized weights", { timeout: 120_000 }, () => {
  let dir: string;
  let model: LoadedWeights;
  let weights: ModelWeights;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pagoda-wasm-quant-"));
    await writeRandomModel(dir, "mistral", SHAPES, { dtype: "F32", seed: 5 });
    model = await loadModelWeights(dir);
    weights = mixedQuantized(model);
  });

  afterAll(async () => {
    await model.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('"auto" keeps each part packed as stored: fused rows of different types are segments', async () => {
    const k = await createWasmKernels({ threads: 1 });
    try {
      const plan = buildForwardPlan(model.config, planFeatures(weights));
      const loaded = await loadWasmWeights(k, plan, weights, "auto");
      const types = (name: string) => loaded.get(name)?.segments.map((s) => [s.type, s.firstRow, s.rows]);
      const qk = (4 + 2) * 64;
      expect(types("layers.0.qkv")).toEqual([
        [WeightType.Q4_K, 0, qk],
        [WeightType.Q8_0, qk, 2 * 64],
      ]);
      expect(types("layers.1.gate_up")).toEqual([
        [WeightType.Q4_K, 0, 512],
        [WeightType.Q4_0, 512, 512],
      ]);
      expect(types("layers.0.down")).toEqual([[WeightType.Q4_K, 0, 256]]);
      expect(types("lm_head")).toEqual([[WeightType.Q6_K, 0, 256]]);
      expect(types("embed")).toEqual([[WeightType.Q8_0, 0, 256]]);
      const f16 = await loadWasmWeights(k, plan, weights, "f16");
      expect(f16.get("layers.0.qkv")?.segments.map((s) => s.type)).toEqual([WeightType.F16]);
    } finally {
      await k.close();
    }
  });

  async function compare(weightDtype: WasmWeightDtype, tol: LockstepTolerance) {
    const { sampler, last } = recordingSampler();
    const reference = new CpuExecutor(model.config, await readWeightsF32(weights), {
      blockSize: 16,
      numBlocks: NUM_BLOCKS,
      sampler,
    });
    const executor = await createWasmExecutor({
      model: { config: model.config, weights },
      blockSize: 16,
      numBlocks: NUM_BLOCKS,
      maxNumBatchedTokens: 256,
      maxNumSeqs: 8,
      weightDtype,
      threads: 2,
      parallelMinWork: 0,
    });
    const requests = randomRequests({
      count: 6,
      vocab: SHAPES.vocabSize,
      blockSize: 16,
      numBlocks: NUM_BLOCKS,
      seed: 3,
      maxPrompt: 30,
      maxTokens: 16,
      maxArrival: 6,
      greedyOnly: true,
    });
    try {
      return await runLockstep(reference, last, executor, requests, 8, tol);
    } finally {
      await executor.close();
    }
  }

  it('"f32" dequantizes on load and matches the reference at the F32 tolerance', async () => {
    const report = await compare("f32", F32_TOLERANCE);
    expect(report.tokens).toBeGreaterThan(40);
    expect(report.maxLogprobError).toBeLessThan(F32_TOLERANCE.logprob);
  });

  it('"auto" computes on the packed blocks and follows the reference within the stated tolerance', async () => {
    const report = await compare("auto", QUANT_TOLERANCE);
    expect(report.ties.length, JSON.stringify(report.ties)).toBeLessThanOrEqual(2);
    expect(report.tokens).toBeGreaterThan(40);
    expect(report.maxLogprobError).toBeLessThan(QUANT_TOLERANCE.logprob);
    // The int8 rounding of x must show up, or the packed GEMV was not taken.
    expect(report.maxLogprobError).toBeGreaterThan(1e-5);
  });
});
