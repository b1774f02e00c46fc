import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goldenCases, type LiveServer, liveServer } from "../testing/live-server.js";
import { parseSse, postJson } from "../testing/sse.js";

let live: LiveServer;
let client: OpenAI;
beforeAll(async () => {
  live = await liveServer();
  client = new OpenAI({ baseURL: live.baseURL, apiKey: "unused", maxRetries: 0 });
});
afterAll(() => live.running.close());

const golden = goldenCases().filter((c) => c.prompt !== "");
const goldenText = (prompt: string) => golden.find((c) => c.prompt === prompt)?.text ?? "";

describe("POST /v1/completions through the openai client", () => {
  it("answers the golden greedy continuation, and the stream has the same text", async () => {
    for (const { prompt, text } of golden.slice(0, 2)) {
      const params = { model: "stories260K", prompt, max_tokens: 24, temperature: 0 };
      const whole = await client.completions.create(params);
      expect(whole).toMatchObject({ object: "text_completion", model: "stories260K" });
      expect(whole.id).toMatch(/^cmpl-/);
      const choice = whole.choices[0];
      expect(choice?.finish_reason).toBe("length");
      expect(choice?.text.length).toBeGreaterThan(20);
      expect(text.startsWith(prompt + choice?.text)).toBe(true);
      expect(whole.usage?.completion_tokens).toBe(24);

      const stream = await client.completions.create({ ...params, stream: true });
      let streamed = "";
      const reasons: Array<string | null> = [];
      for await (const chunk of stream) {
        streamed += chunk.choices[0]?.text ?? "";
        reasons.push(chunk.choices[0]?.finish_reason ?? null);
      }
      expect(streamed).toBe(choice?.text);
      expect(reasons.at(-1)).toBe("length");
      expect(reasons.slice(0, -1).every((r) => r === null)).toBe(true);
    }
  });

  it("takes a batch of token-id prompts, choices in prompt order", async () => {
    const tokenize = (prompt: string) =>
      postJson(`${live.url}/tokenize`, { prompt }).then(
        async (r) => ((await r.json()) as { tokens: number[] }).tokens,
      );
    const ids = [await tokenize("Once upon a time"), await tokenize("Tom and Lily went to the park.")];
    const res = await client.completions.create({
      model: "stories260K",
      prompt: ids,
      max_tokens: 8,
      temperature: 0,
    });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(goldenText("Once upon a time").startsWith(`Once upon a time${res.choices[0]?.text}`)).toBe(true);
    const tom = "Tom and Lily went to the park.";
    expect(goldenText(tom).startsWith(`${tom}${res.choices[1]?.text}`)).toBe(true);
    expect(res.usage).toEqual({ prompt_tokens: 5 + 13, completion_tokens: 16, total_tokens: 34 });
  });

  it("stops at a stop string without sending any part of it, and echoes the prompt", async () => {
    const prompt = "Once upon a time";
    const full = await client.completions.create({
      prompt,
      model: "stories260K",
      max_tokens: 12,
      temperature: 0,
    });
    const text = full.choices[0]?.text ?? "";
    const stop = text.slice(text.indexOf("little"), text.indexOf("little") + 8); // "little g"
    expect(stop.length).toBe(8);
    const params = { model: "stories260K", prompt, max_tokens: 12, temperature: 0, stop: [stop], echo: true };
    const stopped = await client.completions.create(params);
    expect(stopped.choices[0]).toMatchObject({
      text: prompt + text.slice(0, text.indexOf(stop)),
      finish_reason: "stop",
    });
    let streamed = "";
    for await (const c of await client.completions.create({ ...params, stream: true })) {
      streamed += c.choices[0]?.text ?? "";
    }
    expect(streamed).toBe(stopped.choices[0]?.text);
  });

  it("returns logprobs in OpenAI's completions form", async () => {
    const res = await client.completions.create({
      model: "stories260K",
      prompt: "Once upon a time",
      max_tokens: 4,
      temperature: 0,
      logprobs: 2,
    });
    const lp = res.choices[0]?.logprobs;
    expect(lp?.tokens?.join("")).toBe(res.choices[0]?.text);
    expect(lp?.token_logprobs?.every((x) => x <= 0)).toBe(true);
    expect(lp?.top_logprobs?.map((t) => Object.keys(t).length)).toEqual([2, 2, 2, 2]);
    // Greedy: the sampled token is the best of its top list.
    const first = lp?.top_logprobs?.[0] ?? {};
    expect(first[lp?.tokens?.[0] ?? ""]).toBeCloseTo(Math.max(...Object.values(first)), 5);
    expect(lp?.text_offset?.[0]).toBe(0);
  });
});

interface CompletionBody {
  choices: Array<{ text: string }>;
  error?: { param: string | null; code: string };
}

describe("logit_bias", () => {
  const complete = (extra: Record<string, unknown>) =>
    postJson(`${live.url}/v1/completions`, {
      prompt: "Once upon a time",
      max_tokens: 3,
      temperature: 0,
      ...extra,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as CompletionBody }));

  it("+100 forces a token, -100 bans the greedy choice (OpenAI's semantics)", async () => {
    const forced = await complete({ logit_bias: { "403": 100 } }); // 403 is "▁Once"
    expect(forced.body.choices[0]?.text).toBe(" Once Once Once");

    const plain = await complete({ max_tokens: 1 });
    const first = plain.body.choices[0]?.text ?? "";
    // The greedy first token's id: the prompt's tokens and one more.
    const ids = live.llm.parts.model.tokenizer.encode(`Once upon a time${first}`);
    expect(ids.slice(0, 5)).toEqual([1, 403, 407, 261, 378]);
    expect(ids).toHaveLength(6);
    const banned = await complete({ max_tokens: 1, logit_bias: { [String(ids[5])]: -100 } });
    expect(banned.status).toBe(200);
    expect(banned.body.choices[0]?.text).not.toBe(first);
  });

  it("answers 400 naming logit_bias for an id past the vocabulary or a bias out of range", async () => {
    for (const logit_bias of [{ "512": 1 }, { "5": 101 }, { x: 1 }]) {
      const r = await complete({ logit_bias });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ param: "logit_bias", code: "sampling.invalid" });
    }
  });
});

describe("raw SSE over fetch", () => {
  it("sends data: chunks in OpenAI's shape, a usage chunk, then [DONE]", async () => {
    const res = await postJson(`${live.url}/v1/completions`, {
      model: "stories260K",
      prompt: "Once upon a time",
      max_tokens: 6,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const raw = await res.text();
    expect(raw.endsWith("data: [DONE]\n\n")).toBe(true);
    const events = parseSse(raw);
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1) as Array<Record<string, unknown>>;
    const usage = chunks.at(-1);
    expect(usage).toMatchObject({
      object: "text_completion",
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
    });
    const content = chunks.slice(0, -1);
    for (const c of content) {
      expect(Object.keys(c).sort()).toEqual(["choices", "created", "id", "model", "object", "usage"]);
      expect(c).toMatchObject({ object: "text_completion", model: "stories260K", usage: null });
      expect(c.id).toBe(usage?.id);
    }
    const choices = content.map((c) => (c.choices as Array<Record<string, unknown>>)[0]);
    expect(choices.at(-1)?.finish_reason).toBe("length");
    expect(choices.map((c) => c?.text).join("")).toBe(", there was a little g");
  });
});
