import { join } from "node:path";
import { AsyncEngine, createEngine } from "@pagoda/engine";
import { createServerApp, type RunningServer, startServer } from "@pagoda/server";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTrace } from "../driver/trace.js";
import { resetPrefixCache } from "./reset-prefix-cache.js";
import { runServe } from "./run-serve.js";

const STORIES = join(import.meta.dirname, "../../../../../shared/models/stories260K");

// End to end: Pagoda's own OpenAI-compatible server over the stories260K CPU engine, on an
// ephemeral port, benchmarked through HTTP and SSE.
describe("runServe against @pagoda/server with stories260K", () => {
  let running: RunningServer;
  let engine: AsyncEngine;
  beforeAll(async () => {
    const server = createServerApp({ servedModelName: "stories260K", logger: pino({ level: "silent" }) });
    const llm = await createEngine({ model: STORIES, device: "cpu", metrics: server.metrics });
    const { tokenizer, chatTemplate } = llm.parts.model;
    engine = new AsyncEngine(llm.engine, () => llm.close());
    server.state.ready({
      engine,
      tokenizer,
      chatTemplate,
      maxModelLen: 512,
    });
    running = await startServer({ server, port: 0 });
  });
  afterAll(() => running.close());

  it("streams every request to its full length and measures latencies client-side", async () => {
    const requests = buildTrace({
      numPrompts: 16,
      requestRate: 40,
      inputLen: 24,
      outputLen: 16,
      rangeRatio: 0.5,
      seed: 3,
    });
    const out = await runServe({
      url: running.url,
      model: "stories260K",
      requests,
      maxConcurrency: 8,
      vocabSize: 512,
      avoidTokenIds: [2],
      goodput: { ttft: 60_000 },
    });
    expect(out.errors).toEqual([]);
    expect(out.result.completed).toBe(16);
    expect(out.result.total_output_tokens).toBe(requests.reduce((s, r) => s + r.outputLen, 0));
    expect(out.result.total_input_tokens).toBe(requests.reduce((s, r) => s + r.inputLen, 0));
    expect(out.result.ttft_ms.p50).toBeGreaterThan(0);
    expect(out.result.itl_ms.p50).toBeGreaterThan(0);
    expect(out.result.goodput?.fraction).toBe(1);
  });

  it("reports a wrong model name as failed requests with the server's reason", async () => {
    const requests = buildTrace({
      numPrompts: 2,
      requestRate: Number.POSITIVE_INFINITY,
      inputLen: 4,
      outputLen: 2,
      seed: 0,
    });
    const out = await runServe({ url: running.url, model: "gpt-4", requests, vocabSize: 512 });
    expect(out.result.failed).toBe(2);
    expect(out.errors[0]).toMatch(/HTTP 404/);
  });

  it("resets the server's prefix cache between runs, so a repeated trace computes its prompts again", async () => {
    const requests = buildTrace({
      numPrompts: 4,
      requestRate: Number.POSITIVE_INFINITY,
      inputLen: 40,
      outputLen: 2,
      seed: 9,
    });
    const run = () => runServe({ url: running.url, model: "stories260K", requests, vocabSize: 512, seed: 9 });
    await run();
    const hits0 = engine.stats().kv.prefixCacheHits;
    await run(); // the same prompts again: prefix hits
    const hits1 = engine.stats().kv.prefixCacheHits;
    expect(hits1).toBeGreaterThan(hits0);
    await resetPrefixCache(`${running.url}/v1`);
    await run(); // after the reset: none
    expect(engine.stats().kv.prefixCacheHits).toBe(hits1);
  });

  it("says why a reset failed: the status and the server's message", async () => {
    const err = await resetPrefixCache(`${running.url}/nothing-here`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "bench.reset_failed" });
    expect(String((err as Error).message)).toMatch(
      /HTTP 404: there is no route POST \/nothing-here\/reset_prefix_cache/,
    );
  });
});
