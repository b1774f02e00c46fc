import { afterEach, describe, expect, it } from "vitest";
import { type LiveServer, liveServer } from "../testing/live-server.js";
import { postJson } from "../testing/sse.js";

const PROMPT = "Once upon a time, there was a little girl named Lily. She loved to play outside";

describe("POST /reset_prefix_cache", () => {
  let live: LiveServer | null = null;
  afterEach(async () => {
    await live?.running.close();
    live = null;
  });

  const complete = (l: LiveServer, extra: Record<string, unknown> = {}) =>
    postJson(`${l.url}/v1/completions`, { prompt: PROMPT, max_tokens: 4, temperature: 0, ...extra });

  it("drops the cached prompt: the same prompt then misses, and is cached again after", async () => {
    live = await liveServer();
    await (await complete(live)).json();
    const cached = live.engine.stats().kv.numCachedBlocks;
    expect(cached).toBeGreaterThan(0);

    const res = await fetch(`${live.url}/reset_prefix_cache`, { method: "POST" });
    expect([res.status, await res.json()]).toEqual([200, { reset: true }]);
    expect(live.engine.stats().kv.numCachedBlocks).toBe(0);
    expect(live.lines.some((l) => l.event === "prefix_cache_reset")).toBe(true);

    // The repeat computes its prompt again (no hit) and caches it again.
    const hitsBefore = live.engine.stats().kv.prefixCacheHits;
    await (await complete(live)).json();
    expect(live.engine.stats().kv.prefixCacheHits).toBe(hitsBefore);
    expect(live.engine.stats().kv.numCachedBlocks).toBe(cached);
  });

  it("answers 409 in OpenAI's error shape while a request holds blocks, and changes nothing", async () => {
    live = await liveServer();
    const res = await complete(live, { max_tokens: 400, ignore_eos: true, stream: true });
    const reader = res.body?.getReader();
    await reader?.read(); // the request is running: it holds blocks
    const cachedBefore = live.engine.stats().kv.numCachedBlocks;
    expect(cachedBefore).toBeGreaterThan(0);
    const busy = await fetch(`${live.url}/reset_prefix_cache`, { method: "POST" });
    expect(busy.status).toBe(409);
    const body = (await busy.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: "conflict_error", code: "cache.busy" });
    expect(body.error.message).toMatch(/\d+ in use/);
    expect(live.engine.stats().kv.numCachedBlocks).toBeGreaterThanOrEqual(cachedBefore);
    await reader?.cancel();
    // Once the client has gone, its blocks are free within a step and the reset goes through.
    await expect
      .poll(async () => (await fetch(`${live?.url}/reset_prefix_cache`, { method: "POST" })).status)
      .toBe(200);
  });

  it("needs the API key when one is set", async () => {
    live = await liveServer({ app: { apiKey: "sekret" } });
    const url = `${live.url}/reset_prefix_cache`;
    expect((await fetch(url, { method: "POST" })).status).toBe(401);
    const ok = await fetch(url, { method: "POST", headers: { authorization: "Bearer sekret" } });
    expect(ok.status).toBe(200);
  });
});
