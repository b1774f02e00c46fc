import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isPagodaError } from "@pagoda/errors";
import { memoryFiles } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import { goldenCases, storiesDir } from "../testing/stories.js";
import { createEngine } from "./create-engine.js";

// stories260K with a generation_config.json whose top_k 1 makes any temperature greedy, and 12 new tokens.
function greedyStories() {
  const dir = storiesDir();
  const files = Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
  const config = { bos_token_id: 1, eos_token_id: [2, 1], top_k: 1, max_new_tokens: 12 };
  files["generation_config.json"] = Buffer.from(JSON.stringify(config));
  return memoryFiles("mem:stories260K-greedy", files);
}

describe("createEngine: generation_config.json sampling defaults", () => {
  const c = goldenCases()[1];
  const prompt = c?.prompt ?? "";

  it("applies them to requests that leave the fields out (auto, the default)", async () => {
    const llm = await createEngine({ model: greedyStories(), device: "reference" });
    try {
      const [r] = await llm.generate([prompt], { seed: 7, temperature: 2 });
      expect(r?.tokenIds).toEqual(c?.completionIds.slice(0, 12));
      const [own] = await llm.generate([prompt], { seed: 7, temperature: 2, top_k: 0, max_tokens: 20 });
      expect(own?.tokenIds.length).toBe(20);
      expect(own?.tokenIds.slice(0, 12)).not.toEqual(r?.tokenIds);
    } finally {
      await llm.close();
    }
  });

  it("ignores them with generationConfig: vllm, and rejects other values", async () => {
    const llm = await createEngine({ model: greedyStories(), device: "reference", generationConfig: "vllm" });
    try {
      const [r] = await llm.generate([prompt], { seed: 7, temperature: 2 });
      expect(r?.tokenIds.length).toBe(16); // OpenAI's default max_tokens
      expect(r?.tokenIds.slice(0, 12)).not.toEqual(c?.completionIds.slice(0, 12));
    } finally {
      await llm.close();
    }
    const err = await createEngine({ model: storiesDir(), generationConfig: "hf" as never }).catch((e) => e);
    expect(isPagodaError(err) && err.code).toBe("engine.bad_option");
  });
});
