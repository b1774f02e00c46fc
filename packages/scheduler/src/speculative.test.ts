import { codeOf } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { type ExecutorOutput, greedyParams as greedy, type SchedulerOutput } from "./contract/index.js";
import { byArrival, type SchedulingPolicy } from "./policies/policy.js";
import type { RequestView } from "./request.js";
import { Harness, type HarnessOptions, prompt } from "./testing/harness.js";

function harness(overrides: Partial<HarnessOptions> = {}): Harness {
  return new Harness({ numBlocks: 32, blockSize: 4, maxNumBatchedTokens: 32, maxNumSeqs: 4, ...overrides });
}

/** True while `id` is in flight with one token to compute: its next step is a decode. */
function isDecoding(h: Harness, id: string): boolean {
  const r = h.scheduler.getRequest(id);
  return r !== undefined && r.tokenIds.length - r.numComputedTokens === 1;
}

/** Runs `id`'s prefill: afterwards it decodes, with `tokenIds.length` known tokens. */
function decoding(h: Harness, id: string, numPrompt = 6, maxTokens = 20): void {
  h.add(id, prompt(numPrompt, id.charCodeAt(0)), maxTokens);
  while (!isDecoding(h, id)) h.step();
}

const truth = (h: Harness, id: string, k: number) => {
  const r = h.scheduler.getRequest(id);
  if (r === undefined) throw new Error(`no request ${id}`);
  return h.executor.continuation(id, r.tokenIds, k);
};

describe("proposeSpecTokens", () => {
  it("keeps drafts only for a running, decoding request; false for the others", () => {
    const h = harness({ maxNumBatchedTokens: 8 });
    expect(h.scheduler.proposeSpecTokens("nobody", [1])).toBe(false);
    h.add("w", prompt(20, 1), 4);
    expect(h.scheduler.proposeSpecTokens("w", [1])).toBe(false); // waiting
    h.step();
    expect(h.scheduler.getRequest("w")?.status).toBe("RUNNING");
    expect(h.scheduler.proposeSpecTokens("w", [1])).toBe(false); // still prefilling
    while (!isDecoding(h, "w")) h.step();
    expect(h.scheduler.proposeSpecTokens("w", [1, 2])).toBe(true);
    h.abort("w");
    expect(h.scheduler.proposeSpecTokens("w", [1])).toBe(false); // finished
  });

  it("keeps none for samples: not before their fork, nor at the fork point", () => {
    const h = harness({ blockSize: 4 });
    h.add("a", prompt(6, 1), 5, { forks: [{ requestId: "a#1", params: greedy(5) }] });
    expect(h.scheduler.proposeSpecTokens("a#1", [1])).toBe(false); // not forked yet
    h.step(); // the prompt but its last token: the fork point
    expect(h.scheduler.getRequest("a")?.numComputedTokens).toBe(5);
    expect(isDecoding(h, "a")).toBe(true);
    expect(h.scheduler.proposeSpecTokens("a", [1, 2])).toBe(false);
    expect(h.scheduler.proposeSpecTokens("a#1", [1, 2])).toBe(false);
    const { out } = h.step(); // both compute the last prompt token
    expect(out.numScheduledTokens).toEqual({ a: 1, "a#1": 1 });
    expect(out.scheduledSpecTokens).toBeUndefined();
    for (const id of ["a", "a#1"]) expect(h.scheduler.proposeSpecTokens(id, truth(h, id, 2))).toBe(true);
    expect(h.step().out.scheduledSpecTokens).toEqual({ a: expect.any(Array), "a#1": expect.any(Array) });
    h.run();
    for (const id of ["a", "a#1"]) expect(h.results.get(id)?.tokens).toEqual(h.expectedTokens(id, 6, 5));
    expect(h.kv.stats().numUsedBlocks).toBe(0);
  });

  it("rejects what is not a token id with a typed error", () => {
    const h = harness();
    decoding(h, "a");
    for (const bad of [[-1], [1.5], [Number.NaN], ["7"], [2 ** 31]] as unknown as number[][]) {
      expect(codeOf(() => h.scheduler.proposeSpecTokens("a", bad))).toBe("scheduler.invalid_draft_tokens");
    }
    expect(codeOf(() => h.scheduler.proposeSpecTokens("a", "12" as unknown as number[]))).toBe(
      "scheduler.invalid_draft_tokens",
    );
  });
});

