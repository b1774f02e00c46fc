import { describe, expect, it } from "vitest";
import { Harness, prompt } from "../testing/harness.js";
import { PriorityPolicy } from "./priority.js";

function harness(numBlocks: number, maxNumSeqs: number, mode: "recompute" | "swap" = "recompute"): Harness {
  return new Harness({
    numBlocks,
    blockSize: 4,
    numHostBlocks: mode === "swap" ? 64 : 0,
    maxNumBatchedTokens: 64,
    maxNumSeqs,
    policy: "priority",
    policyOptions: { agingPerSecond: 0 },
    preemptionMode: mode,
  });
}

describe("priority policy", () => {
  it("a higher-priority arrival preempts the lowest-priority running request when no seat is free", () => {
    const h = harness(256, 2);
    h.add("low-a", prompt(8, 1), 30, { priority: 5 });
    h.add("low-b", prompt(8, 2), 30, { priority: 5 });
    h.step();
    h.step();
    h.add("high", prompt(8, 3), 4, { priority: 0 });
    const { out } = h.step();
    expect(out.preemptedReqIds).toEqual(["low-b"]); // equal priority: the later arrival goes
    expect(out.scheduledNewReqs.map((r) => r.requestId)).toEqual(["high"]);
    expect(Object.keys(out.numScheduledTokens).sort()).toEqual(["high", "low-a"]);
    h.run();
    expect(h.results.get("low-b")?.tokens).toEqual(h.expectedTokens("low-b", 8, 30));
  });

  it("a higher-priority arrival preempts when blocks run out (swap mode swaps the victim out)", () => {
    const h = harness(12, 8, "swap"); // 11 blocks: two 8-token prompts growing to 30 tokens do not fit
    h.add("low", prompt(8, 1), 30, { priority: 3 });
    for (let i = 0; i < 14; i++) h.step();
    h.add("high", prompt(24, 2), 4, { priority: 1 });
    const { out } = h.step();
    expect(out.preemptedReqIds).toEqual(["low"]);
    expect(out.swapOut.length).toBeGreaterThan(0);
    expect(out.scheduledNewReqs.map((r) => r.requestId)).toEqual(["high"]);
    h.run();
    expect(h.results.get("low")?.tokens).toEqual(h.expectedTokens("low", 8, 30));
  });

  it("an arrival of equal or lower priority never preempts", () => {
    const h = harness(256, 1);
    h.add("running", prompt(8, 1), 10, { priority: 2 });
    h.step();
    h.add("same", prompt(8, 2), 4, { priority: 2 });
    h.add("lower", prompt(8, 3), 4, { priority: 7 });
    for (let i = 0; i < 9; i++) expect(h.step().out.preemptedReqIds).toEqual([]);
    h.run();
  });

  it("a preempted request keeps its place by (priority, arrival): back before later arrivals of its priority", () => {
    const h = harness(256, 2);
    h.add("low-a", prompt(8, 1), 30, { priority: 5 });
    h.add("low-b", prompt(8, 2), 30, { priority: 5 });
    h.step();
    h.now = 100;
    h.add("high", prompt(8, 3), 3, { priority: 0 });
    h.add("low-late", prompt(8, 4), 3, { priority: 5 });
    h.step(); // high preempts low-b
    h.run();
    const admitted = (id: string) =>
      h.outputs.findLastIndex((o) => o.scheduledNewReqs.some((r) => r.requestId === id));
    expect(admitted("low-b")).toBeLessThan(admitted("low-late"));
  });

  it("aging bounds the wait: p is overtaken only by q-arrivals within (p - q) / agingPerSecond", () => {
    const policy = new PriorityPolicy({ agingPerSecond: 1 });
    const view = (priority: number, arrivalTime: number, seq: number) =>
      ({ priority, arrivalTime, seq }) as Parameters<PriorityPolicy["compareWaiting"]>[0];
    const low = view(3, 0, 0);
    expect(policy.compareWaiting(view(0, 2_900, 1), low)).toBeLessThan(0);
    expect(policy.compareWaiting(view(0, 3_100, 2), low)).toBeGreaterThan(0);
    expect(policy.mayPreemptFor(view(0, 2_900, 1), low)).toBe(true);
    expect(policy.mayPreemptFor(view(0, 3_100, 2), low)).toBe(false);
  });
});
