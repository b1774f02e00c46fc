import { codeOf } from "@pagoda/errors";
import { KVCacheManager } from "@pagoda/kv-paging";
import { describe, expect, it } from "vitest";
import { greedyParams } from "./contract/index.js";
import { Scheduler } from "./scheduler.js";
import { Harness, prompt } from "./testing/harness.js";

function small(overrides: Partial<ConstructorParameters<typeof Harness>[0]> = {}): Harness {
  return new Harness({ numBlocks: 64, blockSize: 4, maxNumBatchedTokens: 32, maxNumSeqs: 4, ...overrides });
}

function manual(maxTokens = 10) {
  const kv = new KVCacheManager({ numBlocks: 32, blockSize: 4 });
  const s = new Scheduler({ kvCache: kv, maxNumBatchedTokens: 16, maxNumSeqs: 4, eosTokenIds: [2] });
  const add = (id: string, extra: Partial<ReturnType<typeof greedyParams>> = {}) =>
    s.addRequest({
      requestId: id,
      promptTokenIds: [10, 11, 12],
      params: { ...greedyParams(maxTokens), ...extra },
    });
  return { kv, s, add };
}

describe("chunked prefill", () => {
  it("splits a long prompt into budget-sized chunks and samples only at the end", () => {
    const h = small();
    h.add("a", prompt(100, 1), 2);
    const steps = [h.step(), h.step(), h.step(), h.step()];
    expect(steps.map((s) => s.out.numScheduledTokens.a)).toEqual([32, 32, 32, 4]);
    const first = steps[0]?.out.scheduledNewReqs[0];
    expect(first).toMatchObject({ requestId: "a", numComputedTokens: 0, numPromptTokens: 100 });
    expect(first?.blockIds).toHaveLength(8);
    expect(first?.tokenIds).toHaveLength(100);
    const diffs = steps.slice(1).map((s) => s.out.scheduledCachedReqs[0]);
    expect(diffs.map((d) => d?.numComputedTokens)).toEqual([32, 64, 96]);
    expect(diffs.map((d) => d?.newBlockIds.length)).toEqual([8, 8, 1]);
    expect(steps.map((s) => s.outputs.length)).toEqual([0, 0, 0, 1]);
    // Then decode: one token a step, a new block only when one fills.
    const next = h.step();
    expect(next.out.numScheduledTokens.a).toBe(1);
    expect(next.outputs[0]?.finishReason).toBe("length");
  });

  it("serves running decodes before a prefill chunk, which gets the rest of the budget", () => {
    const h = small({ longPrefillTokenThreshold: 0 });
    h.add("a", prompt(5, 1), 20);
    h.step();
    h.add("b", prompt(90, 2), 2);
    const { out } = h.step();
    expect(out.numScheduledTokens).toEqual({ a: 1, b: 31 });
    expect(out.totalNumScheduledTokens).toBe(32);
  });

  it("caps one request's chunk at longPrefillTokenThreshold", () => {
    const h = small({ longPrefillTokenThreshold: 8 });
    h.add("a", prompt(20, 1), 1);
    h.add("b", prompt(20, 2), 1);
    const { out } = h.step();
    expect(out.numScheduledTokens).toEqual({ a: 8, b: 8 });
  });
});

describe("prefix caching", () => {
  it("skips the cached blocks of a shared prefix, and the executor finds the right K/V there", () => {
    const h = small();
    const base = prompt(40, 3);
    h.add("a", base, 3);
    h.run();
    h.add("b", [...base.slice(0, 32), ...prompt(8, 4)], 3);
    const { out } = h.step();
    expect(out.scheduledNewReqs[0]).toMatchObject({ requestId: "b", numComputedTokens: 32 });
    expect(out.numScheduledTokens.b).toBe(8);
    h.add("c", base, 3); // the whole prompt is cached: one block is still computed, for the logits
    const second = h.step();
    expect(second.out.scheduledNewReqs[0]).toMatchObject({ requestId: "c", numComputedTokens: 36 });
    h.run();
    expect(h.results.get("c")?.tokens).toEqual(h.expectedTokens("c", 40, 3));
    expect(h.scheduler.getRequest("c")).toBeUndefined();
    expect(h.kv.stats().prefixCacheHits).toBe(32 + 36);
  });
});

describe("slot reservation", () => {
  it("caches a block filled by decode tokens in the step that fills it", () => {
    const h = small();
    h.add("a", prompt(6, 5), 11); // 6 + 11 tokens: positions 0-15 computed, block 3 filled by a decode
    h.run();
    const all = [...prompt(6, 5), ...(h.results.get("a")?.tokens ?? [])];
    h.add("b", all, 1);
    expect(h.step().out.scheduledNewReqs[0]).toMatchObject({ requestId: "b", numComputedTokens: 16 });
  });

  it("asks the KV cache manager about twice per block, not once per decode token", () => {
    const h = small();
    h.add("a", prompt(4, 1), 32);
    let calls = 0;
    const allocate = h.kv.allocateSlots.bind(h.kv);
    h.kv.allocateSlots = (...args) => {
      calls++;
      return allocate(...args);
    };
    h.run();
    expect(h.results.get("a")?.tokens).toHaveLength(32);
    expect(calls).toBe(1 + 2 * 8 - 1); // admission, then a fill and a new block per 4-token block
  });
});

