import { describe, expect, it } from "vitest";
import {
  expectForcedLogprobs,
  promptLogprobsOf,
  useForcedStory,
} from "../testing/prompt-logprobs-scenario.js";
import { CpuExecutor } from "./cpu-executor.js";

const BLOCK = 16;
const NUM_BLOCKS = 16;

describe("CpuExecutor: prompt log-probabilities on stories260K", { timeout: 120_000 }, () => {
  const story = useForcedStory(BLOCK, NUM_BLOCKS);

  for (const chunk of [1000, 7, 1]) {
    it(`equal teacher forcing one token at a time (prefill chunks of ${chunk})`, async () => {
      const exec = new CpuExecutor(story.model.config, story.weights, {
        blockSize: BLOCK,
        numBlocks: NUM_BLOCKS,
      });
      const entries = await promptLogprobsOf(exec, story.text, 4, chunk, BLOCK);
      expectForcedLogprobs(entries, story.text, story.forced, 4, 1e-4);
    });
  }

  it("k = 0 gives each prompt token's log-probability and rank with no alternatives", async () => {
    const exec = new CpuExecutor(story.model.config, story.weights, {
      blockSize: BLOCK,
      numBlocks: NUM_BLOCKS,
    });
    const entries = await promptLogprobsOf(exec, story.text.slice(0, 12), 0, 5, BLOCK);
    expect(entries.slice(1).map((e) => e?.top.length)).toEqual(Array(11).fill(0));
    expect(entries.slice(1).every((e) => (e?.rank ?? 0) >= 1)).toBe(true);
  });
});
