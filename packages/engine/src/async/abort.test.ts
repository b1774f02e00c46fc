import { describe, expect, it } from "vitest";
import { testEngine } from "../testing/stories.js";
import { AsyncEngine } from "./async-engine.js";

const greedy = (max_tokens: number) => ({ temperature: 0, max_tokens });

async function collect(stream: AsyncIterable<{ text: string; finishReason: string | null }>) {
  let text = "";
  let reason: string | null = null;
  for await (const o of stream) {
    text += o.text;
    reason = o.finishReason;
  }
  return { text, reason };
}

describe.each(["reference", "cpu"] as const)(
  "aborts in every state free every block at once (%s executor)",
  (device) => {
    it("queued, prefilling and decoding", async () => {
      const { engine, scheduler, kvCache } = await testEngine({
        device,
        maxNumSeqs: 1,
        maxNumBatchedTokens: 4,
        blockSize: 4,
      });
      engine.addRequest("decoding", "Once upon a time, there was", greedy(50));
      engine.addRequest("queued", "Tom", greedy(50));
      for (let i = 0; i < 4; i++) await engine.step(); // 7 prompt tokens in chunks of 4, then decode
      expect(scheduler.getRequest("decoding")?.numOutputTokens).toBeGreaterThan(0);
      expect(scheduler.getRequest("queued")?.status).toBe("WAITING");
      expect(engine.abort("queued").map((o) => o.finishReason)).toEqual(["abort"]);
      expect(engine.abort("decoding").map((o) => o.finishReason)).toEqual(["abort"]);
      engine.addRequest("prefilling", "Once upon a time, there was a dragon", greedy(50));
      await engine.step();
      const r = scheduler.getRequest("prefilling");
      expect(r?.status).toBe("RUNNING");
      expect(r?.numComputedTokens).toBeLessThan(r?.numPromptTokens ?? 0);
      expect(kvCache.stats().numUsedBlocks).toBeGreaterThan(0);
      expect(engine.abort("prefilling").map((o) => o.finishReason)).toEqual(["abort"]);
      expect(kvCache.stats().numUsedBlocks).toBe(0);
      expect(engine.hasUnfinished()).toBe(false);
      expect(engine.abort("prefilling")).toEqual([]);
    });

    it("swapped", async () => {
      const { engine, scheduler, kvCache } = await testEngine({
        device,
        blockSize: 4,
        numBlocks: 7,
        numHostBlocks: 8,
        preemptionMode: "swap",
      });
      engine.addRequest("a", "Once upon a time", greedy(18));
      engine.addRequest("b", "Tom and Lily", greedy(18));
      let swapped: string | undefined;
      for (let i = 0; i < 40 && swapped === undefined; i++) {
        await engine.step();
        swapped = ["a", "b"].find((id) => scheduler.getRequest(id)?.status === "SWAPPED");
      }
      expect(swapped).toBeDefined();
      expect(kvCache.stats().numUsedHostBlocks).toBeGreaterThan(0);
      engine.abort(swapped as string);
      for (const id of engine.requestIds()) engine.abort(id);
      const stats = kvCache.stats();
      expect([stats.numUsedBlocks, stats.numUsedHostBlocks]).toEqual([0, 0]);
    });
  },
);

describe("AsyncEngine", () => {
  it("streams the same text as the offline path and serves requests concurrently", async () => {
    const { engine } = await testEngine();
    const online = new AsyncEngine(engine);
    const [a, b] = await Promise.all([
      collect(online.add({ prompt: "Once upon a time", params: greedy(60) })),
      collect(online.add({ prompt: "Tom and Lily", params: greedy(20) })),
    ]);
    expect(a.text).toMatch(/^, there was a little girl named Lily\. She loved to play outside in the park\./);
    expect([a.reason, b.reason]).toEqual(["length", "length"]);
    await online.idle();
  });

  it("abort ends a running stream, and a reader that stops early aborts its request", async () => {
    const { engine, kvCache } = await testEngine();
    const online = new AsyncEngine(engine);
    const first = online.add({ requestId: "x", prompt: "Once upon a time", params: greedy(200) });
    const seen: Array<string | null> = [];
    for await (const o of first) {
      seen.push(o.finishReason);
      if (seen.length === 3) expect(online.abortNow("x")).toBe(true);
    }
    expect(seen.at(-1)).toBe("abort");
    for await (const _ of online.add({ requestId: "y", prompt: "Tom", params: greedy(200) })) break;
    expect(engine.hasUnfinished()).toBe(false);
    await online.idle();
    expect(kvCache.stats().numUsedBlocks).toBe(0);
    expect(() => online.add({ prompt: "Hi", params: { top_p: 2 } })).toThrow(/top_p/);
  });
});
