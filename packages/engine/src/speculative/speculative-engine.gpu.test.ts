import { describeGpu } from "@pagoda/vitest-config/gpu";
import { expect, it } from "vitest";
import { createEngine } from "../offline/create-engine.js";
import { goldenCases, storiesDir } from "../testing/stories.js";
import type { SpeculativeConfig } from "./speculative-config.js";

describeGpu("speculative decoding on WebGPU (createEngine)", () => {
  const speculatives: Array<[string, SpeculativeConfig]> = [
    ["ngram", { method: "ngram", numSpeculativeTokens: 4, ngramMin: 1, ngramMax: 3 }],
    // The draft model runs on the GPU too, with its own paged KV cache.
    ["draft = target", { method: "draft", model: storiesDir(), numSpeculativeTokens: 3 }],
  ];
  for (const [name, speculative] of speculatives) {
    it(`${name}: greedy outputs are those without speculation, no block left in use`, async () => {
      const prompts = goldenCases()
        .slice(1, 4)
        .map((c) => c.prompt);
      const params = { temperature: 0, max_tokens: 48, ignore_eos: true };
      const base = { model: storiesDir(), device: "webgpu", blockSize: 8, numBlocks: 128 } as const;
      const plain = await createEngine(base);
      const expected = await plain.generate(prompts, params).finally(() => plain.close());
      const llm = await createEngine({ ...base, speculative });
      try {
        expect(llm.parts.device).toBe("webgpu");
        const got = await llm.generate(prompts, params);
        for (const [i, r] of got.entries()) expect(r.tokenIds, `prompt ${i}`).toEqual(expected[i]?.tokenIds);
        const stats = llm.parts.scheduler.stats();
        expect(stats.numDraftTokens).toBeGreaterThan(0);
        if (speculative.method === "draft") expect(stats.numAcceptedDraftTokens).toBe(stats.numDraftTokens);
        expect(stats.kv.numUsedBlocks).toBe(0);
        expect(llm.proposer?.numRequests).toBe(0);
      } finally {
        await llm.close();
      }
    }, 180_000);
  }
});
