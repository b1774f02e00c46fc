import { seededRandom } from "@pagoda/kv-paging";
import { describe, expect, it } from "vitest";
import { greedyParams } from "../contract/index.js";
import type { PreemptionMode } from "../preemption.js";
import { registerVipFirst } from "../testing/example-policy.js";
import { Harness, prompt } from "../testing/harness.js";
import { policyNames } from "./registry.js";

// One conformance suite for every registered policy: the six built-ins and the README's
// user-defined one. A random workload with shared prefixes, parallel samples, random stops,
// arrivals during the run and aborts in every state, on a block pool small enough to force
// preemption storms.
registerVipFirst();

const TENANTS = ["a", "b", "c"];

function workload(name: string, mode: PreemptionMode, seed: number) {
  const rand = seededRandom(seed);
  const h = new Harness({
    numBlocks: 36,
    blockSize: 4,
    numHostBlocks: mode === "swap" ? 48 : 0,
    maxNumBatchedTokens: 24,
    maxNumSeqs: 6,
    policy: name,
    policyOptions: name === "vip-first" ? { vips: ["a"], boostMs: 30 } : {},
    preemptionMode: mode,
    stopPermille: 40,
  });
  const shared = prompt(12, seed);
  const specs = Array.from({ length: 40 }, (_, i) => {
    const len = 1 + Math.floor(rand() * 60);
    const p =
      rand() < 0.4 ? [...shared, ...prompt(len, seed * 100 + i)].slice(0, Math.max(len, 13)) : prompt(len, i);
    const id = `r${i}`;
    const maxTokens = 1 + Math.floor(rand() * 40);
    const samples = rand() < 0.25 ? [`${id}.1`, `${id}.2`].slice(0, 1 + Math.floor(rand() * 2)) : [];
    return {
      id,
      samples,
      // Aborts hit a sample instead of the request now and then.
      abortId: samples.length > 0 && rand() < 0.5 ? (samples[0] as string) : id,
      prompt: p,
      maxTokens,
      arrival: rand() < 0.5 ? 0 : Math.floor(rand() * 60),
      abortAt: rand() < 0.15 ? Math.floor(rand() * 80) : -1,
      extra: {
        priority: Math.floor(rand() * 4),
        tenant: TENANTS[Math.floor(rand() * TENANTS.length)] as string,
        ttftTargetMs: rand() < 0.5 ? 50 + rand() * 500 : null,
        tpotTargetMs: rand() < 0.5 ? 20 + rand() * 40 : null,
      },
    };
  });
  const steps = h.run(5_000, (step) => {
    for (const s of specs) {
      const forks = s.samples.map((requestId) => ({ requestId, params: greedyParams(s.maxTokens) }));
      if (s.arrival === step) h.add(s.id, s.prompt, s.maxTokens, { ...s.extra, forks });
      if (s.abortAt === step) h.abort(s.abortId);
    }
  });
  return { h, specs, steps };
}

describe.each(policyNames())("policy %s passes the conformance suite", (name) => {
  it.each<[PreemptionMode, number]>([
    ["recompute", 1],
    ["recompute", 2],
    ["swap", 3],
    ["swap", 4],
  ])("serves a random workload to completion (%s, seed %i)", (mode, seed) => {
    const { h, specs } = workload(name, mode, seed);
    // No request lost or duplicated: each one finished exactly once, with the model's tokens.
    for (const s of specs) {
      for (const id of [s.id, ...s.samples]) {
        const r = h.results.get(id);
        expect(r?.finishReason, id).not.toBeNull();
        if (r?.finishReason === "abort") {
          expect(s.abortAt).toBeGreaterThanOrEqual(0);
          continue;
        }
        expect(r?.tokens, id).toEqual(h.expectedTokens(id, s.prompt.length, s.maxTokens));
        expect(r?.finishReason).toBe(r?.tokens.at(-1) === 0 ? "stop" : "length");
      }
    }
    // Every block freed, every queue empty.
    const stats = h.scheduler.stats();
    const numRequests = specs.reduce((n, s) => n + 1 + s.samples.length, 0);
    expect(numRequests).toBeGreaterThan(specs.length);
    expect(stats).toMatchObject({ numWaiting: 0, numRunning: 0, numSwapped: 0, numFinished: numRequests });
    expect(stats.kv.numUsedBlocks).toBe(0);
    expect(stats.kv.numUsedHostBlocks).toBe(0);
    expect(stats.kv.numFreeBlocks).toBe(stats.kv.numTotalBlocks);
    // The pool is tight: the storm really happened (static batches close after a step or two
    // and rarely fill the pool; preemption.test.ts storms them on purpose).
    if (name !== "static") {
      expect(stats.numRecomputePreemptions + stats.numSwapPreemptions).toBeGreaterThan(0);
      if (mode === "swap") expect(stats.numSwapPreemptions).toBeGreaterThan(0);
    }
    // The executor is told about every finished request and holds nothing afterwards.
    h.step();
    expect(h.executor.states.size).toBe(0);
  });

  it("never schedules more than the budgets allow, and always progresses", () => {
    const { h } = workload(name, "recompute", 5);
    for (const out of h.outputs) {
      expect(out.totalNumScheduledTokens).toBeLessThanOrEqual(24);
      expect(out.scheduledNewReqs.length + out.scheduledCachedReqs.length).toBeLessThanOrEqual(6);
    }
    expect(h.outputs.every((o) => o.totalNumScheduledTokens > 0)).toBe(true);
  });
});

describe("the conformance suite", () => {
  it("covers every built-in and the user-defined policy", () => {
    expect(policyNames()).toEqual(["fcfs", "priority", "slo", "sjf", "fair", "static", "vip-first"]);
  });
});
