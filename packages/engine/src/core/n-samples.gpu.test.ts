import { describeGpu } from "@pagoda/vitest-config/gpu";
import { expect, it } from "vitest";
import { createEngine } from "../offline/create-engine.js";
import { goldenCases, storiesDir } from "../testing/stories.js";

describeGpu("n > 1 on the WebGPU executor", () => {
  it("forks with copy-on-write on the device: greedy n = 3 gives the golden continuation thrice", async () => {
    // 14 prompt tokens in blocks of 8: the samples share a partly filled block, copied on write.
    const llm = await createEngine({ model: storiesDir(), device: "webgpu", blockSize: 8, numBlocks: 64 });
    try {
      expect(llm.parts.device).toBe("webgpu");
      const c = goldenCases()[2];
      const [r] = await llm.generate([c?.prompt ?? ""], {
        temperature: 0,
        max_tokens: 30,
        n: 3,
        ignore_eos: true,
      });
      const golden = c?.completionIds.slice(0, 30);
      expect(r?.samples.map((s) => s.tokenIds)).toEqual([golden, golden, golden]);
      const sampled = { temperature: 1, seed: 5, max_tokens: 20, n: 2, ignore_eos: true };
      const [a] = await llm.generate([c?.prompt ?? ""], sampled);
      const [b] = await llm.generate([c?.prompt ?? ""], sampled);
      expect(b?.samples.map((s) => s.tokenIds)).toEqual(a?.samples.map((s) => s.tokenIds));
      expect(a?.samples[0]?.tokenIds).not.toEqual(a?.samples[1]?.tokenIds);
      expect(llm.parts.kvCache.stats().numUsedBlocks).toBe(0);
    } finally {
      await llm.close();
    }
  }, 120_000);
});
