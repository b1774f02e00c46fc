import { loadModel } from "@pagoda/model-loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORCED_STORY } from "../accuracy/forced-text.js";
import { type ForcedScores, teacherForce } from "../accuracy/teacher-force.js";
import { readWeightsF32 } from "../model/read-weights.js";
import type { ModelWeights } from "../model/shape.js";
import { stories260KDir } from "../testing/golden.js";
import { expectForcedLogprobs, promptLogprobsOf } from "../testing/prompt-logprobs-scenario.js";
import { CpuExecutor } from "./cpu-executor.js";

const BLOCK = 16;
const NUM_BLOCKS = 16;

describe("CpuExecutor: prompt log-probabilities on stories260K", { timeout: 120_000 }, () => {
  let model: Awaited<ReturnType<typeof loadModel>>;
  let weights: ModelWeights;
  let text: number[];
  let forced: ForcedScores;

  beforeAll(async () => {
    model = await loadModel(stories260KDir());
    weights = await readWeightsF32(model.weights);
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

  for (const chunk of [1000, 7, 1]) {
    it(`equal teacher forcing one token at a time (prefill chunks of ${chunk})`, async () => {
      const exec = new CpuExecutor(model.config, weights, { blockSize: BLOCK, numBlocks: NUM_BLOCKS });
      const entries = await promptLogprobsOf(exec, text, 4, chunk, BLOCK);
      expectForcedLogprobs(entries, text, forced, 4, 1e-4);
    });
  }

  it("k = 0 gives each prompt token's log-probability and rank with no alternatives", async () => {
    const exec = new CpuExecutor(model.config, weights, { blockSize: BLOCK, numBlocks: NUM_BLOCKS });
    const entries = await promptLogprobsOf(exec, text.slice(0, 12), 0, 5, BLOCK);
    expect(entries.slice(1).map((e) => e?.top.length)).toEqual(Array(11).fill(0));
    expect(entries.slice(1).every((e) => (e?.rank ?? 0) >= 1)).toBe(true);
  });
});
