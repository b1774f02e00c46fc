import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, liveServer } from "../testing/live-server.js";
import { postJson } from "../testing/sse.js";

let live: LiveServer;
beforeAll(async () => {
  live = await liveServer();
});
afterAll(() => live.running.close());

describe("health, models, tokenize", () => {
  it("GET /health is 200 when ready; /v1/models lists the served model", async () => {
    const health = await fetch(`${live.url}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ready" }]);
    const models = await (await fetch(`${live.url}/v1/models`)).json();
    expect(models).toMatchObject({
      object: "list",
      data: [
        {
          id: "stories260K",
          object: "model",
          owned_by: "pagoda",
          max_model_len: 512,
          capabilities: { chat: false },
        },
      ],
    });
    expect((await fetch(`${live.url}/v1/models/stories260K`)).status).toBe(200);
    expect((await fetch(`${live.url}/v1/models/other`)).status).toBe(404);
  });

  it("POST /tokenize and /detokenize round-trip", async () => {
    const t = await (
      await postJson(`${live.url}/tokenize`, { prompt: "Once upon a time", return_token_strs: true })
    ).json();
    expect(t).toEqual({
      count: 5,
      max_model_len: 512,
      tokens: [1, 403, 407, 261, 378],
      token_strs: ["<s>", "▁Once", "▁upon", "▁a", "▁time"],
    });
    const bare = await (
      await postJson(`${live.url}/tokenize`, { prompt: "Once", add_special_tokens: false })
    ).json();
    expect((bare as { tokens: number[] }).tokens).toEqual([403]);
    const d = await (await postJson(`${live.url}/detokenize`, { tokens: [403, 407, 261, 378] })).json();
    expect(d).toEqual({ prompt: "Once upon a time" });
    expect((await postJson(`${live.url}/detokenize`, { tokens: [600] })).status).toBe(400);
    expect(
      (await postJson(`${live.url}/tokenize`, { prompt: "a", messages: [{ role: "user" }] })).status,
    ).toBe(400);
  });
});

describe("metrics and access logs", () => {
  it("GET /metrics shows the engine's numbers; each request logs one access line", async () => {
    const res = await postJson(`${live.url}/v1/completions`, {
      prompt: "Tom",
      max_tokens: 7,
      temperature: 0,
      ignore_eos: true,
    });
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id");
    const metrics = await fetch(`${live.url}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(
      /^pagoda:request_success_total\{model_name="stories260K",finished_reason="length"\} [1-9]/m,
    );
    expect(text).toMatch(/^pagoda:generation_tokens_total\{model_name="stories260K"\} [1-9]/m);
    expect(text).toContain("pagoda:time_to_first_token_seconds_bucket");

    const line = live.lines.find((l) => l.msg === "request" && l.reqId === id);
    expect(line).toMatchObject({
      method: "POST",
      path: "/v1/completions",
      status: 200,
      promptTokens: 3,
      completionTokens: 7,
    });
    expect(line?.ttftMs).toBeGreaterThan(0);
    expect(line?.durationMs).toBeGreaterThanOrEqual(line?.ttftMs as number);
    expect(live.lines.filter((l) => l.reqId === id && l.msg === "request")).toHaveLength(1);
    const health = live.lines.filter((l) => l.msg === "request" && l.path === "/health");
    expect(health[0]).toMatchObject({ status: 200, promptTokens: null, ttftMs: null });
  });

  it("logs a streamed request when its stream ends, with its tokens", async () => {
    const res = await postJson(`${live.url}/v1/completions`, {
      prompt: "Tom",
      max_tokens: 5,
      ignore_eos: true,
      stream: true,
    });
    const id = res.headers.get("x-request-id");
    await res.text();
    const line = live.lines.find((l) => l.msg === "request" && l.reqId === id);
    expect(line).toMatchObject({ status: 200, completionTokens: 5 });
  });
});
