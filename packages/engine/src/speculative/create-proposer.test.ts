import type { Executor } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { stories, storiesDir } from "../testing/stories.js";
import { createProposer } from "./create-proposer.js";

describe("createProposer", () => {
  it("closes the draft executor it built when the proposer refuses the target's sizes", async () => {
    const { model } = await stories();
    let closed = 0;
    const executor = {
      execute: () => Promise.reject(new Error("not run")),
      close: async () => {
        closed++;
      },
    } as unknown as Executor;
    const err = await createProposer(
      { method: "draft", model: storiesDir(), numSpeculativeTokens: 2 },
      // A step budget below the batch limit: the draft's steps could not hold one token per request.
      {
        vocabSize: model.config.vocabSize,
        numBlocks: 16,
        blockSize: 16,
        maxNumBatchedTokens: 4,
        maxNumSeqs: 8,
      },
      async (_, numBlocks) => ({ executor, numBlocks, maxModelLen: 256 }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "engine.bad_option" });
    expect(String((err as Error).message)).toContain("maxNumBatchedTokens (4)");
    expect(closed).toBe(1);
  });
});
