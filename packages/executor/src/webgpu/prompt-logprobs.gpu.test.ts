import { describeGpu } from "@pagoda/vitest-config/gpu";
import { it } from "vitest";
import {
  expectForcedLogprobs,
  promptLogprobsOf,
  useForcedStory,
} from "../testing/prompt-logprobs-scenario.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import { useGpuDevice } from "./testing/gpu-device.js";

const BLOCK = 16;
const NUM_BLOCKS = 16;
// F32 weights on the GPU against the F64-accumulating reference (as the golden suite's 1e-4).
const TOLERANCE = 1e-4;

describeGpu("WebGpuExecutor: prompt log-probabilities on stories260K", () => {
  const device = useGpuDevice();
  const story = useForcedStory(BLOCK, NUM_BLOCKS);

  // 4 sequences at most: a whole-prompt chunk scores its 59 rows in 15 LM-head passes.
  for (const chunk of [64, 7]) {
    it(`equal the reference's teacher forcing (prefill chunks of ${chunk})`, async () => {
      const exec = await createWebGpuExecutor({
        model: story.model,
        gpu: device.gpu,
        blockSize: BLOCK,
        numBlocks: NUM_BLOCKS,
        maxNumBatchedTokens: 72,
        maxNumSeqs: 4,
        weightDtype: "f32",
      });
      try {
        const entries = await promptLogprobsOf(exec, story.text, 5, chunk, BLOCK);
        expectForcedLogprobs(entries, story.text, story.forced, 5, TOLERANCE);
      } finally {
        await exec.close();
      }
    });
  }
});
