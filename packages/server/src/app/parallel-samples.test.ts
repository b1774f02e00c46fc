import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, liveServer } from "../testing/live-server.js";
import { parseSse, postJson } from "../testing/sse.js";

let live: LiveServer;
beforeAll(async () => {
  live = await liveServer();
});
afterAll(() => live.running.close());

const sampled = { model: "stories260K", max_tokens: 6, temperature: 0.9, seed: 11, ignore_eos: true };

describe("n > 1: parallel samples as choices", () => {
  it("numbers choices prompt by prompt (index = prompt * n + sample), usage counts each prompt once", async () => {
    const client = new OpenAI({ baseURL: live.baseURL, apiKey: "unused", maxRetries: 0 });
    const res = await client.completions.create({ ...sampled, prompt: ["Once upon a time", "Tom"], n: 3 });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(res.choices.every((c) => c.finish_reason === "length" && c.text.length > 0)).toBe(true);
    expect(res.usage).toEqual({ prompt_tokens: 5 + 3, completion_tokens: 36, total_tokens: 44 });
    // The samples of one prompt differ (a seed per sample), and the seed makes them repeatable.
    expect(new Set(res.choices.slice(0, 3).map((c) => c.text)).size).toBeGreaterThan(1);
    const again = await client.completions.create({ ...sampled, prompt: ["Once upon a time", "Tom"], n: 3 });
    expect(again.choices.map((c) => c.text)).toEqual(res.choices.map((c) => c.text));
  });

  it("streams every choice with its index; each choice's text equals the non-streamed one", async () => {
    const body = { ...sampled, prompt: "Once upon a time", n: 2 };
    const whole = (await (await postJson(`${live.url}/v1/completions`, body)).json()) as {
      choices: Array<{ text: string }>;
    };
    const events = parseSse(
      await (await postJson(`${live.url}/v1/completions`, { ...body, stream: true })).text(),
    );
    const texts = ["", ""];
    const finished: number[] = [];
    for (const e of events.slice(0, -1) as Array<{
      choices: Array<{ index: number; text: string; finish_reason: string | null }>;
    }>) {
      const c = e.choices[0];
      if (c === undefined) continue;
      texts[c.index] += c.text;
      if (c.finish_reason !== null) finished.push(c.index);
    }
    expect(texts).toEqual(whole.choices.map((c) => c.text));
    expect(finished.sort()).toEqual([0, 1]);
  });
});
