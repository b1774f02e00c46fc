import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetTrace, parseDataset } from "./dataset.js";
import { runServe } from "./run-serve.js";

// A scripted OpenAI-style streaming server: waits `firstMs`, then sends `n` one-token chunks
// `gapMs` apart and a usage chunk; it counts the most requests it ever held at once.
function scriptedServer(firstMs: number, gapMs: number) {
  const stats = { active: 0, maxActive: 0, bodies: [] as Array<Record<string, unknown>> };
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => {
      raw += d;
    });
    req.on("end", async () => {
      const body = JSON.parse(raw);
      stats.bodies.push(body);
      stats.active++;
      stats.maxActive = Math.max(stats.maxActive, stats.active);
      res.writeHead(200, { "content-type": "text/event-stream" });
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      await sleep(firstMs);
      for (let i = 0; i < body.max_tokens; i++) {
        if (i > 0) await sleep(gapMs);
        const last = i === body.max_tokens - 1;
        res.write(
          `data: ${JSON.stringify({ choices: [{ text: "x", finish_reason: last ? "length" : null }], usage: null })}\n\n`,
        );
      }
      res.write(
        `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 7, completion_tokens: body.max_tokens } })}\n\n`,
      );
      res.end("data: [DONE]\n\n");
      stats.active--;
    });
  });
  return { server, stats };
}

describe("runServe against a scripted server", () => {
  const { server, stats } = scriptedServer(80, 30);
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("measures TTFT and inter-token latency on the client and holds the concurrency limit", async () => {
    const requests = datasetTrace(parseDataset('{"input_len": 7, "output_len": 4}\n', 1), {
      numPrompts: 6,
      requestRate: Number.POSITIVE_INFINITY,
      seed: 0,
    });
    const { result } = await runServe({
      url,
      model: "m",
      requests,
      maxConcurrency: 2,
      goodput: { ttft: 5000 },
    });
    expect(stats.maxActive).toBe(2);
    expect(result.completed).toBe(6);
    expect(result.total_output_tokens).toBe(24);
    expect(result.total_input_tokens).toBe(42); // from the server's usage chunk
    expect(result.ttft_ms.p50).toBeGreaterThanOrEqual(75);
    expect(result.ttft_ms.p50).toBeLessThan(1000);
    expect(result.itl_ms.p50).toBeGreaterThanOrEqual(25);
    expect(result.itl_ms.p50).toBeLessThan(500);
    // 3 waves of 2 requests, each ≥ 80 + 3·30 ms.
    expect(result.duration_s).toBeGreaterThan(0.5);
    expect(result.goodput?.fraction).toBe(1);
    expect(stats.bodies[0]).toMatchObject({ model: "m", max_tokens: 4, stream: true, ignore_eos: true });
    expect(Array.isArray(stats.bodies[0]?.prompt)).toBe(true);
  });

  it("sends dataset prompt texts as given", async () => {
    stats.bodies.length = 0;
    const requests = datasetTrace(parseDataset('{"prompt": "Once upon a time", "output_len": 2}\n', 9), {
      numPrompts: 1,
      requestRate: 1,
      seed: 0,
    });
    const { result } = await runServe({ url: `${url}/v1`, model: "m", requests });
    expect(result.completed).toBe(1);
    expect(stats.bodies[0]?.prompt).toBe("Once upon a time");
  });

  it("counts unreachable servers as failed requests with the reason", async () => {
    const requests = datasetTrace([{ inputLen: 3, outputLen: 2 }], {
      numPrompts: 3,
      requestRate: Number.POSITIVE_INFINITY,
      seed: 0,
    });
    const out = await runServe({ url: "http://127.0.0.1:1", model: "m", requests });
    expect(out.result.completed).toBe(0);
    expect(out.result.failed).toBe(3);
    expect(out.errors[0]).toMatch(/req-0/);
  });
});

describe("parseDataset", () => {
  it("reads prompts and length pairs, defaulting output lengths", () => {
    expect(parseDataset('{"prompt": "abcdefgh"}\n\n{"input_len": 5, "output_len": 3}\n', 16)).toEqual([
      { prompt: "abcdefgh", inputLen: 2, outputLen: 16 },
      { inputLen: 5, outputLen: 3 },
    ]);
  });

  it.each([
    ["nope", /line 1: not JSON/],
    ['{"input_len": 0}', /line 1: needs a non-empty "prompt"/],
    ['\n{"prompt": "x", "output_len": -1}', /line 2: output_len must be/],
    ["", /no entries/],
  ])("rejects %j", (text, reason) => {
    expect(() => parseDataset(text, 4)).toThrow(reason);
  });
});
