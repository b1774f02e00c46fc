import { parseSamplingParams } from "@pagoda/engine";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HttpError, toHttpError } from "../index.js";

// The wiring the server routes will use: every thrown error goes through toHttpError once.
function app(logged: unknown[] = []): Hono {
  const a = new Hono();
  a.onError((err, c) => {
    const r = toHttpError(err, { requestId: "req-1" });
    if (r.status === 500) logged.push(err);
    return c.json(r.body, r.status, r.headers);
  });
  a.post("/v1/completions", async (c) => {
    const body = z
      .object({ model: z.string(), prompt: z.string() })
      .passthrough()
      .parse(await c.req.json());
    if (body.model !== "stories260K") {
      throw new HttpError("model.not_found", `The model "${body.model}" does not exist`, {
        details: { param: "model" },
      });
    }
    const { model: _m, prompt: _p, ...sampling } = body;
    return c.json(parseSamplingParams(sampling, { maxModelLen: 512, numPromptTokens: 5 }));
  });
  a.get("/busy", () => {
    throw new HttpError("queue.full", "the waiting queue is full", { details: { retryAfterS: 2 } });
  });
  a.get("/boom", () => {
    throw new Error("secret internal detail");
  });
  return a;
}

async function call(path: string, body?: unknown, logged: unknown[] = []) {
  const init = body === undefined ? {} : { method: "POST", body: JSON.stringify(body) };
  const res = await app(logged).request(path, init);
  return {
    status: res.status,
    retry: res.headers.get("Retry-After"),
    json: (await res.json()) as { error: Record<string, unknown> },
  };
}

describe("toHttpError in a Hono onError handler", () => {
  it("answers each error class with its status, OpenAI body and headers", async () => {
    const bad = await call("/v1/completions", { model: "stories260K", prompt: "Hi", top_p: 2 });
    expect(bad).toMatchObject({ status: 400, json: { error: { param: "top_p", code: "sampling.invalid" } } });

    const missing = await call("/v1/completions", { model: 1, prompt: "Hi" });
    expect(missing).toMatchObject({
      status: 400,
      json: { error: { param: "model", code: "request.invalid" } },
    });

    const unknown = await call("/v1/completions", { model: "gpt-9", prompt: "Hi" });
    expect(unknown).toMatchObject({
      status: 404,
      json: { error: { param: "model", code: "model.not_found" } },
    });

    expect(await call("/busy")).toMatchObject({ status: 429, retry: "2" });

    const logged: unknown[] = [];
    const boom = await call("/boom", undefined, logged);
    expect(boom.status).toBe(500);
    expect(boom.json.error.message).toContain("req-1");
    expect(JSON.stringify(boom.json)).not.toContain("secret");
    expect((logged[0] as Error).message).toBe("secret internal detail");
  });

  it("passes a valid request through untouched", async () => {
    const res = await app().request("/v1/completions", {
      method: "POST",
      body: JSON.stringify({ model: "stories260K", prompt: "Hi", temperature: 0 }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { sampling: { temperature: number } }).sampling.temperature).toBe(0);
  });
});
