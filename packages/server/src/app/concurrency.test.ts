import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goldenCases, type LiveServer, liveServer } from "../testing/live-server.js";

let live: LiveServer;
beforeAll(async () => {
  live = await liveServer({ engine: { maxNumSeqs: 64 } });
});
afterAll(() => live.running.close());

describe("64 concurrent streaming requests", () => {
  it("each gets its own greedy continuation, equal to the golden one", async () => {
    const client = new OpenAI({ baseURL: live.baseURL, apiKey: "unused", maxRetries: 0 });
    const cases = goldenCases().filter((c) => c.prompt !== "");
    const run = async (i: number) => {
      const c = cases[i % cases.length] as (typeof cases)[number];
      const max_tokens = 8 + (i % 9); // different lengths, so requests finish at different steps
      const stream = await client.completions.create({
        model: "stories260K",
        prompt: c.prompt,
        max_tokens,
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = "";
      let completionTokens = 0;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.text ?? "";
        completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
      }
      return { golden: c.text, prompt: c.prompt, text, max_tokens, completionTokens };
    };
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => run(i)));
    for (const r of results) {
      expect(r.completionTokens).toBe(r.max_tokens);
      expect(r.text.length).toBeGreaterThan(0);
      expect(r.golden.startsWith(r.prompt + r.text)).toBe(true);
    }
    // They really ran together: the engine took far fewer steps than 64 sequential requests would.
    expect(live.engine.stats().numSteps).toBeLessThan(64 * 8);
    expect(live.engine.stats().kv.numUsedBlocks).toBe(0);
  }, 60_000);
});
