import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, liveServer } from "../testing/live-server.js";
import { parseSse, postJson } from "../testing/sse.js";

// A plain template, so stories260K can chat (and continue a message) without a model template.
const TEMPLATE =
  "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}";

let live: LiveServer;
beforeAll(async () => {
  live = await liveServer({ app: { chatTemplate: TEMPLATE } });
});
afterAll(() => live.running.close());

const PROMPT = "Once upon a time";
const greedy = { model: "stories260K", temperature: 0 };
// biome-ignore lint/suspicious/noExplicitAny: response bodies, read field by field
type Json = Record<string, any>;
async function post(path: string, body: unknown): Promise<{ status: number; body: Json }> {
  const res = await postJson(`${live.url}${path}`, body);
  return { status: res.status, body: (await res.json()) as Json };
}
const completion = (body: Json) => post("/v1/completions", { ...greedy, prompt: PROMPT, ...body });

describe("request fields OpenAI and vLLM clients send", () => {
  it("takes an empty prompt: the tokenizer's BOS alone, as OpenAI and vLLM do", async () => {
    const r = await completion({ prompt: "", max_tokens: 5 });
    expect(r.status).toBe(200);
    expect(r.body.usage).toEqual({ prompt_tokens: 1, completion_tokens: 5, total_tokens: 6 });
    expect((await completion({ prompt: ["", "Hi"], max_tokens: 2 })).body.choices).toHaveLength(2);
  });

  it("accepts and ignores store, metadata, service_tier, parallel_tool_calls, reasoning_effort", async () => {
    const client = new OpenAI({ baseURL: live.baseURL, apiKey: "unused", maxRetries: 0 });
    const ignored = { store: false, metadata: { a: "b" }, service_tier: "auto" as const, user: "u" };
    const plain = await client.completions.create({ ...greedy, prompt: PROMPT, max_tokens: 6 });
    const same = await client.completions.create({ ...greedy, prompt: PROMPT, max_tokens: 6, ...ignored });
    expect(same.choices[0]?.text).toBe(plain.choices[0]?.text);
    const messages = [{ role: "user" as const, content: "Hi" }];
    const chat = await client.chat.completions.create({
      ...greedy,
      messages,
      max_tokens: 4,
      ...ignored,
      parallel_tool_calls: false,
      reasoning_effort: "low",
    });
    expect(chat.choices[0]?.finish_reason).toBe("length");
  });

  it("ignores an unknown field with a warning naming it (vLLM's default)", async () => {
    const r = await completion({ max_tokens: 2, temprature: 1 });
    expect(r.status).toBe(200);
    const warning = live.lines.find((l) => l.level === 40 && String(l.msg).includes("temprature"));
    expect(warning).toMatchObject({ fields: ["temprature"] });
  });

  it("answers prompt_logprobs (and echo with logprobs); null means none (app/prompt-logprobs.test.ts has the rest)", async () => {
    const r = await completion({ max_tokens: 2, prompt_logprobs: 1 });
    expect(r.body.choices[0].prompt_logprobs).toHaveLength(5);
    const none = await completion({ max_tokens: 2, prompt_logprobs: null });
    expect(none.body.choices[0].prompt_logprobs).toBeUndefined();
    const echo = await completion({ max_tokens: 2, echo: true, logprobs: 1 });
    expect(echo.body.choices[0].logprobs.token_logprobs).toHaveLength(5 + 2);
  });

  it("max_completion_tokens wins over max_tokens on both endpoints", async () => {
    const r = await completion({ max_tokens: 3, max_completion_tokens: 5 });
    expect(r.body.usage.completion_tokens).toBe(5);
    const chat = await post("/v1/chat/completions", {
      ...greedy,
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 3,
      max_completion_tokens: 4,
    });
    expect(chat.body.usage.completion_tokens).toBe(4);
  });

  it("min_tokens, include_stop_str_in_output and stop_reason on the choice", async () => {
    const free = (await completion({ max_tokens: 40 })).body.choices[0];
    expect(free.stop_reason).toBeNull();
    const stop = "little girl";
    const at = (free.text as string).indexOf(stop);
    expect(at).toBeGreaterThan(0);
    const cut = (await completion({ max_tokens: 40, stop })).body.choices[0];
    expect(cut).toMatchObject({ text: free.text.slice(0, at), finish_reason: "stop", stop_reason: stop });
    const kept = (await completion({ max_tokens: 40, stop, include_stop_str_in_output: true })).body;
    expect(kept.choices[0].text).toBe(free.text.slice(0, at + stop.length));
    const late = (await completion({ max_tokens: 40, stop, min_tokens: 30 })).body;
    expect(late.usage.completion_tokens).toBeGreaterThanOrEqual(30);
    expect(late.choices[0].text.startsWith(free.text.slice(0, at + stop.length))).toBe(true);
    const streamed = await postJson(`${live.url}/v1/completions`, {
      ...greedy,
      prompt: PROMPT,
      max_tokens: 40,
      stop,
      stream: true,
    });
    const chunks = parseSse(await streamed.text()).filter((e): e is Json => e !== "[DONE]");
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ finish_reason: "stop", stop_reason: stop });
  });

  it("skip_special_tokens: false shows the special tokens a sample generated", async () => {
    const body = { max_tokens: 450, ignore_eos: true };
    const skipped = (await completion(body)).body.choices[0].text as string;
    const shown = (await completion({ ...body, skip_special_tokens: false })).body.choices[0].text as string;
    expect(skipped).not.toContain("<s>");
    expect(shown).toContain("<s>");
  });

  it("puts the sampled token in its own top_logprobs (k + 1 entries at most)", async () => {
    const hot = { temperature: 2, seed: 3, max_tokens: 24 };
    const r = (await completion({ ...hot, logprobs: 1 })).body.choices[0].logprobs;
    const sizes = r.top_logprobs.map((t: Json) => Object.keys(t).length);
    r.tokens.forEach((t: string, i: number) => {
      expect(r.top_logprobs[i]).toHaveProperty([t]);
    });
    expect(sizes).toContain(2); // some sampled token was not the most likely one
    expect(Math.max(...sizes)).toBe(2);
    const zero = (await completion({ max_tokens: 3, logprobs: 0 })).body.choices[0].logprobs;
    expect(zero.top_logprobs.map((t: Json) => Object.keys(t))).toEqual(zero.tokens.map((t: string) => [t]));
    const messages = [{ role: "user", content: "Hi" }];
    const chat = await post("/v1/chat/completions", {
      ...greedy,
      ...hot,
      messages,
      logprobs: true,
      top_logprobs: 1,
    });
    for (const c of chat.body.choices[0].logprobs.content) {
      expect(c.top_logprobs.map((t: Json) => t.token)).toContain(c.token);
      expect(c.top_logprobs.length).toBeLessThanOrEqual(2);
    }
  });

  it("return_tokens_as_token_ids spells log-probability tokens token_id:<id>", async () => {
    const r = (await completion({ max_tokens: 3, logprobs: 1, return_tokens_as_token_ids: true })).body;
    const lp = r.choices[0].logprobs;
    expect(lp.tokens.every((t: string) => /^token_id:\d+$/.test(t))).toBe(true);
    expect(Object.keys(lp.top_logprobs[0])[0]).toMatch(/^token_id:\d+$/);
    expect(lp.text_offset.at(-1)).toBeLessThan(r.choices[0].text.length);
  });

  it("stream_options.continuous_usage_stats puts the usage so far on every chunk", async () => {
    const res = await postJson(`${live.url}/v1/completions`, {
      ...greedy,
      prompt: PROMPT,
      max_tokens: 6,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
    });
    const chunks = parseSse(await res.text()).filter((e): e is Json => e !== "[DONE]");
    const used = chunks.map((c) => c.usage?.completion_tokens);
    expect(used.every((n) => typeof n === "number")).toBe(true);
    expect(used.at(-1)).toBe(6);
    expect([...used].sort((a, b) => a - b)).toEqual(used);
  });

  it("continue_final_message: the model continues the last message", async () => {
    const messages = [
      { role: "user", content: "Tell me a story." },
      { role: "assistant", content: PROMPT },
    ];
    const body = { ...greedy, messages, max_tokens: 8, add_generation_prompt: false };
    const cont = await post("/v1/chat/completions", { ...body, continue_final_message: true });
    expect(cont.status).toBe(200);
    const text = `user: Tell me a story.\nassistant: ${PROMPT}`;
    const ids = live.llm.parts.model.tokenizer.encode(text, { addSpecialTokens: false });
    expect(cont.body.usage.prompt_tokens).toBe(ids.length);
    const same = await completion({ prompt: ids, max_tokens: 8 });
    expect(cont.body.choices[0].message.content).toBe(same.body.choices[0].text);
    const both = await post("/v1/chat/completions", {
      ...body,
      continue_final_message: true,
      add_generation_prompt: true,
    });
    expect(both.body.error).toMatchObject({ param: "continue_final_message", code: "request.invalid" });
  });
});
