import { describe, expect, it } from "vitest";
import { greedyParams } from "./contract/index.js";
import { Harness, prompt } from "./testing/harness.js";

describe("prompt log-probabilities", () => {
  it("a request asking for them takes no prefix-cache hits, so every prompt position is computed", () => {
    const h = new Harness({ numBlocks: 64, blockSize: 4, maxNumBatchedTokens: 64, maxNumSeqs: 4 });
    const base = prompt(40, 3);
    h.add("a", base, 3);
    h.run();
    h.add("b", base, 3, { params: { ...greedyParams(3), promptLogprobs: 2 } });
    const { out } = h.step();
    expect(out.scheduledNewReqs[0]).toMatchObject({ requestId: "b", numComputedTokens: 0 });
    expect(out.scheduledNewReqs[0]?.samplingParams.promptLogprobs).toBe(2);
    expect(out.numScheduledTokens.b).toBe(40);
    // The same prompt without them still hits the cache.
    h.add("c", base, 3, { params: { ...greedyParams(3), promptLogprobs: null } });
    expect(h.step().out.scheduledNewReqs[0]).toMatchObject({ requestId: "c", numComputedTokens: 36 });
    h.run();
    expect(h.results.get("b")?.tokens).toEqual(h.expectedTokens("b", 40, 3));
  });
});