describe("stop conditions", () => {
  it("keeps a stopping EOS token as the last output token and names it", () => {
    const { s, add } = manual();
    add("a");
    let out = s.schedule();
    expect(s.update(out, { sampledTokenIds: { a: [5] }, logprobs: {} })).toEqual([
      {
        requestId: "a",
        newTokenIds: [5],
        logprobs: null,
        finishReason: null,
        stopTokenId: null,
        numDraftTokens: 0,
        numAcceptedDraftTokens: 0,
      },
    ]);
    out = s.schedule();
    const [r] = s.update(out, { sampledTokenIds: { a: [2] }, logprobs: {} });
    expect(r).toMatchObject({ newTokenIds: [2], finishReason: "stop", stopTokenId: 2 });
    expect(s.hasUnfinished()).toBe(false);
    expect(s.schedule().finishedReqIds).toEqual(["a"]);
  });

  it("ignores EOS with ignoreEos, stops on stopTokenIds, and ends at maxTokens with 'length'", () => {
    const { s, add } = manual(3);
    add("eos", { ignoreEos: true });
    add("stop", { stopTokenIds: [7] });
    let out = s.schedule();
    s.update(out, { sampledTokenIds: { eos: [2], stop: [7] }, logprobs: {} });
    expect(s.getRequest("eos")?.outputTokenIds).toEqual([2]);
    expect(s.getRequest("stop")).toBeUndefined();
    out = s.schedule();
    expect(s.update(out, { sampledTokenIds: { eos: [2] }, logprobs: {} })[0]?.finishReason).toBeNull();
    out = s.schedule();
    const [r] = s.update(out, { sampledTokenIds: { eos: [4] }, logprobs: {} });
    expect(r).toMatchObject({ finishReason: "length", stopTokenId: null });
  });

  it("drops tokens sampled after a stop (speculative decoding) and trims their logprobs", () => {
    const { s, add } = manual();
    add("a");
    const out = s.schedule();
    const lp = (t: number) => ({ tokenId: t, logprob: -1, top: [] });
    const [r] = s.update(out, { sampledTokenIds: { a: [5, 2, 9] }, logprobs: { a: [lp(5), lp(2), lp(9)] } });
    expect(r).toMatchObject({ newTokenIds: [5, 2], finishReason: "stop", stopTokenId: 2 });
    expect(r?.logprobs?.map((l) => l.tokenId)).toEqual([5, 2]);
  });

  it("finishRequest ends a request for the engine (a stop string) and frees its blocks", () => {
    const { s, kv, add } = manual();
    add("a");
    s.update(s.schedule(), { sampledTokenIds: { a: [5] }, logprobs: {} });
    expect(kv.stats().numUsedBlocks).toBe(1);
    expect(s.finishRequest("a", "stop")).toBe(true);
    expect(kv.stats().numUsedBlocks).toBe(0);
    expect(s.finishRequest("a", "stop")).toBe(false);
    expect(s.schedule().finishedReqIds).toEqual(["a"]);
  });
});

describe("contract checks", () => {
  it("rejects bad requests with codes", () => {
    const { s, add } = manual();
    add("a");
    expect(codeOf(() => add("a"))).toBe("scheduler.duplicate_request");
    expect(codeOf(() => s.addRequest({ requestId: "e", promptTokenIds: [], params: greedyParams(1) }))).toBe(
      "scheduler.invalid_request",
    );
    expect(codeOf(() => add("z", { maxTokens: 0 }))).toBe("scheduler.invalid_request");
    // 31 usable blocks of 4 tokens hold 124 tokens.
    expect(codeOf(() => add("long", { maxTokens: 122 }))).toBe("scheduler.request_too_long");
    expect(codeOf(() => add("fits", { maxTokens: 121 }))).toBe("no error");
  });

  it("rejects bad options", () => {
    const kvCache = new KVCacheManager({ numBlocks: 8, blockSize: 4 });
    const make = (o: object) => () => new Scheduler({ kvCache, maxNumBatchedTokens: 8, maxNumSeqs: 4, ...o });
    expect(codeOf(make({ maxNumBatchedTokens: 2 }))).toBe("scheduler.invalid_option");
    expect(codeOf(make({ maxNumSeqs: 0 }))).toBe("scheduler.invalid_option");
    expect(codeOf(make({ preemptionMode: "drop" }))).toBe("scheduler.invalid_option");
    expect(codeOf(make({ policy: "nope" }))).toBe("scheduler.unknown_policy");
    expect(codeOf(make({ policy: "sjf", policyOptions: { agingTokensPerSecond: -1 } }))).toBe(
      "scheduler.invalid_option",
    );
    expect(codeOf(make({ policy: "fcfs", policyOptions: { typo: 1 } }))).toBe("scheduler.invalid_option");
  });

  it("requires update after each schedule, with that step's output", () => {
    const { s, add } = manual();
    add("a");
    const out = s.schedule();
    expect(codeOf(() => s.schedule())).toBe("scheduler.stale_output");
    expect(codeOf(() => s.update({ ...out, step: 9 }, { sampledTokenIds: {}, logprobs: {} }))).toBe(
      "scheduler.stale_output",
    );
    expect(codeOf(() => s.update(out, { sampledTokenIds: {}, logprobs: {} }))).toBe(
      "scheduler.bad_executor_output",
    );
  });

  it("rejects a token sampled for a prefill chunk that stops short of the end", () => {
    const kv = new KVCacheManager({ numBlocks: 32, blockSize: 4 });
    const s = new Scheduler({ kvCache: kv, maxNumBatchedTokens: 4, maxNumSeqs: 4 });
    s.addRequest({ requestId: "a", promptTokenIds: prompt(10, 1), params: greedyParams(2) });
    const out = s.schedule();
    expect(codeOf(() => s.update(out, { sampledTokenIds: { a: [3] }, logprobs: {} }))).toBe(
      "scheduler.bad_executor_output",
    );
  });
});
