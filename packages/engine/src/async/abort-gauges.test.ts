import { MetricsRecorder } from "@pagoda/metrics";
import { describe, expect, it } from "vitest";
import type { RequestOutput } from "../core/types.js";
import { testEngine } from "../testing/stories.js";
import { buildTestLLM, inThreadWorkerEngine } from "../worker/testing/in-thread.js";
import { AsyncEngine } from "./async-engine.js";

const long = { temperature: 0, max_tokens: 200, ignore_eos: true };
const PROMPTS = ["Once upon a time", "Tom and Lily", "The cat", "One day"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busy = (rec: MetricsRecorder) => rec.snapshot().scheduler;

/** Reads each stream until it has `n` outputs, then leaves it (which aborts the request). */
async function readThenLeave(stream: AsyncIterable<RequestOutput>, n: number): Promise<void> {
  let seen = 0;
  for await (const _ of stream) if (++seen === n) break;
}

// The gauges came only from a step's record: aborts that leave nothing to step left the last
// step's "running 3" and KV usage in /metrics until some later request ran a step.
describe("the recorder's gauges read 0 once every request is aborted", () => {
  it("LLMEngine.abort records the state it leaves", async () => {
    const metrics = new MetricsRecorder();
    const { engine } = await testEngine({ metrics });
    for (const [i, p] of PROMPTS.entries()) engine.addRequest(`r${i}`, p, long);
    for (let i = 0; i < 3; i++) await engine.step();
    expect(busy(metrics).numRunning).toBe(4);
    engine.abort("r0");
    expect(busy(metrics).numRunning).toBe(3);
    for (const id of engine.requestIds()) engine.abort(id);
    expect(busy(metrics)).toMatchObject({ numRunning: 0, numWaiting: 0, kvCacheUsage: 0 });
  });

  it("AsyncEngine: readers that leave their streams", async () => {
    const metrics = new MetricsRecorder();
    const { engine } = await testEngine({ metrics });
    const online = new AsyncEngine(engine);
    const streams = PROMPTS.map((prompt) => online.add({ prompt, params: long }));
    await Promise.all(streams.map((s, i) => readThenLeave(s, 3 + i)));
    await online.idle();
    expect(busy(metrics)).toMatchObject({ numRunning: 0, numWaiting: 0, kvCacheUsage: 0 });
    expect(metrics.snapshot().steps.count).toBeGreaterThan(3);
  });

  it("WorkerEngine: the relayed recorder and stats() after aborts and the idle loop", async () => {
    const metrics = new MetricsRecorder();
    const { engine, dispose } = await inThreadWorkerEngine(buildTestLLM(), { metrics });
    try {
      const streams = await Promise.all(PROMPTS.map((prompt) => engine.submit({ prompt, params: long })));
      await Promise.all(streams.map((s, i) => readThenLeave(s, 3 + i)));
      // A reader that leaves sends the abort without waiting for the answer: allow the round trip.
      const deadline = Date.now() + 1000;
      while (engine.stats().kv.numUsedBlocks > 0 && Date.now() < deadline) await sleep(5);
      expect(engine.stats()).toMatchObject({ numRunning: 0, numWaiting: 0 });
      expect(engine.stats().kv.numUsedBlocks).toBe(0);
      expect(metrics.snapshot().steps.count).toBeGreaterThan(3); // the worker's records did arrive
      expect(busy(metrics)).toMatchObject({ numRunning: 0, numWaiting: 0, kvCacheUsage: 0 });
    } finally {
      await engine.close();
      dispose();
    }
  });
});