describe("planning drafts", () => {
  it("schedules 1 + k tokens with the drafts and reserves their slots, for the next step only", () => {
    const h = harness();
    decoding(h, "a");
    h.scheduler.proposeSpecTokens("a", [1001, 1002, 1003]); // 6 computed + 4: a third block
    const { out } = h.step();
    expect(out.numScheduledTokens.a).toBe(4);
    expect(out.totalNumScheduledTokens).toBe(4);
    expect(out.scheduledSpecTokens).toEqual({ a: [1001, 1002, 1003] });
    expect(out.scheduledCachedReqs[0]?.newBlockIds.length).toBe(1);
    const next = h.step().out;
    expect(next.numScheduledTokens.a).toBe(1);
    expect(next.scheduledSpecTokens).toBeUndefined();
  });

  it("trims drafts to the budget left, every decode keeping its own token", () => {
    const h = harness({ maxNumBatchedTokens: 6 });
    for (const id of ["a", "b", "c"]) decoding(h, id, 3);
    for (const id of ["a", "b", "c"]) h.scheduler.proposeSpecTokens(id, [1, 2, 3, 4, 5]);
    const { out } = h.step();
    expect(out.numScheduledTokens).toEqual({ a: 4, b: 1, c: 1 });
    expect(out.scheduledSpecTokens).toEqual({ a: [1, 2, 3] });
  });

  it("trims drafts to maxTokens - numOutputTokens - 1 and to maxModelLen", () => {
    const h = harness({ maxModelLen: 12 });
    decoding(h, "a", 6, 4); // 1 output token: at most 2 drafts
    h.scheduler.proposeSpecTokens("a", [1, 2, 3, 4]);
    expect(h.step().out.scheduledSpecTokens).toEqual({ a: [1, 2] });
    decoding(h, "b", 8, 20); // 9 tokens known: 9 + k + 1 <= 12
    h.scheduler.proposeSpecTokens("b", [1, 2, 3, 4]);
    expect(h.step().out.scheduledSpecTokens).toEqual({ b: [1, 2] });
  });

  it("drops drafts that need blocks no one can spare, rather than preempting anyone", () => {
    // 3 usable blocks: "a" holds 2 (5 computed: 2 slots spare after its decode), "b" holds 1 (full after its decode).
    const h = harness({ numBlocks: 4, maxNumBatchedTokens: 16 });
    decoding(h, "a", 4, 6);
    decoding(h, "b", 3, 6);
    expect(h.kv.stats().numFreeBlocks).toBe(0);
    h.scheduler.proposeSpecTokens("a", [1, 2, 3, 4, 5, 6]);
    h.scheduler.proposeSpecTokens("b", [1, 2, 3, 4, 5, 6]);
    const { out } = h.step();
    // "a" keeps the drafts that fit in the slots it holds; "b" has none left: a plain decode.
    expect(out.scheduledSpecTokens).toEqual({ a: [1, 2] });
    expect(out.numScheduledTokens).toEqual({ a: 3, b: 1 });
    expect(out.preemptedReqIds).toEqual([]);
    expect(h.scheduler.stats().numRecomputePreemptions).toBe(0);
  });

  it("keeps back the blocks a running prefill chunk needs", () => {
    const h = harness({ numBlocks: 6, maxNumBatchedTokens: 12, longPrefillTokenThreshold: 8 });
    decoding(h, "a", 2, 6); // 3 tokens: 1 block
    h.add("p", prompt(16, 2), 2);
    h.step(); // p's first chunk: 2 blocks; 2 left, p's next chunk needs them; "a"'s block is full after its decode
    h.scheduler.proposeSpecTokens("a", [1, 2, 3, 4, 5, 6, 7]);
    const { out } = h.step();
    expect(out.numScheduledTokens).toEqual({ a: 1, p: 8 });
    expect(out.scheduledSpecTokens).toBeUndefined();
    expect(out.preemptedReqIds).toEqual([]);
  });

  it("gives no drafts to a request preempted or resumed in the step", () => {
    const h = harness({ numBlocks: 5, numHostBlocks: 8, preemptionMode: "swap", maxNumBatchedTokens: 16 });
    decoding(h, "a", 6, 10);
    decoding(h, "b", 6, 10); // 4 blocks held: the next block boundary preempts someone
    let swapped = false;
    let drafted = 0;
    for (let i = 0; i < 30 && h.scheduler.hasUnfinished(); i++) {
      for (const id of ["a", "b"])
        if (h.scheduler.getRequest(id) !== undefined) h.scheduler.proposeSpecTokens(id, truth(h, id, 1));
      const { out } = h.step();
      if (out.swapOut.length > 0) swapped = true;
      if (out.scheduledSpecTokens !== undefined) drafted++;
      for (const id of out.preemptedReqIds) expect(out.scheduledSpecTokens?.[id]).toBeUndefined();
      for (const r of out.scheduledNewReqs) expect(out.scheduledSpecTokens?.[r.requestId]).toBeUndefined();
    }
    expect(swapped).toBe(true);
    expect(drafted).toBeGreaterThan(0);
    for (const id of ["a", "b"]) expect(h.results.get(id)?.tokens).toEqual(h.expectedTokens(id, 6, 10));
    expect(h.kv.stats().numUsedBlocks).toBe(0);
  });
});

