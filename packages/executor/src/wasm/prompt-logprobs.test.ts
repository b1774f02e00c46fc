import { loadModel } from "@pagoda/model-loaders";
import { afterAll, beforeAll, describe, it } from "vitest";
import { FORCED_STORY } from "../accuracy/forced-text.js";
import { type ForcedScores, teacherForce } from "../accuracy/teacher-force.js";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { stories260KDir } from "../testing/golden.js";
import { expectForcedLogprobs, promptLogprobsOf } from "../testing/prompt-logprobs-scenario.js";
import { createWasmExecutor } from "./create-wasm-executor.js";

const BLOCK = 16;
const NUM_BLOCKS = 16;

describe("WasmExecutor: prompt log-probabilities on stories260K", { timeout: 120_000 }, () => {
  let model: Awaited<ReturnType<typeof loadModel>>;
  let text: number[];
  let forced: ForcedScores;

  beforeAll(async () => {
    model = await loadModel(stories260KDir());
    const weights = await readWeightsF32(model.weights);
    text = model.tokenizer.encode(FORCED_STORY).slice(0, 60);
    forced = await teacherForce(
      async (sampler) =>
        new CpuExecutor(model.config, weights, { blockSize: BLOCK, numBlocks: NUM_BLOCKS, sampler }),
      text,
      BLOCK,
    );
  });

  afterAll(async () => {
    await model.close();
  });

  // 4 sequences at most: a whole-prompt chunk scores its 59 rows in 15 LM-head passes.
  for (const chunk of [64, 7]) {
    it(`equal the reference's teacher forcing (prefill chunks of ${chunk}, 2 threads)`, async () => {
      const exec = await createWasmExecutor({
        model,
        blockSize: BLOCK,
        numBlocks: NUM_BLOCKS,
        maxNumBatchedTokens: 72,
        maxNumSeqs: 4,
        weightDtype: "f32",
        threads: 2,
      });
      try {
        expectForcedLogprobs(await promptLogprobsOf(exec, text, 5, chunk, BLOCK), text, forced, 5, 1e-4);
      } finally {
        await exec.close();
      }
    });
  }
});
