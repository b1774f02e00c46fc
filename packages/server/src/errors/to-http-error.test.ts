import { parseSamplingParams } from "@pagoda/engine";
import { PagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HttpError, type HttpErrorCode, toHttpError } from "../index.js";

class KvError extends PagodaError {}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

describe("toHttpError: errors a client caused", () => {
  it("answers a bad sampling field from the engine with 400 naming the field", () => {
    const err = thrown(() =>
      parseSamplingParams({ temperature: 5 }, { maxModelLen: 64, numPromptTokens: 4 }),
    );
    const r = toHttpError(err);
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({
      message: "temperature must be a number in [0, 2]; got 5",
      type: "invalid_request_error",
      param: "temperature",
      code: "sampling.invalid",
    });
    expect(r.headers).toBeUndefined();
  });

  it("answers a context overflow with 400 and both numbers in the message", () => {
    const err = thrown(() =>
      parseSamplingParams({ max_tokens: 100 }, { maxModelLen: 64, numPromptTokens: 4 }),
    );
    const r = toHttpError(err);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ param: "max_tokens", code: "sampling.context_overflow" });
    expect(r.body.error.message).toMatch(/4 tokens.*max_tokens is 100.*64 tokens/);
  });

  const TABLE: Array<[HttpErrorCode, number, string]> = [
    ["auth.missing_api_key", 401, "authentication_error"],
    ["auth.invalid_api_key", 401, "authentication_error"],
    ["model.not_found", 404, "invalid_request_error"],
    ["request.invalid", 400, "invalid_request_error"],
    ["request.invalid_json", 400, "invalid_request_error"],
    ["request.too_large", 413, "invalid_request_error"],
    ["queue.full", 429, "rate_limit_error"],
    ["server.not_ready", 503, "service_unavailable_error"],
    ["server.draining", 503, "service_unavailable_error"],
  ];
  it.each(TABLE)("maps HttpError %s to %i %s, keeping message and param", (code, status, type) => {
    const r = toHttpError(new HttpError(code, `because ${code}`, { details: { param: "model" } }));
    expect(r.status).toBe(status);
    expect(r.body.error).toEqual({ message: `because ${code}`, type, param: "model", code });
  });

  it("maps by code, not by class: any Pagoda error with a client-facing code", () => {
    expect(toHttpError(new KvError("auth.expired", "token expired")).status).toBe(401);
    expect(toHttpError(new KvError("sampling.whatever", "x")).status).toBe(400);
  });

  it("sets param to null when the details name none (or not as a string)", () => {
    expect(toHttpError(new HttpError("model.not_found", "no")).body.error.param).toBeNull();
    expect(
      toHttpError(new KvError("sampling.invalid", "x", { details: { param: 3 } })).body.error.param,
    ).toBeNull();
  });
});

describe("toHttpError: Retry-After", () => {
  it("always tells a 429 client when to retry: 1 s by default, whole seconds rounded up", () => {
    expect(toHttpError(new HttpError("queue.full", "full")).headers).toEqual({ "Retry-After": "1" });
    const r = toHttpError(new HttpError("queue.full", "full", { details: { retryAfterS: 2.2 } }));
    expect(r.headers).toEqual({ "Retry-After": "3" });
    expect(toHttpError(new HttpError("queue.full", "f", { details: { retryAfterS: -1 } })).headers).toEqual({
      "Retry-After": "1",
    });
  });

  it("adds it to a 503 only when a wait is known", () => {
    expect(toHttpError(new HttpError("server.not_ready", "loading")).headers).toBeUndefined();
    const r = toHttpError(new HttpError("server.not_ready", "loading", { details: { retryAfterS: 30 } }));
    expect(r.headers).toEqual({ "Retry-After": "30" });
  });

  it("never adds it to other statuses", () => {
    expect(
      toHttpError(new HttpError("model.not_found", "x", { details: { retryAfterS: 5 } })).headers,
    ).toBeUndefined();
  });
});

describe("toHttpError: internal faults leak nothing", () => {
  const SECRET = "password=hunter2 at /srv/weights/model.safetensors";
  it.each([
    ["a plain Error", new Error(SECRET)],
    [
      "a Pagoda error with an internal code",
      new KvError("kv.double_free", SECRET, { details: { param: "x" } }),
    ],
    ["an unknown code", new KvError("weird", SECRET)],
    ["a thrown string", SECRET],
    ["undefined", undefined],
  ])("answers %s with a generic 500", (_what, err) => {
    const r = toHttpError(err);
    expect(r.status).toBe(500);
    expect(r.body.error).toEqual({
      message: "The server had an internal error while processing your request.",
      type: "server_error",
      param: null,
      code: "internal_error",
    });
    expect(JSON.stringify(r)).not.toContain("hunter2");
  });

  it("names the request id so a user can quote it and the operator find the log line", () => {
    const r = toHttpError(new Error(SECRET), { requestId: "req-42" });
    expect(r.body.error.message).toBe(
      "The server had an internal error while processing your request (request id req-42).",
    );
  });
});

describe("toHttpError: zod validation errors", () => {
  it("answers 400 naming the first bad field", () => {
    const schema = z.object({ model: z.string(), messages: z.array(z.object({ content: z.string() })) });
    const err = thrown(() => schema.parse({ model: "m", messages: [{ content: "ok" }, { content: 7 }] }));
    const r = toHttpError(err);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      type: "invalid_request_error",
      param: "messages[1].content",
      code: "request.invalid",
    });
    expect(r.body.error.message).toContain("messages[1].content: ");
    expect(r.body.error.message).toContain("expected string");
  });
});