describe("update with drafts", () => {
  it("counts only 1 + accepted drafts as computed and reports the drafts", () => {
    const h = harness();
    decoding(h, "a", 6);
    const before = h.scheduler.getRequest("a")?.numComputedTokens as number;
    const next = truth(h, "a", 3);
    h.scheduler.proposeSpecTokens("a", [next[0] as number, next[1] as number, 1001, 1002]);
    const { outputs } = h.step();
    expect(outputs).toEqual([
      expect.objectContaining({
        requestId: "a",
        newTokenIds: next,
        numDraftTokens: 4,
        numAcceptedDraftTokens: 2,
      }),
    ]);
    expect(h.scheduler.getRequest("a")?.numComputedTokens).toBe(before + 3);
    expect(h.scheduler.stats()).toMatchObject({ numDraftTokens: 4, numAcceptedDraftTokens: 2 });
    h.run();
    expect(h.results.get("a")?.tokens).toEqual(h.expectedTokens("a", 6, 20));
  });

  it("frees the blocks of rejected drafts and sends the whole table in the next step", () => {
    const h = harness();
    decoding(h, "a", 6); // 7 known tokens: 2 blocks
    h.scheduler.proposeSpecTokens("a", [1001, 1002, 1003, 1004, 1005, 1006]); // slots to 13: 4 blocks
    const { out } = h.step();
    expect(out.scheduledCachedReqs[0]?.newBlockIds.length).toBe(2);
    expect(h.kv.getBlockIds("a").length).toBe(2); // all rejected: 7 computed, back to 2 blocks
    expect(h.kv.getNumTokens("a")).toBe(7);
    const next = h.step().out.scheduledCachedReqs[0];
    expect(next?.blockIds).toEqual(h.kv.getBlockIds("a"));
    expect(next?.newBlockIds).toEqual([]);
    h.run();
    expect(h.results.get("a")?.tokens).toEqual(h.expectedTokens("a", 6, 20));
    expect(h.kv.stats().numUsedBlocks).toBe(0);
  });

  it("never caches a block of rejected drafts: a later prompt with those tokens gets no wrong hit", () => {
    const h = harness({ model: "history" });
    decoding(h, "a", 7); // 8 known tokens: 2 full blocks
    const known = (h.scheduler.getRequest("a")?.tokenIds ?? []).slice();
    const wrong = [1001, 1002, 1003, 1004];
    h.scheduler.proposeSpecTokens("a", wrong); // fills block 3 with drafts, all rejected
    h.step();
    h.abort("a");
    expect(h.kv.getComputedBlocks([...known, ...wrong, 1]).numComputedTokens).toBe(8); // known tokens only
    h.add("b", [...known, ...wrong, 1], 3);
    h.run(); // the fake executor checks every cached position holds b's own tokens
    expect(h.results.get("b")?.finishReason).not.toBeNull();
  });

  it("caches a block filled by accepted drafts in the step that accepts them", () => {
    const h = harness({ model: "history" });
    decoding(h, "a", 7);
    h.scheduler.proposeSpecTokens("a", truth(h, "a", 4)); // fills block 3, all accepted
    h.step();
    const tokens = (h.scheduler.getRequest("a")?.tokenIds ?? []).slice();
    expect(h.kv.getComputedBlocks([...tokens.slice(0, 12), 1]).numComputedTokens).toBe(12);
  });

  it("stops at an EOS among the accepted drafts and drops the rest", () => {
    const h = harness({ stopPermille: 200, model: "history" });
    let found = false;
    for (let seed = 1; seed < 40 && !found; seed++) {
      const id = `r${seed}`;
      h.add(id, prompt(5, seed), 30);
      while (!isDecoding(h, id) && h.scheduler.getRequest(id) !== undefined) h.step();
      if (h.scheduler.getRequest(id) === undefined) continue;
      const next = truth(h, id, 6);
      const eos = next.indexOf(0);
      if (eos < 0) {
        h.abort(id);
        continue;
      }
      h.scheduler.proposeSpecTokens(id, next);
      const [o] = h.step().outputs;
      expect(o).toMatchObject({ finishReason: "stop", stopTokenId: 0, numDraftTokens: 6 });
      expect(o?.newTokenIds).toEqual(next.slice(0, eos + 1));
      expect(o?.numAcceptedDraftTokens).toBe(6);
      found = true;
    }
    expect(found).toBe(true);
    expect(h.kv.stats().numUsedBlocks).toBe(0);
  });

  it("tells the policy every token computed, drafts included, and the tokens kept", () => {
    const served: Array<[string, number, number]> = [];
    const policy: SchedulingPolicy = {
      name: "recorder",
      compareWaiting: byArrival,
      pickVictim: (c) => c[0] as RequestView,
      onTokensServed: (r, numComputed, numSampled) => served.push([r.requestId, numComputed, numSampled]),
    };
    const h = harness({ policy });
    decoding(h, "a", 6);
    served.length = 0;
    h.scheduler.proposeSpecTokens("a", [truth(h, "a", 1)[0] as number, 1001, 1002]);
    h.step();
    expect(served).toEqual([["a", 4, 2]]);
  });

  it("leaks nothing when a request with drafts is aborted before its update", () => {
    const h = harness();
    decoding(h, "a", 6);
    h.scheduler.proposeSpecTokens("a", [1, 2, 3, 4, 5, 6, 7]);
    const out = h.scheduler.schedule();
    h.scheduler.abort("a");
    const result = h.executor.executeSync(out);
    expect(h.scheduler.update(out, result)).toEqual([]);
    expect(h.kv.stats().numUsedBlocks).toBe(0);
  });

  it("rejects an executor result that does not fit the drafts", () => {
    const bad = (sampled: number[]) => {
      const h = harness();
      decoding(h, "a", 6);
      h.scheduler.proposeSpecTokens("a", [7, 8]);
      const out: SchedulerOutput = h.scheduler.schedule();
      const result: ExecutorOutput = { sampledTokenIds: { a: sampled }, logprobs: {} };
      return codeOf(() => h.scheduler.update(out, result));
    };
    expect(bad([])).toBe("scheduler.bad_executor_output");
    expect(bad([7, 8, 9, 10])).toBe("scheduler.bad_executor_output");
    expect(bad([7, 5, 9])).toBe("scheduler.bad_executor_output"); // 5 was not drafted
    expect(bad([7, 8, 9])).toBe("no error");
    expect(bad([3])).toBe("no error");
  });
});
