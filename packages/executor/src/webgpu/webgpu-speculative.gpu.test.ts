import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PagodaDevice, requestDevice } from "@pagoda/kernels-wgsl";
import { loadModelWeights, writeRandomModel } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  SPEC_MODELS,
  SPEC_REQUEST_BLOCKS,
  specGreedyScenario,
  specRequests,
} from "../testing/spec-scenarios.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";

const BLOCK_SIZE = 8;

describeGpu("WebGpuExecutor: greedy speculative decoding (random checkpoints)", () => {
  let gpu: PagodaDevice;
  let dir: string;
  const errors: string[] = [];

  beforeAll(async () => {
    gpu = await requestDevice();
    gpu.device.onuncapturederror = (event) => errors.push(event.error.message);
    dir = await mkdtemp(join(tmpdir(), "pagoda-spec-webgpu-"));
    for (const [i, m] of SPEC_MODELS.entries())
      await writeRandomModel(join(dir, m.family), m.family, m.shapes, { seed: 31 + i });
  });

  afterAll(async () => {
    gpu.device.destroy();
    await rm(dir, { recursive: true, force: true });
    expect(errors, "WebGPU validation errors").toEqual([]);
  });

  // The drafts' rows go through the batched matmul where a lone decode token takes the one-row
  // path: the same greedy ids, log-probabilities within the F32 rounding of the two orders.
  for (const m of SPEC_MODELS) {
    it(`${m.family}: drafts right, wrong at one position or random give the same tokens as none`, async () => {
      const model = await loadModelWeights(join(dir, m.family));
      try {
        await specGreedyScenario(
          (numSpeculativeTokens) =>
            createWebGpuExecutor({
              model,
              gpu,
              blockSize: BLOCK_SIZE,
              numBlocks: SPEC_REQUEST_BLOCKS(BLOCK_SIZE),
              maxNumBatchedTokens: 128,
              maxNumSeqs: 8,
              weightDtype: "f32",
              numSpeculativeTokens,
            }),
          specRequests(m.shapes.vocabSize, BLOCK_SIZE, 4),
          { vocab: m.shapes.vocabSize, chunk: 6, k: 3, tolerance: 1e-4 },
        );
      } finally {
        await model.close();
      }
    }, 300_000);
  }
});
