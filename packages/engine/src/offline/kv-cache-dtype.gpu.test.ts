import { describeGpu } from "@pagoda/vitest-config/gpu";
import { expect, it } from "vitest";
import { goldenCases, storiesDir } from "../testing/stories.js";
import { createEngine } from "./create-engine.js";

describeGpu("createEngine kvCacheDtype on WebGPU", () => {
  // int8 rounds every K/V row, which moves logits by ~1e-3 and can flip a near-tie greedy choice
  // late in a long completion (the WASM executor's test: 38 to 118 golden tokens); the first 32
  // tokens of each of these prompts stay on the golden completion.
  for (const kvCacheDtype of ["f16", "int8"] as const) {
    it(`${kvCacheDtype}: runs on the GPU, sized by the dtype, on the golden greedy completions`, async () => {
      const llm = await createEngine({
        model: storiesDir(),
        device: "webgpu",
        blockSize: 8,
        numBlocks: 96,
        kvCacheDtype,
      });
      try {
        expect(llm.parts.device).toBe("webgpu");
        expect(llm.parts.kvCacheDtype).toBe(kvCacheDtype);
        // stories260K: 5 layers × 4 kv heads × headDim 8: rows of 16 (f16) or 8 + 4 (int8) bytes.
        const rowBytes = kvCacheDtype === "f16" ? 16 : 12;
        expect(llm.parts.kvCacheBytes).toBe(96 * 8 * 2 * 5 * 4 * rowBytes);
        const cases = goldenCases().slice(0, 3);
        const results = await llm.generate(
          cases.map((c) => c.prompt),
          { temperature: 0, max_tokens: 32, ignore_eos: true },
        );
        for (const [i, c] of cases.entries()) {
          expect(results[i]?.samples[0]?.tokenIds, `golden ${i}`).toEqual(c.completionIds.slice(0, 32));
        }
      } finally {
        await llm.close();
      }
    }, 120_000);
  }
});
