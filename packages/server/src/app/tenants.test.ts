import type { EngineClient, EngineRequestInput } from "@pagoda/engine";
import { afterEach, describe, expect, it } from "vitest";
import { type LiveServer, liveServer } from "../testing/live-server.js";
import { type LiveWorkerServer, liveWorkerServer } from "../testing/live-worker-server.js";
import { postJson } from "../testing/sse.js";

// 20+ tokens: at least one full 16-token block, so a repeat can hit the prefix cache.
const PROMPT = "Once upon a time, there was a little girl named Lily. She loved to play outside";

/**
 * Holds submits until `count` have arrived, then passes them on in arrival order in one go, so
 * the scheduler sees every request queued before it picks the second: the order is the policy's.
 */
function gate(count: number, inner: EngineClient) {
  const held: Array<() => void> = [];
  let arrived = 0;
  const client: EngineClient = {
    ...inner,
    stats: () => inner.stats(),
    inspect: () => inner.inspect(),
    abort: (id) => inner.abort(id),
    resetPrefixCache: () => inner.resetPrefixCache(),
    close: () => inner.close(),
    submit: (request: EngineRequestInput) =>
      new Promise((resolve, reject) => {
        arrived++;
        held.push(() => void inner.submit(request).then(resolve, reject));
        if (held.length === count) for (const release of held.splice(0)) release();
      }),
  };
  return { client, arrived: () => arrived };
}

describe("tenants from the API: the fair policy bills X-Tenant, else the OpenAI user field", () => {
  let live: LiveServer | null = null;
  afterEach(async () => {
    await live?.running.close();
    live = null;
  });

  it("serves a light tenant before a heavy tenant's queued requests; the header wins over user", async () => {
    let g: ReturnType<typeof gate> | null = null;
    live = await liveServer({
      engine: { policy: "fair", maxNumSeqs: 1 },
      wrapEngine: (engine) => {
        g = gate(4, engine);
        return g.client;
      },
    });
    const url = `${live.url}/v1/completions`;
    const done: string[] = [];
    const send = async (name: string, extra: Record<string, unknown>, headers?: Record<string, string>) => {
      const p = postJson(
        url,
        { prompt: `${PROMPT} ${name}`, max_tokens: 8, temperature: 0, ...extra },
        headers,
      );
      const before = g?.arrived() ?? 0;
      // Wait until it reached the engine's door, so the requests queue in this order.
      await expect.poll(() => g?.arrived() ?? 0).toBeGreaterThan(before);
      // Wrapped: an async function returning the promise itself would wait for the answer.
      return {
        answered: p.then(async (res) => {
          expect(res.status).toBe(200);
          await res.json();
          done.push(name);
        }),
      };
    };
    const all = [
      await send("heavy0", { user: "heavy" }),
      await send("heavy1", { user: "heavy" }),
      await send("heavy2", {}, { "X-Tenant": "heavy" }),
      // The header names the tenant; the body's user is what the client claims, and loses.
      await send("light0", { user: "heavy" }, { "X-Tenant": "light" }),
    ];
    await Promise.all(all.map((s) => s.answered));
    // First come, first served would give heavy0, heavy1, heavy2, light0.
    expect(done).toEqual(["heavy0", "light0", "heavy1", "heavy2"]);
  });

  it("refuses a tenant field in the body by name under --strict-params: tenants come from user or X-Tenant", async () => {
    live = await liveServer({ app: { strictParams: true } });
    const res = await postJson(`${live.url}/v1/completions`, { prompt: PROMPT, max_tokens: 2, tenant: "x" });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("tenant");
  });
});

describe("cache_salt through pagoda serve's worker engine: prefix-cache hits stay within a salt", () => {
  let live: LiveWorkerServer | null = null;
  afterEach(async () => {
    await live?.running.close();
    live = null;
  });

  it("a repeat hits only under the same salt (or no salt), never across salts", async () => {
    live = await liveWorkerServer();
    const server = live;
    const hits = () => server.engine.stats().kv.prefixCacheHits;
    let finished = 0;
    const complete = async (extra: Record<string, unknown>) => {
      const res = await postJson(`${server.url}/v1/completions`, {
        prompt: PROMPT,
        max_tokens: 2,
        temperature: 0,
        ...extra,
      });
      expect(res.status).toBe(200);
      await res.json();
      // The engine's stats come with the worker's messages: wait for the one that finished it.
      finished++;
      await expect.poll(() => server.engine.stats().numFinished).toBeGreaterThanOrEqual(finished);
      return hits();
    };
    const h0 = await complete({});
    const h1 = await complete({});
    expect(h1).toBeGreaterThan(h0); // unsalted repeat: a hit
    expect(await complete({ cache_salt: "alice" })).toBe(h1); // unsalted blocks are not alice's
    const h2 = await complete({ cache_salt: "alice" });
    expect(h2).toBeGreaterThan(h1); // alice's repeat: a hit
    expect(await complete({ cache_salt: "bob" })).toBe(h2); // alice's blocks are not bob's
    const empty = await postJson(`${server.url}/v1/completions`, { prompt: PROMPT, cache_salt: "" });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(await empty.json())).toContain("cache_salt");
  });
});
