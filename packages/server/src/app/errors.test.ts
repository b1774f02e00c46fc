import type { EngineClient } from "@pagoda/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerApp } from "../app/create-server-app.js";
import { captureLogger, eventually, type LiveServer, liveServer } from "../testing/live-server.js";
import { postJson } from "../testing/sse.js";

interface ErrorAnswer {
  status: number;
  headers: Headers;
  error: { message: string; type: string; param: string | null; code: string };
}

async function answer(res: Response): Promise<ErrorAnswer> {
  const body = (await res.json()) as { error: ErrorAnswer["error"] };
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  return { status: res.status, headers: res.headers, error: body.error };
}

const greedy = { model: "stories260K", temperature: 0 };

describe("error answers of a live server", () => {
  let live: LiveServer;
  const post = (path: string, body: unknown, headers?: Record<string, string>) =>
    postJson(`${live.url}${path}`, body, headers).then(answer);
  // An engine that fails on one marked prompt: a real internal fault, not a client error.
  const faulty = (engine: EngineClient): EngineClient => ({
    submit: (r) => {
      if (r.prompt[0] === 1 && r.prompt[1] === 7) throw new TypeError("invariant broken: secret detail");
      return engine.submit(r);
    },
    abort: (id) => engine.abort(id),
    stats: () => engine.stats(),
    inspect: () => engine.inspect(),
    resetPrefixCache: () => engine.resetPrefixCache(),
    close: () => engine.close(),
  });
  beforeAll(async () => {
    live = await liveServer({
      app: { apiKey: "sk-test", maxBodyBytes: 2048, maxQueue: 1 },
      engine: { maxNumSeqs: 1 },
      wrapEngine: faulty,
    });
  });
  afterAll(() => live.running.close());
  const auth = { Authorization: "Bearer sk-test" };

  it("400: a bad endpoint field, named by param", async () => {
    const r = await post("/v1/completions", { ...greedy, prompt: 5 }, auth);
    expect(r).toMatchObject({ status: 400, error: { param: "prompt", code: "request.invalid" } });
    const chat = await post("/v1/chat/completions", { ...greedy, messages: [{ role: "robot" }] }, auth);
    expect(chat.error).toMatchObject({ param: "messages[0].role", type: "invalid_request_error" });
  });

  it("400: a bad sampling field, checked by the engine and named by param", async () => {
    const r = await post("/v1/completions", { ...greedy, prompt: "Hi", top_p: 2 }, auth);
    expect(r).toMatchObject({ status: 400, error: { param: "top_p", code: "sampling.invalid" } });
    expect(r.error.message).toBe("top_p must be a number in (0, 1]; got 2");
  });

  it("400: prompt + max_tokens beyond the context, with the numbers", async () => {
    const r = await post("/v1/completions", { ...greedy, prompt: "Once upon a time", max_tokens: 600 }, auth);
    expect(r).toMatchObject({
      status: 400,
      error: { param: "max_tokens", code: "sampling.context_overflow" },
    });
    expect(r.error.message).toContain("the prompt has 5 tokens and max_tokens is 600, 605 in all");
    expect(r.error.message).toContain("context is 512 tokens");
    const long = await post("/v1/completions", { ...greedy, prompt: Array(520).fill(1) }, auth);
    expect(long.error).toMatchObject({ param: "prompt", code: "sampling.context_overflow" });
    expect(long.error.message).toContain("520 tokens");
  });

  it("400: not JSON, suffix, token ids beyond the vocabulary, chat without a template", async () => {
    expect((await post("/v1/completions", "{not json", auth)).error.code).toBe("request.invalid_json");
    const suffix = await post("/v1/completions", { ...greedy, prompt: "Hi", suffix: "end" }, auth);
    expect(suffix.error).toMatchObject({ param: "suffix", code: "request.unsupported" });
    const ids = await post("/v1/completions", { ...greedy, prompt: [1, 9999] }, auth);
    expect(ids.error).toMatchObject({ param: "prompt", code: "request.invalid" });
    expect(ids.error.message).toContain("9999");
    const chat = await post(
      "/v1/chat/completions",
      { ...greedy, messages: [{ role: "user", content: "Hi" }] },
      auth,
    );
    expect(chat).toMatchObject({ status: 400, error: { code: "request.no_chat_template" } });
    expect(chat.error.message).toContain("--chat-template");
  });

  it("401: /v1 without the key or with a wrong one; health and metrics stay open", async () => {
    const none = await post("/v1/completions", { ...greedy, prompt: "Hi" });
    expect(none).toMatchObject({
      status: 401,
      error: { code: "auth.missing_api_key", type: "authentication_error" },
    });
    const wrong = await post(
      "/v1/completions",
      { ...greedy, prompt: "Hi" },
      { Authorization: "Bearer sk-nope" },
    );
    expect(wrong).toMatchObject({ status: 401, error: { code: "auth.invalid_api_key" } });
    expect((await fetch(`${live.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${live.url}/health`)).status).toBe(200);
    expect((await fetch(`${live.url}/metrics`)).status).toBe(200);
  });

  it("404: an unknown model or route", async () => {
    const r = await post("/v1/completions", { ...greedy, model: "gpt-9", prompt: "Hi" }, auth);
    expect(r).toMatchObject({ status: 404, error: { param: "model", code: "model.not_found" } });
    const route = await answer(await fetch(`${live.url}/v2/nothing`, { headers: auth }));
    expect(route).toMatchObject({ status: 404, error: { code: "route.not_found" } });
  });

  it("413: a body over the limit, by Content-Length or streamed in chunks", async () => {
    const big = { ...greedy, prompt: "x".repeat(4000) };
    expect(await post("/v1/completions", big, auth)).toMatchObject({
      status: 413,
      error: { code: "request.too_large" },
    });
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(JSON.stringify(big)));
        c.close();
      },
    });
    const res = await fetch(`${live.url}/v1/completions`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: chunked,
      duplex: "half",
    } as RequestInit);
    expect((await answer(res)).status).toBe(413);
  });

  it("429 with Retry-After while the waiting queue is full", async () => {
    const stop = new AbortController();
    const long = { ...greedy, prompt: "Once upon a time", max_tokens: 400, stream: true };
    const running = await postJson(`${live.url}/v1/completions`, long, auth, stop.signal);
    const waiting = postJson(`${live.url}/v1/completions`, long, auth, stop.signal).catch(() => null);
    expect(await eventually(() => live.engine.stats().numWaiting === 1)).toBe(true);
    const r = await post("/v1/completions", { ...greedy, prompt: "Hi" }, auth);
    expect(r).toMatchObject({ status: 429, error: { code: "queue.full", type: "rate_limit_error" } });
    expect(r.headers.get("retry-after")).toBe("1");
    expect(running.status).toBe(200);
    stop.abort();
    await waiting;
    expect(await eventually(() => live.engine.stats().kv.numUsedBlocks === 0)).toBe(true);
  });

  it("500 only for a real internal fault: logged with the request id, nothing leaked", async () => {
    const res = await postJson(`${live.url}/v1/completions`, { ...greedy, prompt: [1, 7] }, auth);
    const r = await answer(res);
    expect(r).toMatchObject({ status: 500, error: { code: "internal_error", type: "server_error" } });
    const id = res.headers.get("x-request-id");
    expect(r.error.message).toContain(`request id ${id}`);
    expect(r.error.message).not.toContain("secret");
    const logged = live.lines.find((l) => l.msg === "internal error" && l.reqId === id);
    expect(logged).toMatchObject({ err: { message: "invariant broken: secret detail" } });
    const access = live.lines.find((l) => l.msg === "request" && l.reqId === id);
    expect(access).toMatchObject({ status: 500, method: "POST", path: "/v1/completions" });
  });
});

describe("503 while loading and while draining", () => {
  it("answers health and /v1 with 503 until ready, and again once draining", async () => {
    const { logger } = captureLogger();
    const server = createServerApp({ servedModelName: "m", logger });
    const get = (path: string) => server.app.request(path);
    expect(server.state.phase).toBe("loading");
    expect((await get("/health")).status).toBe(503);
    const loading = await answer(
      await server.app.request("/v1/completions", { method: "POST", body: JSON.stringify({ prompt: "Hi" }) }),
    );
    expect(loading).toMatchObject({ status: 503, error: { code: "server.not_ready" } });
    expect(loading.headers.get("retry-after")).toBe("5");
    expect((await get("/v1/models")).status).toBe(503);
    server.state.drain();
    expect(await (await get("/health")).json()).toEqual({ status: "draining" });
    const draining = await answer(await get("/v1/models"));
    expect(draining).toMatchObject({ status: 503, error: { code: "server.draining" } });
  });
});
