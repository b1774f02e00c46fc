import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, liveServer } from "../testing/live-server.js";
import { parseSse, postJson } from "../testing/sse.js";

// A plain template, so stories260K can chat.
const TEMPLATE = "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}assistant:";

let live: LiveServer;
beforeAll(async () => {
  live = await liveServer({ app: { chatTemplate: TEMPLATE } });
});
afterAll(() => live.running.close());

const PROMPT = "Once upon a time, there was a little";
const greedy = { model: "stories260K", temperature: 0 };
// biome-ignore lint/suspicious/noExplicitAny: response bodies, read field by field
type Json = Record<string, any>;
type Entry = Record<string, { logprob: number; rank: number; decoded_token: string }>;
async function post(path: string, body: unknown): Promise<{ status: number; body: Json }> {
  const res = await postJson(`${live.url}${path}`, body);
  return { status: res.status, body: (await res.json()) as Json };
}
async function stream(path: string, body: Json): Promise<Json[]> {
  const res = await postJson(`${live.url}${path}`, { ...body, stream: true });
  return parseSse(await res.text()).filter((e): e is Json => typeof e === "object" && e !== null);
}
const tokenize = async (body: Json) =>
  (await post("/tokenize", { model: "stories260K", ...body })).body.tokens as number[];

/** Checks vLLM's shape: null first, then the prompt token (its rank) and at most k others ranked 1..k. */
function expectVllmShape(list: Array<Entry | null>, ids: number[], k: number): void {
  expect(list).toHaveLength(ids.length);
  expect(list[0]).toBeNull();
  list.slice(1).forEach((e, i) => {
    const own = e?.[String(ids[i + 1])];
    expect(own?.rank).toBeGreaterThanOrEqual(1);
    expect(typeof own?.decoded_token).toBe("string");
    const ranks = Object.values(e ?? {}).map((v) => v.rank);
    expect(ranks.length).toBeLessThanOrEqual(k + 1);
    for (let r = 1; r <= k; r++) expect(ranks).toContain(r);
  });
}

describe("prompt_logprobs and echo with logprobs", () => {
  it("completions: each prompt token scored; a continuation fed back as prompt scores as it was sampled", async () => {
    const ids = await tokenize({ prompt: PROMPT });
    const r = await post("/v1/completions", {
      ...greedy,
      prompt: PROMPT,
      max_tokens: 4,
      logprobs: 2,
      prompt_logprobs: 2,
    });
    expect(r.status).toBe(200);
    const choice = r.body.choices[0];
    expectVllmShape(choice.prompt_logprobs, ids, 2);
    // The 4 generated tokens, scored as prompt, have the log-probabilities they were sampled with.
    const gen = (
      await post("/v1/completions", {
        ...greedy,
        prompt: ids,
        max_tokens: 4,
        logprobs: 0,
        return_tokens_as_token_ids: true,
      })
    ).body.choices[0];
    const out = (gen.logprobs.tokens as string[]).map((t) => Number(t.slice("token_id:".length)));
    expect(out).toHaveLength(4);
    const fed = await post("/v1/completions", {
      ...greedy,
      prompt: [...ids, ...out],
      max_tokens: 1,
      prompt_logprobs: 0,
    });
    const scored = (fed.body.choices[0].prompt_logprobs as Entry[]).slice(ids.length);
    expect(scored).toHaveLength(4);
    scored.forEach((e, i) => {
      const lp = e[String(out[i])]?.logprob ?? Number.NaN;
      expect(Math.abs(lp - gen.logprobs.token_logprobs[i])).toBeLessThan(1e-3);
      expect(e[String(out[i])]?.rank).toBe(1); // greedy picked the most likely token
    });
  });

  it("completions: echo with logprobs puts the prompt's tokens first, the first with null", async () => {
    const ids = await tokenize({ prompt: PROMPT });
    const base = { ...greedy, prompt: PROMPT, max_tokens: 3 };
    const plain = (await post("/v1/completions", { ...base, logprobs: 1 })).body.choices[0];
    const vllm = (await post("/v1/completions", { ...base, prompt_logprobs: 1 })).body.choices[0];
    const echo = (await post("/v1/completions", { ...base, logprobs: 1, echo: true })).body.choices[0];
    expect(echo.text).toBe(PROMPT + plain.text);
    const lp = echo.logprobs;
    expect(lp.tokens).toHaveLength(ids.length + 3);
    expect(lp.token_logprobs[0]).toBeNull();
    expect(lp.top_logprobs[0]).toBeNull();
    ids.slice(1).forEach((id, i) => {
      expect(lp.token_logprobs[i + 1]).toBe(vllm.prompt_logprobs[i + 1][String(id)].logprob);
      expect(Object.keys(lp.top_logprobs[i + 1]).length).toBeLessThanOrEqual(2);
    });
    expect(lp.token_logprobs.slice(ids.length)).toEqual(plain.logprobs.token_logprobs);
    expect(lp.text_offset[0]).toBe(0);
    expect(echo.prompt_logprobs).toBeUndefined();
  });

  it("completions streamed: each choice's first chunk carries prompt_logprobs (and the echo), equal to the whole answer", async () => {
    const body = { ...greedy, prompt: [PROMPT, "The dog"], max_tokens: 3, n: 2, prompt_logprobs: 1 };
    const whole = (await post("/v1/completions", body)).body.choices as Json[];
    const chunks = await stream("/v1/completions", body);
    for (let index = 0; index < 4; index++) {
      const mine = chunks.filter((c) => c.choices?.[0]?.index === index).map((c) => c.choices[0]);
      expect(mine[0].prompt_logprobs).toEqual(whole[index]?.prompt_logprobs);
      expect(mine.slice(1).every((c) => c.prompt_logprobs === undefined)).toBe(true);
    }
    const echoed = await stream("/v1/completions", {
      ...greedy,
      prompt: PROMPT,
      max_tokens: 2,
      logprobs: 0,
      echo: true,
    });
    const first = echoed[0]?.choices[0];
    expect(first.text.startsWith(PROMPT)).toBe(true);
    expect(first.logprobs.token_logprobs[0]).toBeNull();
  });

  it("chat: prompt_logprobs on the response (vLLM's place), and on the first chunk of a stream", async () => {
    const messages = [{ role: "user", content: "Tell me a story" }];
    const ids = await tokenize({ messages });
    const body = { ...greedy, messages, max_tokens: 3, prompt_logprobs: 2 };
    const whole = (await post("/v1/chat/completions", body)).body;
    expectVllmShape(whole.prompt_logprobs, ids, 2);
    expect(whole.choices[0].prompt_logprobs).toBeUndefined();
    const chunks = await stream("/v1/chat/completions", body);
    expect(chunks[0]?.choices[0].delta.role).toBe("assistant");
    expect(chunks[0]?.prompt_logprobs).toEqual(whole.prompt_logprobs);
    expect(chunks.slice(1).every((c) => c.prompt_logprobs === undefined)).toBe(true);
  });

  it("400 naming prompt_logprobs for a negative k or one above the server's max logprobs (20)", async () => {
    for (const k of [-1, 21]) {
      const c = await post("/v1/completions", { ...greedy, prompt: PROMPT, prompt_logprobs: k });
      expect(c.status).toBe(400);
      expect(c.body.error).toMatchObject({ param: "prompt_logprobs" });
      const messages = [{ role: "user", content: "Hi" }];
      const chat = await post("/v1/chat/completions", { ...greedy, messages, prompt_logprobs: k });
      expect(chat.status).toBe(400);
      expect(chat.body.error).toMatchObject({ param: "prompt_logprobs" });
    }
  });
});
