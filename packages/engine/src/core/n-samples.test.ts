import { isPagodaError } from "@pagoda/errors";
import { CpuExecutor } from "@pagoda/executor";
import { KVCacheManager } from "@pagoda/kv-paging";
import { type Executor, greedyParams, Scheduler } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { AsyncEngine } from "../async/async-engine.js";
import { generate } from "../offline/generate.js";
import { goldenCases, stories, testEngine } from "../testing/stories.js";
import { sampleParams } from "./engine-request.js";
import { LLMEngine } from "./llm-engine.js";
import type { RequestOutput } from "./types.js";

/** A stories260K engine whose peak KV block use is read at every execute. */
async function measuredEngine(enablePrefixCaching: boolean) {
  const { model, weights } = await stories();
  const numBlocks = 128;
  const blockSize = 8;
  const kvCache = new KVCacheManager({ numBlocks, blockSize, enablePrefixCaching });
  const eosTokenIds = model.generationConfig.eosTokenIds;
  const scheduler = new Scheduler({ kvCache, maxNumSeqs: 8, maxNumBatchedTokens: 256, eosTokenIds });
  const cpu = new CpuExecutor(model.config, weights, { numBlocks, blockSize });
  let peak = 0;
  let numTokens = 0;
  const executor: Executor = {
    execute: (step) => {
      peak = Math.max(peak, kvCache.stats().numUsedBlocks);
      numTokens += step.totalNumScheduledTokens;
      return cpu.execute(step);
    },
    close: () => cpu.close(),
  };
  const maxModelLen = (numBlocks - 1) * blockSize;
  const engine = new LLMEngine({ scheduler, executor, tokenizer: model.tokenizer, eosTokenIds, maxModelLen });
  return { engine, kvCache, peak: () => peak, numTokens: () => numTokens };
}

const PROMPT = "Once upon a time, there was a dragon"; // 14 tokens: 1 full block of 8, 5 more
const sampled = { temperature: 1, top_p: 0.95, max_tokens: 24, seed: 41, ignore_eos: true };

