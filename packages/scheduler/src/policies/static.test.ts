import { seededRandom } from "@pagoda/kv-paging";
import { describe, expect, it } from "vitest";
import { Harness, prompt } from "../testing/harness.js";
import { policyNames } from "./registry.js";

function roomy(policy: string, maxNumSeqs = 8): Harness {
  return new Harness({ numBlocks: 256, blockSize: 4, maxNumBatchedTokens: 64, maxNumSeqs, policy });
}

/** The step in which `id` was first scheduled. */
function firstStep(h: Harness, id: string): number {
  return h.outputs.findIndex((o) => o.scheduledNewReqs.some((r) => r.requestId === id));
}

/** The step whose update finished `id`. */
function lastStep(h: Harness, id: string): number {
  return h.outputs.findLastIndex((o) => o.numScheduledTokens[id] !== undefined);
}

describe("continuous batching refills; static batching does not", () => {
  it.each(policyNames().filter((p) => p !== "static"))(
    "%s admits a mid-batch arrival the next step",
    (policy) => {
      const h = roomy(policy);
      ["a", "b", "c"].forEach((id, i) => {
        h.add(id, prompt(8, i), 6 + 4 * i);
      });
      h.step();
      h.step();
      h.add("late", prompt(8, 9), 3);
      const { out } = h.step();
      expect(out.scheduledNewReqs.map((r) => r.requestId)).toEqual(["late"]);
    },
  );

  it.each(policyNames().filter((p) => p !== "static"))(
    "%s gives a freed seat away the next step",
    (policy) => {
      const h = roomy(policy, 3);
      ["a", "b", "c", "waits"].forEach((id, i) => {
        h.add(id, prompt(8, i), [4, 12, 12, 2][i] as number);
      });
      h.run();
      expect(firstStep(h, "waits")).toBe(lastStep(h, "a") + 1);
    },
  );

  it("static keeps a decoding batch closed until every member has finished", () => {
    const h = roomy("static");
    ["a", "b", "c"].forEach((id, i) => {
      h.add(id, prompt(8, i), 6 + 4 * i);
    });
    h.step();
    h.step();
    h.add("late", prompt(8, 9), 3);
    h.run();
    expect(firstStep(h, "late")).toBe(lastStep(h, "c") + 1);
    expect(h.results.get("late")?.tokens).toHaveLength(3);
  });

  it("static lets requests join while no member has produced a token (the batch's prefill)", () => {
    const h = new Harness({
      numBlocks: 256,
      blockSize: 4,
      maxNumBatchedTokens: 24,
      maxNumSeqs: 8,
      policy: "static",
    });
    h.add("a", prompt(40, 1), 4);
    h.step(); // a prefills 24 of 40: no token yet; its last 16 leave room for b
    h.add("b", prompt(4, 2), 4);
    expect(h.step().out.scheduledNewReqs.map((r) => r.requestId)).toEqual(["b"]);
  });

  it("static never admits a fresh request while an in-flight one has output, on a random workload", () => {
    const rand = seededRandom(7);
    const h = new Harness({
      numBlocks: 40,
      blockSize: 4,
      maxNumBatchedTokens: 24,
      maxNumSeqs: 5,
      policy: "static",
      stopPermille: 50,
    });
    const arrivals = Array.from({ length: 30 }, () => Math.floor(rand() * 100));
    const lengths = arrivals.map(() => 1 + Math.floor(rand() * 40));
    const seen = new Set<string>();
    let batches = 0;
    for (let step = 0; step < 100 || h.scheduler.hasUnfinished(); step++) {
      arrivals.forEach((at, i) => {
        if (at === step) h.add(`r${i}`, prompt(lengths[i] as number, i), 1 + (i % 20));
      });
      const inFlight = [...seen].map((id) => h.scheduler.getRequest(id)).filter((r) => r !== undefined);
      const decoding = inFlight.some((r) => r.numOutputTokens > 0);
      if (!h.scheduler.hasUnfinished()) {
        h.now += 10;
        continue;
      }
      const { out } = h.step();
      const fresh = out.scheduledNewReqs.map((r) => r.requestId).filter((id) => !seen.has(id));
      if (decoding) expect(fresh).toEqual([]);
      if (inFlight.length === 0 && fresh.length > 0) batches++;
      for (const id of fresh) seen.add(id);
    }
    expect(batches).toBeGreaterThan(3);
  });
});
