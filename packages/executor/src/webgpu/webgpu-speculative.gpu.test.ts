import { loadModelWeights } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { it } from "vitest";
import {
  SPEC_MODELS,
  SPEC_REQUEST_BLOCKS,
  specGreedyScenario,
  specRequests,
  useSpecModels,
} from "../testing/spec-scenarios.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import { useGpuDevice } from "./testing/gpu-device.js";

const BLOCK_SIZE = 8;

describeGpu("WebGpuExecutor: greedy speculative decoding (random checkpoints)", () => {
  const device = useGpuDevice();
  const modelDir = useSpecModels("pagoda-spec-webgpu-");

  // The drafts' rows go through the batched matmul where a lone decode token takes the one-row
  // path: the same greedy ids, log-probabilities within the F32 rounding of the two orders.
  for (const m of SPEC_MODELS) {
    it(`${m.family}: drafts right, wrong at one position or random give the same tokens as none`, async () => {
      const model = await loadModelWeights(modelDir(m.family));
      try {
        await specGreedyScenario(
          (numSpeculativeTokens) =>
            createWebGpuExecutor({
              model,
              gpu: device.gpu,
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
