import type { StepRecord } from "@pagoda/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../testing/live-server.js";
import { type LiveWorkerServer, liveWorkerServer } from "../testing/live-worker-server.js";
import { postJson } from "../testing/sse.js";

// Both servers run the engine on a worker thread, as `pagoda serve` does: its stats and metrics
// reach the server only with the worker's messages.

/** A gauge of `/metrics`, whatever the prefix (`pagoda:` or `vllm:`). */
async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = text.match(new RegExp(`^\\w+:${name}\\{[^}]*\\} (\\S+)$`, "m"));
  if (m === null) throw new Error(`${name} missing from /metrics`);
  return Number(m[1]);
}

const GAUGES = ["num_requests_running", "num_requests_waiting", "kv_cache_usage_perc"] as const;

describe("after streams disconnect, /metrics and the live feed read idle within 1 s", () => {
  let live: LiveWorkerServer;
  beforeAll(async () => {
    live = await liveWorkerServer();
  });
  afterAll(() => live.running.close());

  it("8 streams leave after 3 chunks: every gauge back to 0, and the feed shows nothing running", async () => {
    const long = { prompt: "Once upon a time", max_tokens: 400, ignore_eos: true, stream: true };
    const stops = Array.from({ length: 8 }, () => new AbortController());
    await Promise.all(
      stops.map(async (stop) => {
        const res = await postJson(`${live.url}/v1/completions`, long, {}, stop.signal);
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        for (let chunks = 0; chunks < 3; ) {
          const { value, done } = await reader.read();
          if (done) throw new Error("the stream ended early");
          chunks += new TextDecoder().decode(value).split("\n\n").length - 1;
        }
      }),
    );
    expect(await gauge(live.url, "num_requests_running")).toBeGreaterThan(0);
    for (const stop of stops) stop.abort();
    const left = performance.now();
    const idle = async () => (await Promise.all(GAUGES.map((g) => gauge(live.url, g)))).every((v) => v === 0);
    let ok = false;
    while (!ok && performance.now() - left < 1000) ok = await idle();
    expect(ok).toBe(true);
    expect(live.engine.stats().kv.numUsedBlocks).toBe(0);

    const feed = new AbortController();
    const res = await fetch(`${live.url}/v1/engine/events`, { signal: feed.signal });
    const first = await (res.body as ReadableStream<Uint8Array>).getReader().read();
    feed.abort();
    const data = new TextDecoder().decode(first.value).match(/^data: (.*)$/m)?.[1] ?? "{}";
    const snapshot = JSON.parse(data);
    expect(snapshot.queues).toEqual({ running: [], waiting: [], swapped: [] });
    expect(snapshot.metrics).toMatchObject({ numRunning: 0, numWaiting: 0 });
  });
});

describe("--max-num-seqs 4 --max-queue 8 under a burst of 200", () => {
  let live: LiveWorkerServer;
  let maxWaiting = 0;
  beforeAll(async () => {
    live = await liveWorkerServer({ engine: { maxNumSeqs: 4 }, app: { maxQueue: 8 } });
    live.server.metrics.addSink({
      step: (s: StepRecord) => {
        maxWaiting = Math.max(maxWaiting, s.numWaiting);
      },
    });
  });
  afterAll(() => live.running.close());

  it("answers the excess 429 with Retry-After and OpenAI's error body, never 5xx, then serves as usual", async () => {
    const body = { prompt: "Once upon a time", max_tokens: 16, temperature: 0, ignore_eos: true };
    const answers = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const res = await postJson(`${live.url}/v1/completions`, body);
        const json = (await res.json()) as { usage: { completion_tokens: number } };
        return { status: res.status, retryAfter: res.headers.get("retry-after"), json };
      }),
    );
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].sort()).toEqual([200, 429]);
    const shed = answers.filter((a) => a.status === 429);
    const served = answers.filter((a) => a.status === 200);
    expect(served.length).toBeGreaterThanOrEqual(12); // 4 running + 8 waiting at the least
    for (const a of shed) {
      expect(a.retryAfter).toBe("1");
      expect(a.json).toEqual({
        error: {
          message: expect.stringMatching(/limit 8/),
          type: "rate_limit_error",
          param: null,
          code: "queue.full",
        },
      });
    }
    for (const a of served) expect(a.json.usage.completion_tokens).toBe(16);
    // The engine's queue never held more than --max-queue requests after a step.
    expect(maxWaiting).toBeLessThanOrEqual(8);

    const after = await postJson(`${live.url}/v1/completions`, body);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(
      16,
    );
    expect(await eventually(() => live.engine.stats().kv.numUsedBlocks === 0, 1000)).toBe(true);
    expect(await gauge(live.url, "num_requests_waiting")).toBe(0);
  });
});
