import { describe, expect, it } from "vitest";
import { Harness, prompt } from "./testing/harness.js";

function harness(numHostBlocks = 0): Harness {
  return new Harness({
    numBlocks: 12,
    blockSize: 4,
    numHostBlocks,
    maxNumBatchedTokens: 16,
    maxNumSeqs: 4,
    preemptionMode: numHostBlocks > 0 ? "swap" : "recompute",
  });
}

function expectAllFree(h: Harness): void {
  const kv = h.kv.stats();
  expect(kv.numUsedBlocks).toBe(0);
  expect(kv.numUsedHostBlocks).toBe(0);
}

describe("abort frees at once, in every state", () => {
  it("waiting: never reaches the executor", () => {
    const h = harness();
    h.add("a", prompt(8, 1), 4);
    expect(h.scheduler.getRequest("a")?.status).toBe("WAITING");
    expect(h.abort("a")).toBe(true);
    expect(h.scheduler.hasUnfinished()).toBe(false);
    expect(h.step().out.finishedReqIds).toEqual([]);
  });

  it("prefilling: blocks freed before the next step, the executor told at the next step", () => {
    const h = harness();
    h.add("a", prompt(30, 1), 4);
    h.step();
    expect(h.scheduler.getRequest("a")?.numComputedTokens).toBe(16);
    expect(h.kv.stats().numUsedBlocks).toBeGreaterThan(0);
    h.abort("a");
    expectAllFree(h);
    expect(h.step().out.finishedReqIds).toEqual(["a"]);
    expect(h.executor.states.size).toBe(0);
  });

  it("decoding, and between schedule and update (the step's tokens are dropped)", () => {
    const h = harness();
    h.add("a", prompt(5, 1), 10);
    h.add("b", prompt(5, 2), 10);
    h.step();
    h.step();
    const out = h.scheduler.schedule();
    const held = h.kv.stats().numUsedBlocks;
    const ofB = h.kv.getBlockIds("b").length;
    h.scheduler.abort("b");
    expect(h.kv.stats().numUsedBlocks).toBe(held - ofB);
    const outputs = h.scheduler.update(out, h.executor.executeSync(out));
    expect(outputs.map((o) => o.requestId)).toEqual(["a"]);
    h.abort("a");
    expectAllFree(h);
    expect(h.scheduler.schedule().finishedReqIds.sort()).toEqual(["a", "b"]);
  });

  it("swapped out: host blocks freed, and the executor is not told twice", () => {
    const h = harness(32);
    for (let i = 0; i < 4; i++) h.add(`r${i}`, prompt(8, i), 24);
    while (h.scheduler.stats().numSwapped === 0) h.step();
    const swapped = [...h.results.keys()].find(
      (id) => h.scheduler.getRequest(id)?.status === "SWAPPED",
    ) as string;
    expect(h.kv.stats().numUsedHostBlocks).toBeGreaterThan(0);
    h.abort(swapped);
    expect(h.kv.stats().numUsedHostBlocks).toBe(0);
    // The fake executor throws if told to drop a request it no longer holds.
    expect(h.step().out.finishedReqIds).not.toContain(swapped);
    h.run();
    expectAllFree(h);
  });

  it("preempted back to waiting by recompute: the executor already dropped it", () => {
    const h = harness();
    for (let i = 0; i < 4; i++) h.add(`r${i}`, prompt(8, i), 24);
    let preempted: string | undefined;
    while (preempted === undefined) preempted = h.step().out.preemptedReqIds[0];
    expect(h.scheduler.getRequest(preempted)?.status).toBe("WAITING");
    h.abort(preempted);
    expect(h.step().out.finishedReqIds).not.toContain(preempted);
    h.run();
    expectAllFree(h);
  });

  it("finished: nothing to abort", () => {
    const h = harness();
    h.add("a", prompt(4, 1), 1);
    h.run();
    expect(h.results.get("a")?.finishReason).toBe("length");
    expect(h.abort("a")).toBe(false);
    expect(h.scheduler.stats()).toMatchObject({ numFinished: 1, numAborted: 0 });
  });
});
