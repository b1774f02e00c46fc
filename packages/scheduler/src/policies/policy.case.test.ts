import { describe, expect, it } from "vitest";
import { describePolicyConformance } from "../conformance/index.js";
import { registerVipFirst } from "../testing/example-policy.js";
import { createPolicy, policyNames } from "./registry.js";

// The shipped conformance suite (`@pagoda/scheduler/conformance`), run against every registered
// policy: the six built-ins and the README's user-defined one.
registerVipFirst();

for (const name of policyNames()) {
  describePolicyConformance(name, (options) => createPolicy(name, options), {
    policyOptions: name === "vip-first" ? { vips: ["a"], boostMs: 30 } : {},
    // Static batches close after a step or two and rarely fill the pool (preemption.test.ts
    // storms them on purpose).
    expectPreemption: name !== "static",
  });
}

describe("the conformance suite", () => {
  it("covers every built-in and the user-defined policy", () => {
    expect(policyNames()).toEqual(["fcfs", "priority", "slo", "sjf", "fair", "static", "vip-first"]);
  });
});