describe("n > 1: parallel samples sharing the prompt's blocks", () => {
  it.each([
    [false, "uses fewer blocks than n separate requests (prefix caching off)"],
    [true, "uses no more blocks than n separate requests and computes the prompt once (prefix caching on)"],
  ])("%#: %s", async (caching) => {
    const forked = await measuredEngine(caching);
    const [r] = await generate(forked.engine, [PROMPT], { ...sampled, n: 4 });
    const separate = await measuredEngine(caching);
    await generate(separate.engine, Array(4).fill(PROMPT), sampled);
    expect(r?.samples).toHaveLength(4);
    // 14 + 23 computed tokens = 5 blocks a sample; forked, the full prompt block is held once.
    expect(forked.peak()).toBe(1 + 4 * 4);
    expect(forked.kvCache.stats().numUsedBlocks).toBe(0);
    if (!caching) {
      expect(separate.peak()).toBe(4 * 5);
      return;
    }
    // With the prefix cache, separate requests of one prompt share its full blocks as well, and
    // a partly filled block is never shared: the same blocks. The fork still computes the
    // prompt once: 13 tokens + 1 per sample, against 14 + 6 per later request (4 × 23 decodes each).
    expect(separate.peak()).toBe(forked.peak());
    expect(forked.numTokens()).toBe(13 + 4 + 4 * 23);
    expect(separate.numTokens()).toBe(14 + 3 * 6 + 4 * 23);
  });

  it("samples differ under temperature > 0, sample i draws with seed + i, and runs reproduce", async () => {
    const { engine } = await testEngine({ blockSize: 8 });
    const [a] = await generate(engine, [PROMPT], { ...sampled, n: 3 });
    const [b] = await generate(engine, [PROMPT], { ...sampled, n: 3 });
    const tokens = (r: typeof a) => r?.samples.map((s) => s.tokenIds);
    expect(tokens(b)).toEqual(tokens(a));
    expect(new Set(tokens(a)?.map((t) => t.join())).size).toBe(3);
    const [third] = await generate(engine, [PROMPT], { ...sampled, seed: 43 });
    expect(third?.tokenIds).toEqual(a?.samples[2]?.tokenIds);
    expect(a?.tokenIds).toEqual(a?.samples[0]?.tokenIds);
    expect(a?.text).toBe(a?.samples[0]?.text);
    expect(a?.usage).toEqual({ promptTokens: 14, completionTokens: 3 * 24, totalTokens: 14 + 72 });
  });

  it("gives sample i the seed seed + i, exactly, within [0, 2^53)", () => {
    const seeds = (seed: number) => [0, 1, 2].map((i) => sampleParams({ ...greedyParams(1), seed }, i).seed);
    expect(seeds(7)).toEqual([7, 8, 9]);
    expect(seeds(-3)).toEqual([2 ** 53 - 3, 2 ** 53 - 2, 2 ** 53 - 1]);
    expect(seeds(Number.MAX_SAFE_INTEGER)).toEqual([2 ** 53 - 1, 0, 1]);
  });

  it("wraps seeds into the executors' range [0, 2^53): negative seeds work, seed + i wraps to 0", async () => {
    const { engine } = await testEngine({ blockSize: 8 });
    const params = { ...sampled, max_tokens: 8 };
    const [neg] = await generate(engine, [PROMPT], { ...params, seed: -3, n: 4 });
    const [top] = await generate(engine, [PROMPT], { ...params, seed: 2 ** 53 - 3 });
    const [zero] = await generate(engine, [PROMPT], { ...params, seed: 0 });
    expect(neg?.samples.map((s) => s.finishReason)).toEqual(["length", "length", "length", "length"]);
    expect(neg?.tokenIds).toEqual(top?.tokenIds);
    expect(neg?.samples[3]?.tokenIds).toEqual(zero?.tokenIds);
  });

  it("greedy n = 2 gives the golden continuation twice, also from a 1-token prompt", async () => {
    const { engine, kvCache } = await testEngine({ blockSize: 8 });
    const cases = [goldenCases()[0], goldenCases()[2]];
    const results = await generate(
      engine,
      cases.map((c) => c?.prompt ?? ""),
      { temperature: 0, max_tokens: 40, n: 2, ignore_eos: true },
    );
    results.forEach((r, i) => {
      const golden = cases[i]?.completionIds.slice(0, 40);
      expect(r.samples.map((s) => s.tokenIds)).toEqual([golden, golden]);
      expect(r.samples.map((s) => [s.index, s.finishReason])).toEqual([
        [0, "length"],
        [1, "length"],
      ]);
    });
    expect(kvCache.stats().numUsedBlocks).toBe(0);
  });

  it("gives outputs per sample with the request's running usage, the last one finished", async () => {
    const { engine } = await testEngine({ blockSize: 8 });
    engine.addRequest("a", PROMPT, { ...sampled, n: 2, max_tokens: 3 });
    const seen: RequestOutput[] = [];
    while (engine.hasUnfinished()) seen.push(...(await engine.step()));
    expect(seen.map((o) => o.index).sort()).toEqual([0, 0, 0, 1, 1, 1]);
    expect(seen.filter((o) => o.finished)).toHaveLength(1);
    expect(seen.at(-1)?.finished).toBe(true);
    expect(seen.at(-1)?.usage).toEqual({ promptTokens: 14, completionTokens: 6, totalTokens: 20 });
    expect(seen.map((o) => o.usage.completionTokens)).toEqual([...seen.keys()].map((k) => k + 1));
  });

  it("an AsyncEngine stream ends only after every sample finished", async () => {
    const { engine } = await testEngine({ blockSize: 8 });
    const params = { ...sampled, n: 3, max_tokens: 12 };
    const [ref] = await generate(engine, [PROMPT], params);
    // A token early in sample 1 that samples 0 and 2 never draw: as a stop token it ends sample 1 alone.
    const others = new Set([...(ref?.samples[0]?.tokenIds ?? []), ...(ref?.samples[2]?.tokenIds ?? [])]);
    const stop = ref?.samples[1]?.tokenIds.slice(0, 6).find((t) => !others.has(t));
    expect(stop).toBeDefined();
    const online = new AsyncEngine(engine);
    const stream = online.add({ prompt: PROMPT, params: { ...params, stop_token_ids: [stop] } });
    const seen: RequestOutput[] = [];
    for await (const o of stream) seen.push(o);
    const ends = seen.filter((o) => o.finishReason !== null).map((o) => `${o.index}:${o.finishReason}`);
    expect(ends).toEqual(["1:stop", "0:length", "2:length"]);
    const afterStop = seen.findIndex((o) => o.finishReason === "stop");
    expect(seen.slice(afterStop + 1).some((o) => o.finishReason === null)).toBe(true);
    expect(seen.map((o) => o.finished)).toEqual([...seen.map(() => false).slice(1), true]);
    await online.idle();
  });

  it("validates n with a typed error naming it", async () => {
    const { engine } = await testEngine({ maxNumSeqs: 2, maxNumBatchedTokens: 64 });
    const codeOf = (params: unknown) => {
      try {
        engine.addRequest("x", "Hi", params);
      } catch (err) {
        return isPagodaError(err) ? [err.code, err.details?.param] : ["untyped"];
      }
      return ["no error"];
    };
    expect(codeOf({ n: 0 })).toEqual(["sampling.invalid", "n"]);
    expect(codeOf({ n: 1.5 })).toEqual(["sampling.invalid", "n"]);
    expect(codeOf({ n: 3 })).toEqual(["sampling.invalid", "n"]); // more than maxNumSeqs
    expect(engine.hasUnfinished()).toBe(false);
    engine.addRequest("x", "Hi", { n: 2, max_tokens: 2 });
    expect(() => engine.addRequest("x#1", "Hi", {})).toThrow(/in use by a sample of 'x'/);
    expect(engine.requestIds()).toEqual(["x"]);
  });
});

