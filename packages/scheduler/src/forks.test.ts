import { describe, expect, it } from "vitest";
import { greedyParams } from "./contract/index.js";
import { Harness, type HarnessOptions, prompt } from "./testing/harness.js";

function harness(o: Partial<HarnessOptions> = {}): Harness {
  return new Harness({ numBlocks: 40, blockSize: 4, maxNumBatchedTokens: 64, maxNumSeqs: 8, ...o });
}

/** `k` samples of `id`, `id.1` … `id.k`, each with its own `maxTokens`. */
function forks(id: string, k: number, maxTokens = 6) {
  return Array.from({ length: k }, (_, i) => ({
    requestId: `${id}.${i + 1}`,
    params: greedyParams(maxTokens),
  }));
}

function expectServed(h: Harness, id: string, numPrompt: number, maxTokens: number): void {
  expect(h.results.get(id)?.tokens, id).toEqual(h.expectedTokens(id, numPrompt, maxTokens));
}

function expectAllFree(h: Harness): void {
  const kv = h.kv.stats();
  expect([kv.numUsedBlocks, kv.numUsedHostBlocks]).toEqual([0, 0]);
  expect(h.kv.requestIds()).toEqual([]);
}

describe("parallel samples by fork and copy-on-write", () => {
  it("prefills all but the last prompt token once, then every sample computes it and samples alone", () => {
    const h = harness();
    h.add("a", prompt(10, 1), 6, { forks: forks("a", 2) });
    const first = h.step().out;
    expect(first.numScheduledTokens).toEqual({ a: 9 });
    const second = h.step().out;
    expect(second.numScheduledTokens).toEqual({ a: 1, "a.1": 1, "a.2": 1 });
    const parentTable = second.scheduledCachedReqs[0];
    const samples = second.scheduledNewReqs;
    expect(samples.map((r) => [r.requestId, r.numComputedTokens, r.tokenIds.length])).toEqual([
      ["a.1", 9, 10],
      ["a.2", 9, 10],
    ]);
    // Two full prompt blocks stay shared; the partly filled third is copied for all holders but one.
    const [b0, b1] = first.scheduledNewReqs[0]?.blockIds ?? [];
    for (const r of samples) expect(r.blockIds.slice(0, 2)).toEqual([b0, b1]);
    expect(second.blockCopies).toHaveLength(2);
    expect(parentTable?.blockIds?.slice(0, 2)).toEqual([b0, b1]);
    expect(parentTable?.newBlockIds).toEqual([]);
    const lastBlocks = [parentTable?.blockIds?.[2], ...samples.map((r) => r.blockIds[2])];
    expect(new Set(lastBlocks).size).toBe(3);
    h.run();
    for (const id of ["a", "a.1", "a.2"]) expectServed(h, id, 10, 6);
    expect(new Set(["a", "a.1", "a.2"].map((id) => h.results.get(id)?.tokens.join())).size).toBe(3);
    expectAllFree(h);
  });

  it("holds fewer blocks than the same samples as separate requests (prefix caching off)", () => {
    const peak = (withForks: boolean) => {
      const h = harness({ enablePrefixCaching: false, maxNumBatchedTokens: 128 });
      const p = prompt(23, 2);
      if (withForks) h.add("a", p, 4, { forks: forks("a", 3, 4) });
      else for (const id of ["a", "a.1", "a.2", "a.3"]) h.add(id, p, 4);
      let most = 0;
      while (h.scheduler.hasUnfinished()) {
        h.step();
        most = Math.max(most, h.kv.stats().numUsedBlocks);
      }
      for (const id of ["a", "a.1", "a.2", "a.3"]) expectServed(h, id, 23, 4);
      return most;
    };
    // 23 + 4 tokens: 5 full prompt blocks shared, then 2 blocks per sample, against 7 each.
    expect(peak(true)).toBe(5 + 4 * 2);
    expect(peak(false)).toBe(4 * 7);
  });

  it("waits for a chunked prefill to reach the fork point", () => {
    const h = harness({ maxNumBatchedTokens: 4, maxNumSeqs: 4 });
    h.add("a", prompt(11, 3), 3, { forks: forks("a", 1, 3) });
    const chunks = [h.step(), h.step(), h.step()].map((s) => s.out.numScheduledTokens);
    expect(chunks).toEqual([{ a: 4 }, { a: 4 }, { a: 2 }]);
    expect(h.step().out.numScheduledTokens).toEqual({ a: 1, "a.1": 1 });
    h.run();
    expectServed(h, "a", 11, 3);
    expectServed(h, "a.1", 11, 3);
  });

  it("forks at admission when nothing precedes the last prompt token (a 1-token prompt)", () => {
    const h = harness();
    h.add("a", [7], 5, { forks: forks("a", 2, 5) });
    const { out } = h.step();
    expect(out.scheduledNewReqs.map((r) => [r.requestId, r.numComputedTokens])).toEqual([
      ["a", 0],
      ["a.1", 0],
      ["a.2", 0],
    ]);
    expect(out.blockCopies).toEqual([]);
    h.run();
    for (const id of ["a", "a.1", "a.2"]) expectServed(h, id, 1, 5);
    expectAllFree(h);
  });

  it("forks at admission when prefix-cache hits reach the fork point", () => {
    const h = harness();
    const p = prompt(9, 4); // the fork point, 8, is a block boundary
    h.add("warm", p, 1);
    h.run();
    h.add("a", p, 3, { forks: forks("a", 1, 3) });
    const { out } = h.step();
    expect(out.scheduledNewReqs.map((r) => [r.requestId, r.numComputedTokens])).toEqual([
      ["a", 8],
      ["a.1", 8],
    ]);
    expect(out.scheduledNewReqs[1]?.blockIds.slice(0, 2)).toEqual(
      out.scheduledNewReqs[0]?.blockIds.slice(0, 2),
    );
    h.run();
    expectServed(h, "a", 9, 3);
    expectServed(h, "a.1", 9, 3);
    expectAllFree(h);
  });

  it("holds a seat for every sample from admission on", () => {
    const h = harness({ maxNumSeqs: 3, maxNumBatchedTokens: 8 });
    h.add("a", prompt(20, 5), 2, { forks: forks("a", 2, 2) });
    h.add("b", prompt(3, 6), 2);
    expect(h.step().out.numScheduledTokens).toEqual({ a: 8 }); // b waits: a holds all 3 seats
    h.run();
    expect(h.outputs.every((o) => Object.keys(o.numScheduledTokens).length <= 3)).toBe(true);
    for (const id of ["a", "a.1", "a.2"]) expectServed(h, id, 20, 2);
    expectServed(h, "b", 3, 2);
  });

  it("rejects more samples than seats, and ids in flight or given twice", () => {
    const h = harness({ maxNumSeqs: 2 });
    const codeOf = (f: () => void) => {
      try {
        f();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return "none";
    };
    expect(codeOf(() => h.add("a", [1, 2], 2, { forks: forks("a", 2) }))).toBe("scheduler.invalid_request");
    h.add("b", [1, 2], 2);
    expect(
      codeOf(() => h.add("c", [1, 2], 2, { forks: [{ requestId: "b", params: greedyParams(2) }] })),
    ).toBe("scheduler.duplicate_request");
    expect(
      codeOf(() => h.add("d", [1, 2], 2, { forks: [{ requestId: "d", params: greedyParams(2) }] })),
    ).toBe("scheduler.duplicate_request");
    expect(
      codeOf(() => h.add("e", [1, 2], 2, { forks: [{ requestId: "e.1", params: greedyParams(0) }] })),
    ).toBe("scheduler.invalid_request");
    expect(h.scheduler.getRequest("c") ?? h.scheduler.getRequest("e.1")).toBeUndefined();
  });
});

describe("aborts and preemption around the fork", () => {
  it("aborting the request before its fork cancels its samples and frees everything", () => {
    const h = harness({ maxNumBatchedTokens: 4, maxNumSeqs: 4 });
    h.add("a", prompt(12, 7), 4, { forks: forks("a", 2, 4) });
    h.step();
    expect(h.scheduler.getRequest("a.1")?.status).toBe("WAITING");
    expect(h.abort("a")).toBe(true);
    expect(h.scheduler.hasUnfinished()).toBe(false);
    expect(h.results.get("a.2")?.finishReason).toBe("abort");
    expect(h.scheduler.stats().numAborted).toBe(3);
    expectAllFree(h);
    expect(h.step().out.finishedReqIds).toEqual(["a"]); // the samples never reached the executor
  });

  it("aborting one sample before the fork leaves the others", () => {
    const h = harness({ maxNumBatchedTokens: 4, maxNumSeqs: 4 });
    h.add("a", prompt(12, 8), 4, { forks: forks("a", 2, 4) });
    h.step();
    expect(h.abort("a.1")).toBe(true);
    h.run();
    expect(h.results.get("a.1")?.finishReason).toBe("abort");
    expectServed(h, "a", 12, 4);
    expectServed(h, "a.2", 12, 4);
    expectAllFree(h);
  });

  it.each(["recompute", "swap"] as const)("samples fork after their request was preempted (%s)", (mode) => {
    // 8 usable blocks; a prefills 2 tokens a step while b grows: b's growth preempts a (the
    // latest arrival) before its fork, and a's sample later b's.
    const h = harness({
      numBlocks: 9,
      numHostBlocks: mode === "swap" ? 16 : 0,
      preemptionMode: mode,
      maxNumBatchedTokens: 8,
      longPrefillTokenThreshold: 2,
    });
    h.add("b", prompt(8, 9), 24);
    h.add("a", prompt(20, 10), 3, { forks: forks("a", 1, 3) });
    let preemptedBeforeFork = false;
    let forked = false;
    while (h.scheduler.hasUnfinished()) {
      const { out } = h.step();
      forked ||= out.scheduledNewReqs.some((r) => r.requestId === "a.1");
      if (out.preemptedReqIds.includes("a") && !forked) preemptedBeforeFork = true;
    }
    expect(preemptedBeforeFork).toBe(true);
    if (mode === "swap") expect(h.scheduler.stats().numSwapPreemptions).toBeGreaterThan(0);
    expectServed(h, "b", 8, 24);
    expectServed(h, "a", 20, 3);
    expectServed(h, "a.1", 20, 3);
    expectAllFree(h);
  });

  it("a sample swapped out after its fork comes back in private blocks", () => {
    const h = harness({ numBlocks: 9, numHostBlocks: 16, preemptionMode: "swap", maxNumBatchedTokens: 32 });
    h.add("a", prompt(14, 11), 14, { forks: forks("a", 2, 14) });
    h.run();
    expect(h.scheduler.stats().numSwapPreemptions).toBeGreaterThan(0);
    for (const id of ["a", "a.1", "a.2"]) expectServed(h, id, 14, 14);
    expectAllFree(h);
  });
});
