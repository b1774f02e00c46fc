import { loadModel } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { beforeAll, it } from "vitest";
import { FORCED_STORY } from "../accuracy/forced-text.js";
import { type ForcedScores, teacherForce } from "../accuracy/teacher-force.js";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { stories260KDir } from "../testing/golden.js";
import { expectForcedLogprobs, promptLogprobsOf } from "../testing/prompt-logprobs-scenario.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import { useStoriesOnGpu } from "./testing/stories-on-gpu.js";

const BLOCK = 16;
const NUM_BLOCKS = 16;
// F32 weights on the GPU against the F64-accumulating reference (as the golden suite's 1e-4).
const TOLERANCE = 1e-4;

describeGpu("WebGpuExecutor: prompt log-probabilities on stories260K", () => {
  const held = useStoriesOnGpu();
  let text: number[];
  let forced: ForcedScores;

  beforeAll(async () => {
    const weights = await readWeightsF32(held.model.weights);
    const { config } = held.model;
    const withTokenizer = await loadModel(stories260KDir());
    text = withTokenizer.tokenizer.encode(FORCED_STORY).slice(0, 60);
    await withTokenizer.close();
    forced = await teacherForce(
      async (sampler) =>
        new CpuExecutor(config, weights, { blockSize: BLOCK, numBlocks: NUM_BLOCKS, sampler }),
      text,
      BLOCK,
    );
  });

  // 4 sequences at most: a whole-prompt chunk scores its 59 rows in 15 LM-head passes.
  for (const chunk of [64, 7]) {
    it(`equal the reference's teacher forcing (prefill chunks of ${chunk})`, async () => {
      const exec = await createWebGpuExecutor({
        model: held.model,
        gpu: held.gpu,
        blockSize: BLOCK,
        numBlocks: NUM_BLOCKS,
        maxNumBatchedTokens: 72,
        maxNumSeqs: 4,
        weightDtype: "f32",
      });
      try {
        const entries = await promptLogprobsOf(exec, text, 5, chunk, BLOCK);
        expectForcedLogprobs(entries, text, forced, 5, TOLERANCE);
      } finally {
        await exec.close();
      }
    });
  }
});