describe("aborting an n > 1 request frees every block", () => {
  const n3 = { ...sampled, n: 3, max_tokens: 40 };

  it("before the fork (queued or prefilling): the pending samples are cancelled", async () => {
    const { engine, scheduler, kvCache } = await testEngine({
      blockSize: 4,
      maxNumBatchedTokens: 4,
      maxNumSeqs: 4,
    });
    engine.addRequest("a", PROMPT, n3);
    expect(engine.abort("a").map((o) => [o.index, o.finishReason, o.finished])).toEqual([
      [0, "abort", false],
      [1, "abort", false],
      [2, "abort", true],
    ]);
    engine.addRequest("b", PROMPT, n3);
    await engine.step(); // 4 of 13 pre-fork prompt tokens
    expect(scheduler.getRequest("b")?.numComputedTokens).toBe(4);
    expect(scheduler.getRequest("b#1")?.numComputedTokens).toBe(0);
    expect(engine.abort("b")).toHaveLength(3);
    expect(scheduler.hasUnfinished()).toBe(false);
    expect(kvCache.stats().numUsedBlocks).toBe(0);
  });

  it("after the fork, while decoding", async () => {
    const { engine, scheduler, kvCache } = await testEngine({ blockSize: 4 });
    engine.addRequest("a", PROMPT, n3);
    for (let i = 0; i < 4; i++) await engine.step();
    expect(scheduler.getRequest("a#2")?.numOutputTokens).toBeGreaterThan(0);
    expect(kvCache.stats().numUsedBlocks).toBeGreaterThan(0);
    expect(engine.abort("a").map((o) => o.index)).toEqual([0, 1, 2]);
    expect([scheduler.hasUnfinished(), engine.hasUnfinished()]).toEqual([false, false]);
    expect(kvCache.stats().numUsedBlocks).toBe(0);
  });

  it("with samples swapped out", async () => {
    const { engine, scheduler, kvCache } = await testEngine({
      blockSize: 4,
      numBlocks: 12,
      numHostBlocks: 24,
      preemptionMode: "swap",
    });
    engine.addRequest("a", PROMPT, { ...n3, max_tokens: 20 });
    let swapped = false;
    for (let i = 0; i < 30 && !swapped; i++) {
      await engine.step();
      swapped = ["a", "a#1", "a#2"].some((id) => scheduler.getRequest(id)?.status === "SWAPPED");
    }
    expect(swapped).toBe(true);
    expect(kvCache.stats().numUsedHostBlocks).toBeGreaterThan(0);
    expect(engine.abort("a").length).toBeGreaterThan(0);
    const stats = kvCache.stats();
    expect([stats.numUsedBlocks, stats.numUsedHostBlocks]).toEqual([0, 0]);
  });
});
