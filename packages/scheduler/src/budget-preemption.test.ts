import { describe, expect, it } from "vitest";
import type { PolicyOptions } from "./policies/options.js";
import { byArrival, lastInOrder, type SchedulingPolicy } from "./policies/policy.js";
import type { NewRequest, RequestView } from "./request.js";
import { Harness, prompt } from "./testing/harness.js";

function harness(policy: string, policyOptions: PolicyOptions = {}, numBlocks = 512): Harness {
  return new Harness({
    numBlocks,
    blockSize: 16,
    maxNumBatchedTokens: 64,
    maxNumSeqs: 8,
    policy,
    policyOptions,
  });
}

/** The step that first scheduled `id`, or -1. */
function firstScheduled(h: Harness, id: string): number {
  return h.outputs.findIndex((o) => o.scheduledNewReqs.some((r) => r.requestId === id));
}

/** The repro: a 1,000-token prefill running, an 8-token urgent request arriving at step 1. */
function repro(policy: string, options: PolicyOptions, low: Partial<NewRequest>, high: Partial<NewRequest>) {
  const h = harness(policy, options);
  h.add("low", prompt(1000, 1), 4, low);
  h.step();
  h.add("high", prompt(8, 2), 4, high);
  const lowBefore = h.scheduler.getRequest("low")?.numComputedTokens;
  const { out } = h.step();
  return { h, out, lowBefore };
}

describe("budget preemption", () => {
  it("priority (aging 0, budget 64): the urgent arrival at step 1 is scheduled at once, not at step 15", () => {
    const { h, out, lowBefore } = repro("priority", { agingPerSecond: 0 }, { priority: 5 }, { priority: 0 });
    expect(firstScheduled(h, "high")).toBe(1);
    // It took its 8 tokens first; the prefill got the rest, keeping its computed tokens and blocks.
    expect(out.numScheduledTokens).toEqual({ high: 8, low: 56 });
    expect(out.preemptedReqIds).toEqual([]);
    expect(lowBefore).toBe(64);
    expect(h.scheduler.stats()).toMatchObject({ numBudgetPreemptions: 1, numRecomputePreemptions: 0 });
    h.run();
    for (const [id, n] of [
      ["low", 1000],
      ["high", 8],
    ] as const) {
      expect(h.results.get(id)?.tokens).toEqual(h.expectedTokens(id, n, 4));
    }
    expect(h.results.get("high")?.finishReason).not.toBeNull();
  });

  it("slo: a 10 ms TTFT target goes ahead of a 100 s one's running prefill", () => {
    const { h, out } = repro("slo", {}, { ttftTargetMs: 100_000 }, { ttftTargetMs: 10 });
    expect(firstScheduled(h, "high")).toBe(1);
    expect(out.numScheduledTokens).toEqual({ high: 8, low: 56 });
    h.run();
    expect(h.results.get("low")?.tokens).toEqual(h.expectedTokens("low", 1000, 4));
  });

  it("a long urgent prompt pauses the prefill for whole steps; the prefill resumes where it stopped", () => {
    const h = harness("priority", { agingPerSecond: 0 });
    h.add("low", prompt(300, 1), 2, { priority: 5 });
    h.step();
    h.add("high", prompt(200, 2), 2, { priority: 0 });
    const paused = [1, 2, 3].map(() => h.step().out);
    expect(paused.map((o) => o.numScheduledTokens)).toEqual([{ high: 64 }, { high: 64 }, { high: 64 }]);
    expect(h.scheduler.getRequest("low")?.numComputedTokens).toBe(64);
    expect(h.scheduler.inspect().running).toContain("low"); // paused, not preempted
    const { out } = h.step(); // high's last 8 tokens, low goes on from token 64
    expect(out.numScheduledTokens).toEqual({ high: 8, low: 56 });
    expect(out.scheduledNewReqs.map((r) => r.requestId)).toEqual([]);
    h.run();
    expect(h.results.get("low")?.tokens).toEqual(h.expectedTokens("low", 300, 2));
    expect(h.scheduler.stats().numRecomputePreemptions).toBe(0);
  });

  it("the urgent request goes between prefills: ahead of less urgent ones only", () => {
    const h = new Harness({
      numBlocks: 512,
      blockSize: 16,
      maxNumBatchedTokens: 64,
      maxNumSeqs: 8,
      longPrefillTokenThreshold: 40,
      policy: "priority",
      policyOptions: { agingPerSecond: 0 },
    });
    h.add("top", prompt(500, 1), 2, { priority: 0 });
    h.add("low", prompt(500, 2), 2, { priority: 9 });
    expect(h.step().out.numScheduledTokens).toEqual({ top: 40, low: 24 });
    h.add("mid", prompt(8, 3), 2, { priority: 4 });
    const { out } = h.step();
    // top is more urgent than mid and keeps its chunk; mid takes its tokens from low's.
    expect(out.numScheduledTokens).toEqual({ top: 40, mid: 8, low: 16 });
    expect(Object.keys(out.numScheduledTokens)).toEqual(["top", "mid", "low"]);
    h.run();
    expect(h.results.get("low")?.tokens).toEqual(h.expectedTokens("low", 500, 2));
  });

  it("equal urgency, fcfs and sjf never take a running prefill's budget", () => {
    for (const [policy, hints] of [
      ["priority", { priority: 3 }],
      ["fcfs", {}],
      ["sjf", {}],
    ] as const) {
      const options = policy === "priority" ? { agingPerSecond: 0 } : {};
      const { h, out } = repro(policy, options, hints, hints);
      expect(out.numScheduledTokens, policy).toEqual({ low: 64 });
      expect(h.scheduler.stats().numBudgetPreemptions).toBe(0);
    }
  });

  it("an urgent request that does not fit in the free blocks waits; the prefill keeps its chunk", () => {
    // A policy that pauses prefills but never preempts for blocks.
    const byPriority = (a: RequestView, b: RequestView) => a.priority - b.priority || byArrival(a, b);
    const policy: SchedulingPolicy = {
      name: "pause-only",
      compareWaiting: byPriority,
      pickVictim: (candidates) => lastInOrder(candidates, byPriority),
      mayPauseFor: (arrival, prefill) => arrival.priority < prefill.priority,
    };
    const h = new Harness({ numBlocks: 7, blockSize: 16, maxNumBatchedTokens: 64, maxNumSeqs: 8, policy });
    h.add("low", prompt(90, 1), 2, { priority: 5 }); // 6 blocks of 16 in all
    h.step(); // 4 blocks held, 2 free
    h.add("high", prompt(40, 2), 2, { priority: 0 }); // needs 3
    expect(h.step().out.numScheduledTokens).toEqual({ low: 26 });
    h.run();
    expect(firstScheduled(h, "high")).toBeGreaterThan(1);
    expect(h.results.get("high")?.tokens).toEqual(h.expectedTokens("high", 40, 2));
    expect(h.scheduler.stats()).toMatchObject({ numBudgetPreemptions: 0, numRecomputePreemptions: 0 });
  });
});
