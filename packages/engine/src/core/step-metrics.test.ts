import { CpuExecutor } from "@pagoda/executor";
import { KVCacheManager } from "@pagoda/kv-paging";
import { MetricsRecorder, type StepRecord } from "@pagoda/metrics";
import { type Executor, Scheduler, type SchedulerOutput } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { stories } from "../testing/stories.js";
import { LLMEngine } from "./llm-engine.js";
import type { RequestOutput } from "./types.js";

/** A stories260K engine on a pool small enough to preempt, with every executed step kept. */
async function recordedEngine(metrics: MetricsRecorder | undefined, numBlocks = 24) {
  const { model, weights } = await stories();
  const blockSize = 4;
  const kvCache = new KVCacheManager({ numBlocks, blockSize });
  const eosTokenIds = model.generationConfig.eosTokenIds;
  const scheduler = new Scheduler({ kvCache, maxNumSeqs: 8, maxNumBatchedTokens: 32, eosTokenIds });
  const cpu = new CpuExecutor(model.config, weights, { numBlocks, blockSize });
  const executed: SchedulerOutput[] = [];
  const executor: Executor = {
    execute: (step) => {
      executed.push(step);
      return cpu.execute(step);
    },
    close: () => cpu.close(),
  };
  const engine = new LLMEngine({
    scheduler,
    executor,
    tokenizer: model.tokenizer,
    eosTokenIds,
    maxModelLen: (numBlocks - 1) * blockSize,
    ...(metrics !== undefined && { metrics }),
  });
  return { engine, scheduler, executed };
}

async function runAll(engine: LLMEngine): Promise<{ outputs: RequestOutput[]; steps: number }> {
  const prompts = [
    "Once upon a time",
    "Tom and Lily went to the park.",
    "The cat sat on the mat",
    "Once upon a time",
  ];
  prompts.forEach((p, i) => {
    engine.addRequest(`r${i}`, p, { temperature: 0.8, seed: i, max_tokens: 30, n: i === 1 ? 2 : 1 });
  });
  const outputs: RequestOutput[] = [];
  let steps = 0;
  while (engine.hasUnfinished()) {
    outputs.push(...(await engine.step()));
    steps++;
  }
  return { outputs, steps };
}

describe("per-step records to @pagoda/metrics", () => {
  it("splits prompt and decode tokens: n = 2 computes the prompt once and a last prompt token per sample", async () => {
    const recorder = new MetricsRecorder();
    const { engine } = await recordedEngine(recorder, 64);
    engine.addRequest("a", "Once upon a time", { temperature: 0, max_tokens: 10, n: 2, ignore_eos: true });
    let steps = 0;
    while (engine.hasUnfinished()) {
      await engine.step();
      steps++;
    }
    const snap = recorder.snapshot();
    // 5 prompt tokens: 4 before the fork, then the 5th once per sample; 9 decodes per sample.
    expect(snap.steps).toMatchObject({ count: steps, numPrefillTokens: 4 + 2, numDecodeTokens: 2 * 9 });
    expect(snap.scheduler).toMatchObject({ prefixCacheQueries: 5, prefixCacheHits: 0, numPreemptions: 0 });
    expect(snap.requests).toMatchObject({ arrived: 1, finished: 1, promptTokens: 5, generationTokens: 20 });
    expect(snap.latency.ttft.count).toBe(1);
  });

  it("records one StepRecord per step whose counts match what the engine computed and produced", async () => {
    const recorder = new MetricsRecorder();
    const records: StepRecord[] = [];
    recorder.addSink({ step: (s) => void records.push(s) });
    const { engine, scheduler, executed } = await recordedEngine(recorder);
    const { outputs, steps } = await runAll(engine);

    const snap = recorder.snapshot();
    const stats = scheduler.stats();
    expect(snap.steps.count).toBe(steps);
    expect(records).toHaveLength(executed.length);
    records.forEach((r, i) => {
      const out = executed[i] as SchedulerOutput;
      expect(r.numPrefillTokens + r.numDecodeTokens).toBe(out.totalNumScheduledTokens);
      expect(r.numSeqs).toBe(Object.keys(out.numScheduledTokens).length);
      expect(Array.from(r.batch?.numNewTokens ?? [])).toEqual(
        [...out.scheduledNewReqs, ...out.scheduledCachedReqs].map((q) => out.numScheduledTokens[q.requestId]),
      );
    });
    const generated = outputs.reduce((n, o) => n + o.tokenIds.length, 0);
    expect(snap.requests.generationTokens).toBe(generated);
    expect(snap.requests).toMatchObject({ arrived: 4, finished: 4, inFlight: 0 });
    expect(snap.steps.numPrefillTokens + snap.steps.numDecodeTokens).toBe(
      executed.reduce((n, o) => n + o.totalNumScheduledTokens, 0),
    );
    // Counter deltas add up to the scheduler's totals.
    expect(snap.scheduler.numPreemptions).toBe(stats.numRecomputePreemptions + stats.numSwapPreemptions);
    expect(snap.scheduler.numPreemptions).toBeGreaterThan(0);
    expect(snap.scheduler.prefixCacheQueries).toBe(stats.kv.prefixCacheQueries);
    expect(snap.scheduler.prefixCacheHits).toBe(stats.kv.prefixCacheHits);
    expect(snap.scheduler.prefixCacheHits).toBeGreaterThan(0); // r3 repeats r0's prompt
    expect(records.at(-1)).toMatchObject({ numRunning: 0, numWaiting: 0, numSwapped: 0, kvCacheUsage: 0 });
    expect(Math.max(...records.map((r) => r.kvCacheUsage))).toBeGreaterThan(0.5);
    expect(snap.steps.prefillSeconds).toBeGreaterThan(0);
    expect(snap.steps.decodeSeconds).toBeGreaterThan(0);
  }, 60_000);

  it("gives the same outputs with and without a recorder", async () => {
    const withMetrics = await recordedEngine(new MetricsRecorder());
    const without = await recordedEngine(undefined);
    const a = await runAll(withMetrics.engine);
    const b = await runAll(without.engine);
    const tokens = (o: RequestOutput[]) => o.map((x) => `${x.requestId}/${x.index}:${x.tokenIds.join(",")}`);
    expect(tokens(b.outputs)).toEqual(tokens(a.outputs));
  }, 60_000);
});
