import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogger, type LiveServer, liveServer } from "../testing/live-server.js";
import { postJson } from "../testing/sse.js";
import { createServerApp } from "./create-server-app.js";

let live: LiveServer;
beforeAll(async () => {
  live = await liveServer();
});
afterAll(() => live.running.close());

const body = { prompt: "Once upon a time", max_tokens: 3, temperature: 0 };

function appWith(options: { strictParams?: boolean; allowedOrigins?: string[] }) {
  const { tokenizer, chatTemplate } = live.llm.parts.model;
  const model = { engine: live.engine, tokenizer, chatTemplate, maxModelLen: 512 };
  return createServerApp({
    servedModelName: "stories260K",
    logger: captureLogger().logger,
    model,
    ...options,
  }).app;
}

describe("HTTP conventions of vLLM's server", () => {
  it("keeps a client's X-Request-Id in the header and the response id, even when reused at once", async () => {
    const headers = { "X-Request-Id": "trace-42" };
    const [a, b] = await Promise.all([
      postJson(`${live.url}/v1/completions`, body, headers),
      postJson(`${live.url}/v1/completions`, body, headers),
    ]);
    for (const res of [a, b]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("x-request-id")).toBe("trace-42");
      expect(((await res.json()) as { id: string }).id).toBe("cmpl-trace-42");
    }
    const own = await postJson(`${live.url}/v1/completions`, body);
    expect(own.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    const bad = await postJson(`${live.url}/v1/completions`, body, { "X-Request-Id": "has space" });
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("answers CORS preflights (default origin *) before auth, and marks answers", async () => {
    const preflight = await fetch(`${live.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://ui.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    const res = await postJson(`${live.url}/v1/completions`, body, { Origin: "http://ui.example" });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("allows only the --allowed-origins given", async () => {
    const app = appWith({ allowedOrigins: ["http://ok.example"] });
    const ask = (origin: string) =>
      app.request("/v1/completions", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
      });
    expect((await ask("http://ok.example")).headers.get("access-control-allow-origin")).toBe(
      "http://ok.example",
    );
    expect((await ask("http://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a wrong method with 405 and Allow, in OpenAI's error shape", async () => {
    const res = await fetch(`${live.url}/v1/completions`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    const err = ((await res.json()) as { error: Record<string, unknown> }).error;
    expect(err).toMatchObject({ code: "request.method_not_allowed", type: "invalid_request_error" });
    expect((await fetch(`${live.url}/no/such/route`)).status).toBe(404);
  });

  it("serves GET /version and GET|POST /ping", async () => {
    const version = (await (await fetch(`${live.url}/version`)).json()) as { version: string };
    expect(version.version).toMatch(/^\d+\.\d+\.\d+/);
    expect((await fetch(`${live.url}/ping`)).status).toBe(200);
    expect((await fetch(`${live.url}/ping`, { method: "POST" })).status).toBe(200);
    const loading = createServerApp({ servedModelName: "m", logger: captureLogger().logger }).app;
    expect((await loading.request("/ping")).status).toBe(503);
  });

  it("rejects an unknown field with --strict-params, naming it", async () => {
    const app = appWith({ strictParams: true });
    const res = await app.request("/v1/completions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...body, temprature: 1 }),
    });
    expect(res.status).toBe(400);
    const err = ((await res.json()) as { error: Record<string, unknown> }).error;
    expect(err).toMatchObject({ param: "temprature", code: "request.invalid" });
  });
});
