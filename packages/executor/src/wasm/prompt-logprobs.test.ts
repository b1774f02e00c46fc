import { describe, it } from "vitest";
import {
  expectForcedLogprobs,
  promptLogprobsOf,
  useForcedStory,
} from "../testing/prompt-logprobs-scenario.js";
import { createWasmExecutor } from "./create-wasm-executor.js";

const BLOCK = 16;
const NUM_BLOCKS = 16;

describe("WasmExecutor: prompt log-probabilities on stories260K", { timeout: 120_000 }, () => {
  const story = useForcedStory(BLOCK, NUM_BLOCKS);

  // 4 sequences at most: a whole-prompt chunk scores its 59 rows in 15 LM-head passes.
  for (const chunk of [64, 7]) {
    it(`equal the reference's teacher forcing (prefill chunks of ${chunk}, 2 threads)`, async () => {
      const exec = await createWasmExecutor({
        model: story.model,
        blockSize: BLOCK,
        numBlocks: NUM_BLOCKS,
        maxNumBatchedTokens: 72,
        maxNumSeqs: 4,
        weightDtype: "f32",
        threads: 2,
      });
      try {
        const entries = await promptLogprobsOf(exec, story.text, 5, chunk, BLOCK);
        expectForcedLogprobs(entries, story.text, story.forced, 5, 1e-4);
      } finally {
        await exec.close();
      }
    });
  }
});
