import { describe, expect, it } from "vitest";
import { AsyncEngine } from "../../async/async-engine.js";
import type { EngineClient } from "../../async/engine-client.js";
import { createEngine } from "../../offline/create-engine.js";
import { storiesDir } from "../../testing/stories.js";
import { spawnWorkerEngine } from "./spawn.js";

// One long prefill step: 16 prompts of ~85 tokens each go into a single batch.
const options = { model: storiesDir(), device: "cpu", maxNumBatchedTokens: 2048, numBlocks: 512 } as const;
const prompt = "Once upon a time, there was a little girl named Lily. She loved to play in the park. ".repeat(
  3,
);

async function runBatch(engine: EngineClient): Promise<number> {
  const streams = await Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      engine.submit({ prompt: `${prompt}${i}`, params: { temperature: 0, max_tokens: 8 } }),
    ),
  );
  let tokens = 0;
  await Promise.all(
    streams.map(async (s) => {
      for await (const o of s) tokens += o.tokenIds.length;
    }),
  );
  return tokens;
}

/** The longest gap (ms) between ticks of a 1 ms timer while `run` went on: how long the loop was blocked. */
async function maxLag(run: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 1);
  try {
    await run();
  } finally {
    clearInterval(timer);
  }
  return Math.max(max, performance.now() - last);
}

describe("the main thread stays responsive", () => {
  it("blocks the event loop far less with the steps on a worker than in this thread", async () => {
    const llm = await createEngine(options);
    const inThread = new AsyncEngine(llm.engine, () => llm.close());
    let tokens = 0;
    const inThreadLag = await maxLag(async () => {
      tokens = await runBatch(inThread);
    });
    await inThread.close();

    const worker = await spawnWorkerEngine(options);
    let workerTokens = 0;
    const workerLag = await maxLag(async () => {
      workerTokens = await runBatch(worker);
    });
    await worker.close();

    expect(workerTokens).toBe(tokens);
    expect(tokens).toBe(16 * 8);
    // In this thread the loop is blocked for a whole prefill step; with a worker only by messages.
    const lags = `worker ${workerLag.toFixed(1)} ms, in-thread ${inThreadLag.toFixed(1)} ms`;
    expect(workerLag, lags).toBeLessThan(inThreadLag / 3);
  }, 30_000);
});
