import { describe, expect, it } from "vitest";
import type { PreemptionMode } from "./preemption.js";
import { Harness, prompt } from "./testing/harness.js";

// 11 usable blocks of 4 tokens: two requests of 40 tokens cannot both grow to the end.
function storm(mode: PreemptionMode, numHostBlocks: number, policy = "fcfs") {
  const h = new Harness({
    numBlocks: 12,
    blockSize: 4,
    numHostBlocks,
    maxNumBatchedTokens: 64,
    maxNumSeqs: 8,
    preemptionMode: mode,
    policy,
  });
  const lengths = [10, 14, 17, 20, 12, 9, 18, 15];
  lengths.forEach((n, i) => {
    h.add(`r${i}`, prompt(n, i), 20);
  });
  h.run(2_000);
  for (const [i, n] of lengths.entries()) {
    expect(h.results.get(`r${i}`)?.tokens, `r${i}`).toEqual(h.expectedTokens(`r${i}`, n, 20));
  }
  const stats = h.scheduler.stats();
  expect(stats.kv.numUsedBlocks).toBe(0);
  expect(stats.kv.numUsedHostBlocks).toBe(0);
  return { h, stats };
}

describe("preemption storms on a tiny block pool", () => {
  it("recompute: victims give their blocks back, keep their outputs and finish with the same tokens", () => {
    const { h, stats } = storm("recompute", 0);
    expect(stats.numRecomputePreemptions).toBeGreaterThan(5);
    expect(stats.numSwapPreemptions).toBe(0);
    // A resumed request is sent in full: prompt plus the outputs it kept.
    const resumed = h.outputs
      .flatMap((o) => o.scheduledNewReqs)
      .filter((r) => r.tokenIds.length > r.numPromptTokens);
    expect(resumed.length).toBeGreaterThan(0);
  });

  it("swap: victims go to the host pool and come back with their K/V (the fake executor checks them)", () => {
    const { h, stats } = storm("swap", 64);
    expect(stats.numSwapPreemptions).toBeGreaterThan(5);
    expect(stats.numRecomputePreemptions).toBe(0);
    const out = h.outputs.flatMap((o) => o.swapOut).length;
    const back = h.outputs.flatMap((o) => o.swapIn).length;
    expect(out).toBeGreaterThan(0);
    expect(back).toBeGreaterThan(0);
    // A swapped-in request returns in full with its computed tokens intact: nothing is recomputed.
    const preempted = new Set<string>();
    let resumed = 0;
    for (const o of h.outputs) {
      for (const r of o.scheduledNewReqs) {
        if (!preempted.has(r.requestId)) continue;
        expect(r.numComputedTokens).toBeGreaterThan(0);
        resumed++;
      }
      for (const id of o.preemptedReqIds) preempted.add(id);
    }
    expect(resumed).toBe(stats.numSwapPreemptions);
  });

  it("swap falls back to recompute when the host pool is full", () => {
    const { stats } = storm("swap", 6);
    expect(stats.numSwapPreemptions).toBeGreaterThan(0);
    expect(stats.numRecomputePreemptions).toBeGreaterThan(0);
  });

  it.each(["static", "priority", "fair", "sjf", "slo"])("%s survives the storm too", (policy) => {
    const { stats } = storm("recompute", 0, policy);
    expect(stats.numRecomputePreemptions).toBeGreaterThan(0);
  });

  it("preempts the policy's victim (fcfs: the latest arrival) and admits nothing in that step", () => {
    const h = new Harness({ numBlocks: 9, blockSize: 4, maxNumBatchedTokens: 64, maxNumSeqs: 4 });
    h.add("old", prompt(12, 1), 16);
    h.now = 1;
    h.add("new", prompt(12, 2), 16);
    let preempting = h.step();
    while (preempting.out.preemptedReqIds.length === 0) preempting = h.step();
    expect(preempting.out.preemptedReqIds).toEqual(["new"]);
    expect(preempting.out.numScheduledTokens).toEqual({ old: 1 });
    expect(preempting.out.scheduledNewReqs).toEqual([]);
    h.run();
    expect(h.results.get("new")?.tokens).toEqual(h.expectedTokens("new", 12, 16));
  });
});
