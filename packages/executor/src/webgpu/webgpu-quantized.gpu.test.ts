import { rowBytes } from "@pagoda/kernels-wgsl";
import { loadModelWeights, writeRandomModel } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { beforeAll, expect, it } from "vitest";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { buildForwardPlan } from "../model/plan.js";
import { planFeatures } from "../model/plan-tensors.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { type LockstepTolerance, recordingSampler, runLockstep } from "../testing/lockstep.js";
import { type QuantRecipe, quantizeWeights } from "../testing/quantized-weights.js";
import { randomRequests } from "../testing/random-requests.js";
import { useTempDir } from "../testing/temp-dir.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import { GpuBuffers } from "./gpu-buffers.js";
import { uploadWeights } from "./gpu-weights.js";
import { useGpuDevice } from "./testing/gpu-device.js";

// The reference reads every quantized tensor dequantized to F32, and the GPU dequantizes the
// same values in registers, so only summation order differs: the F32 tolerance holds. Using the
// float weights instead would be off by the quantization error (far above 1e-4 at 4 bits).
const TOLERANCE: LockstepTolerance = { logprob: 1e-4, tieMargin: 1e-3 };

// K-quants need rows of 256: hidden, q heads and the FFN are multiples of it.
const SHAPES = {
  hiddenSize: 256,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 64,
  intermediateSize: 512,
  vocabSize: 256,
};

// Q4_K_M-like mixes: fused q|k|v and gate|up whose parts differ in format, and one F32 k among
// quantized q and v.
const RECIPE: QuantRecipe = {
  embedTokens: "Q4_K",
  lmHead: "Q6_K",
  layer: (i) =>
    i === 0
      ? { q: "Q4_K", k: "Q4_K", v: "Q6_K", o: "Q4_0", gate: "Q4_K", up: "Q8_0", down: "Q6_K" }
      : { q: "Q8_0", v: "Q4_0", o: "Q6_K", gate: "Q6_K", up: "Q6_K", down: "Q4_K" },
};

describeGpu("WebGpuExecutor on quantized weights against the CPU reference", () => {
  const device = useGpuDevice();
  const tmp = useTempDir("pagoda-webgpu-quant-");

  beforeAll(async () => {
    await writeRandomModel(tmp.path, "llama", SHAPES, { dtype: "F32", seed: 5 });
  });

  it("Q8_0 / Q4_0 / Q4_K / Q6_K weights, mixed within fused matrices, match over a random batch", async () => {
    const model = await loadModelWeights(tmp.path);
    const weights = quantizeWeights(model.weights, RECIPE);
    const [blockSize, numBlocks] = [16, 96];
    const { sampler, last } = recordingSampler();
    const cpu = new CpuExecutor(model.config, await readWeightsF32(weights), {
      blockSize,
      numBlocks,
      sampler,
    });
    const gpuExec = await createWebGpuExecutor({
      model: { config: model.config, weights },
      gpu: device.gpu,
      blockSize,
      numBlocks,
      maxNumBatchedTokens: 128,
      maxNumSeqs: 8,
      weightDtype: "f32",
    });
    await model.close();
    const requests = randomRequests({
      count: 6,
      vocab: SHAPES.vocabSize,
      blockSize,
      numBlocks,
      seed: 3,
      maxPrompt: 30,
      maxTokens: 16,
      maxArrival: 6,
    });
    const report = await runLockstep(cpu, last, gpuExec, requests, 8, TOLERANCE);
    await gpuExec.close();
    expect(report.ties.length, JSON.stringify(report.ties)).toBeLessThanOrEqual(1);
    expect(report.tokens).toBeGreaterThan(40);
    expect(report.maxLogprobError).toBeLessThan(TOLERANCE.logprob);
  }, 300_000);

  it("uploads each tensor in its own format: a segment per format run, no dequantized copy", async () => {
    const model = await loadModelWeights(tmp.path);
    const weights = quantizeWeights(model.weights, RECIPE);
    const plan = buildForwardPlan(model.config, planFeatures(weights));
    const buffers = new GpuBuffers(device.gpu.device);
    const up = await uploadWeights(buffers, plan, weights, "f32");
    await model.close();
    const parts = (name: string) =>
      up.matrices.get(name)?.parts.map((p) => [p.dtype, p.rowStart, p.buffer.size]);
    const h = SHAPES.hiddenSize;
    const size = (dtype: Parameters<typeof rowBytes>[0], rows: number) => rows * rowBytes(dtype, h);
    expect(parts("layers.0.qkv")).toEqual([
      ["q4_k", 0, size("q4_k", 384)], // q (256 rows) and k (128)
      ["q6_k", 384, size("q6_k", 128)],
    ]);
    expect(parts("layers.1.qkv")).toEqual([
      ["q8_0", 0, size("q8_0", 256)],
      ["f32", 256, size("f32", 128)],
      ["q4_0", 384, size("q4_0", 128)],
    ]);
    expect(parts("embed")).toEqual([["q4_k", 0, size("q4_k", 256)]]);
    expect(parts("lm_head")).toEqual([["q6_k", 0, size("q6_k", 256)]]);
    expect(up.matrices.get("layers.1.gate_up")?.dtype).toBe("q6_k");
    buffers.destroyAll();
  });
});
