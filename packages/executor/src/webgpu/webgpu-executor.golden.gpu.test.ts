import { type PagodaDevice, requestDevice } from "@pagoda/kernels-wgsl";
import { type LoadedWeights, loadModelWeights } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect } from "vitest";
import { stories260KDir } from "../testing/golden.js";
import { goldenSuite } from "../testing/golden-suite.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";

describeGpu("WebGpuExecutor on stories260K (golden greedy outputs)", () => {
  let gpu: PagodaDevice;
  let model: LoadedWeights;
  const errors: string[] = [];

  beforeAll(async () => {
    gpu = await requestDevice();
    gpu.device.onuncapturederror = (event) => errors.push(event.error.message);
    model = await loadModelWeights(stories260KDir());
  });

  afterAll(async () => {
    await model.close();
    gpu.device.destroy();
    expect(errors, "WebGPU validation errors").toEqual([]);
  });

  goldenSuite(({ blockSize, numBlocks }) =>
    createWebGpuExecutor({
      model,
      gpu,
      blockSize,
      numBlocks,
      maxNumBatchedTokens: 128,
      maxNumSeqs: 16,
      weightDtype: "f32",
    }),
  );
});
