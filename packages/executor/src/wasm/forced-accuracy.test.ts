import { loadModel } from "@pagoda/model-loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORCED_STORY } from "../accuracy/forced-text.js";
import { agreement, type ForcedScores, teacherForce } from "../accuracy/teacher-force.js";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { createWasmExecutor } from "./create-wasm-executor.js";

const STORIES = new URL("../../../../../shared/models/stories260K", import.meta.url).pathname;
const BLOCK = 16;

describe("teacher forcing on stories260K", { timeout: 120_000 }, () => {
  let text: number[];
  let baseline: ForcedScores;
  let model: Awaited<ReturnType<typeof loadModel>>;

  beforeAll(async () => {
    model = await loadModel(STORIES);
    text = model.tokenizer.encode(FORCED_STORY);
    const weights = await readWeightsF32(model.weights);
    const numBlocks = Math.ceil(text.length / BLOCK) + 1;
    baseline = await teacherForce(
      async (sampler) => new CpuExecutor(model.config, weights, { blockSize: BLOCK, numBlocks, sampler }),
      text,
      BLOCK,
    );
  });

  afterAll(async () => {
    await model.close();
  });

  it("the WASM executor on F32 weights follows the reference at every position", async () => {
    const numBlocks = Math.ceil(text.length / BLOCK) + 1;
    const wasm = await teacherForce(
      (sampler) =>
        createWasmExecutor({
          model,
          blockSize: BLOCK,
          numBlocks,
          maxNumBatchedTokens: 64,
          maxNumSeqs: 1,
          weightDtype: "f32",
          threads: 1,
          sampler,
        }),
      text,
      BLOCK,
    );
    const a = agreement(baseline, wasm);
    expect(text.length).toBeGreaterThan(150);
    expect(a.top1).toBe(1);
    expect(a.meanAbsLogprobDiff).toBeLessThan(1e-4);
    // The model knows the story's words: far better than uniform over 512 ids (−6.2 nats).
    expect(a.baselineMeanLogprob).toBeGreaterThan(-3);
  });
});
