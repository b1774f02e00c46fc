import { codeOf } from "@pagoda/errors";
import { afterEach, describe, expect, it } from "vitest";
import { registerVipFirst } from "../testing/example-policy.js";
import { Harness, prompt } from "../testing/harness.js";
import { FcfsPolicy } from "./fcfs.js";
import { createPolicy, policyNames, registerPolicy, unregisterPolicy } from "./registry.js";

afterEach(() => {
  unregisterPolicy("vip-first");
  unregisterPolicy("mine");
});

describe("policy registry", () => {
  it("lists the built-ins and creates fresh instances by name", () => {
    expect(policyNames()).toEqual(["fcfs", "priority", "slo", "sjf", "fair", "static"]);
    const a = createPolicy("fair");
    expect(a.name).toBe("fair");
    expect(createPolicy("fair")).not.toBe(a);
  });

  it("refuses unknown names, taken names (unless replacing) and unknown options", () => {
    expect(codeOf(() => createPolicy("nope"))).toBe("scheduler.unknown_policy");
    expect(codeOf(() => registerPolicy("fcfs", () => new FcfsPolicy()))).toBe("scheduler.policy_exists");
    registerPolicy("mine", () => new FcfsPolicy());
    expect(codeOf(() => registerPolicy("mine", () => new FcfsPolicy()))).toBe("scheduler.policy_exists");
    expect(codeOf(() => registerPolicy("mine", () => new FcfsPolicy(), { replace: true }))).toBe("no error");
    expect(unregisterPolicy("mine")).toBe(true);
    expect(unregisterPolicy("mine")).toBe(false);
    expect(codeOf(() => createPolicy("priority", { aging: 1 }))).toBe("scheduler.invalid_option");
    expect(codeOf(() => createPolicy("fair", { weights: { a: 0 } }))).toBe("scheduler.invalid_option");
  });

  it("runs the README's user-defined policy by name: VIPs first, within the boost", () => {
    registerVipFirst();
    const h = new Harness({
      numBlocks: 64,
      blockSize: 4,
      maxNumBatchedTokens: 16,
      maxNumSeqs: 1,
      policy: "vip-first",
      policyOptions: { vips: ["acme"], boostMs: 30 },
    });
    h.add("regular", prompt(4, 1), 2);
    h.now = 20;
    h.add("vip-soon", prompt(4, 2), 2, { tenant: "acme" }); // 20 ms later: within the boost
    h.now = 40;
    h.add("vip-late", prompt(4, 3), 2, { tenant: "acme" }); // 40 ms later: after `regular`
    h.run();
    const order = h.outputs.flatMap((o) => o.scheduledNewReqs.map((r) => r.requestId));
    expect(order).toEqual(["vip-soon", "regular", "vip-late"]);
  });
});
