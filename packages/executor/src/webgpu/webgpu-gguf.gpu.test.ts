import { join } from "node:path";
import { isQuantType, loadModelWeights, writeRandomModel } from "@pagoda/model-loaders";
import { writeGguf } from "@pagoda/model-loaders/node";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { beforeAll, expect, it } from "vitest";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { stories260KDir } from "../testing/golden.js";
import { type LockstepTolerance, recordingSampler, runLockstep } from "../testing/lockstep.js";
import { randomRequests } from "../testing/random-requests.js";
import { useTempDir } from "../testing/temp-dir.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import { useGpuDevice } from "./testing/gpu-device.js";

// The reference reads the GGUF's tensors dequantized; the GPU reads the same blocks: only
// summation order differs (measured 1.1e-6 on each scheme).
const TOLERANCE: LockstepTolerance = { logprob: 1e-4, tieMargin: 1e-3 };
const SHAPES = {
  hiddenSize: 256,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 64,
  intermediateSize: 512,
  vocabSize: 512, // stories260K's tokenizer, which a GGUF file must carry
};

describeGpu("WebGpuExecutor on quantized GGUF files (writeGguf) against the CPU reference", () => {
  const device = useGpuDevice();
  const tmp = useTempDir("pagoda-webgpu-gguf-");

  beforeAll(async () => {
    const opts = { dtype: "F32" as const, seed: 1, tokenizerFrom: stories260KDir() };
    await writeRandomModel(join(tmp.path, "hf"), "llama", SHAPES, opts);
  });

  // q4_k is llama.cpp's Q4_K_M recipe: Q4_K matrices with a Q6_K LM head.
  for (const type of ["q4_k", "q8_0", "q4_0"] as const) {
    it(`a ${type} GGUF runs on its blocks and matches the reference`, async () => {
      const file = join(tmp.path, `${type}.gguf`);
      await writeGguf(join(tmp.path, "hf"), file, { type });
      const model = await loadModelWeights(file);
      expect(isQuantType(model.weights.layers[0]?.q.dtype ?? "")).toBe(true);
      const [blockSize, numBlocks] = [16, 64];
      const { sampler, last } = recordingSampler();
      const cpu = new CpuExecutor(model.config, await readWeightsF32(model.weights), {
        blockSize,
        numBlocks,
        sampler,
      });
      const sizes = { blockSize, numBlocks, maxNumBatchedTokens: 128, maxNumSeqs: 8 };
      const exec = await createWebGpuExecutor({ model, gpu: device.gpu, ...sizes, weightDtype: "f32" });
      await model.close();
      const requests = randomRequests({
        count: 4,
        vocab: SHAPES.vocabSize,
        blockSize,
        numBlocks,
        seed: 3,
        maxPrompt: 20,
        maxTokens: 10,
        maxArrival: 4,
      });
      const report = await runLockstep(cpu, last, exec, requests, 8, TOLERANCE);
      await exec.close();
      expect(report.ties.length, JSON.stringify(report.ties)).toBeLessThanOrEqual(1);
      expect(report.tokens).toBeGreaterThan(15);
      expect(report.maxLogprobError).toBeLessThan(TOLERANCE.logprob);
    }, 120_000);
  }
});
