import { describe, expect, it } from "vitest";
import { Harness, prompt } from "./testing/harness.js";

describe("Scheduler.inspect", () => {
  it("lists running, waiting and swapped requests and the block tables of the running ones", () => {
    const h = new Harness({
      numBlocks: 7,
      blockSize: 4,
      numHostBlocks: 16,
      maxNumBatchedTokens: 64,
      maxNumSeqs: 2,
      preemptionMode: "swap",
    });
    h.add("a", prompt(8, 1), 8);
    h.add("b", prompt(8, 100), 8);
    h.add("c", prompt(4, 200), 4);
    h.step();
    let view = h.scheduler.inspect();
    expect(view.running).toEqual(["a", "b"]);
    expect(view.waiting).toEqual(["c"]);
    expect(view.swapped).toEqual([]);
    expect(Object.keys(view.kv.tables).sort()).toEqual(["a", "b"]);
    expect(view.kv.tables.a).toEqual(h.kv.getBlockIds("a"));

    // 6 usable blocks: two 8-token prompts growing past 12 tokens each cannot both stay.
    for (let i = 0; i < 6 && h.scheduler.stats().numSwapped === 0; i++) h.step();
    view = h.scheduler.inspect();
    expect(view.swapped.length).toBe(1);
    expect(view.kv.tables[view.swapped[0] as string]).toBeUndefined();
    const used = view.kv.states.filter((s, id) => id > 0 && s === "used").length;
    expect(used).toBe(h.kv.stats().numUsedBlocks);
  });
});
