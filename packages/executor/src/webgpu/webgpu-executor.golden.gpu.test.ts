import { describeGpu } from "@pagoda/vitest-config/gpu";
import { goldenSuite } from "../testing/golden-suite.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import { useStoriesOnGpu } from "./testing/stories-on-gpu.js";

describeGpu("WebGpuExecutor on stories260K (golden greedy outputs)", () => {
  const held = useStoriesOnGpu();

  goldenSuite(
    ({ blockSize, numBlocks, numSpeculativeTokens }) =>
      createWebGpuExecutor({
        model: held.model,
        gpu: held.gpu,
        blockSize,
        numBlocks,
        maxNumBatchedTokens: 128,
        maxNumSeqs: 16,
        weightDtype: "f32",
        numSpeculativeTokens,
      }),
    { speculative: true },
  );
});
