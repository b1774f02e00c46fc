import { describe, expect, it } from "vitest";
import { CostModel } from "../sim/cost-model.js";
import { MEASURED_DEVICE } from "../sim/measured-profile.js";
import { resolveModel } from "../sim/model-presets.js";
import { simulate } from "./simulate.js";
import { calibratedPolicyOptions, sloPolicyOptions } from "./slo-options.js";
import { buildTrace } from "./trace.js";

const cpu = new CostModel(resolveModel("stories260k").shape, MEASURED_DEVICE);
const ms = (n: number) => cpu.time({ numNewTokens: [n], numContextTokens: [0] }).seconds * 1000;

describe("slo's calibrated step-cost model", () => {
  it("comes from the measured CPU profile: a one-token step and the chord to 1,024 tokens", () => {
    const o = sloPolicyOptions(cpu);
    expect(o.stepBaseMs).toBeCloseTo(ms(1), 9);
    expect(o.stepPerTokenMs).toBeCloseTo((ms(1024) - ms(1)) / 1023, 9);
    // Not the policy's fallback constants (5 ms + 0.05 ms per token).
    expect(o.stepBaseMs).not.toBe(5);
    // The chord never underestimates a step in between: the roofline is convex in tokens.
    for (const n of [2, 16, 100, 512, 1000]) {
      expect((o.stepBaseMs as number) + (o.stepPerTokenMs as number) * (n - 1)).toBeGreaterThanOrEqual(
        ms(n) - 1e-9,
      );
    }
  });

  it("keeps the fitted model under given targets; given cost options win key by key", () => {
    const fitted = sloPolicyOptions(cpu);
    expect(calibratedPolicyOptions("slo", { defaultTtftMs: 200 }, cpu)).toEqual({
      ...fitted,
      defaultTtftMs: 200,
    });
    expect(calibratedPolicyOptions("slo", { stepBaseMs: 3 }, cpu)).toEqual({ ...fitted, stepBaseMs: 3 });
    expect(calibratedPolicyOptions("slo", { defaultTtftMs: 200 }, undefined)).toEqual({ defaultTtftMs: 200 });
    expect(calibratedPolicyOptions("priority", { agingPerSecond: 0 }, cpu)).toEqual({ agingPerSecond: 0 });
    expect(calibratedPolicyOptions("fcfs", undefined, cpu)).toEqual({});
  });

  it("simulate keeps it when --policy-options set only a target: the TPOT gate cuts prefill chunks by the device", async () => {
    const requests = buildTrace({
      numPrompts: 24,
      requestRate: Infinity,
      inputLen: 200,
      outputLen: 24,
      seed: 1,
    });
    const run = (policyOptions: Record<string, number>) =>
      simulate({
        model: resolveModel("stories260k"),
        device: MEASURED_DEVICE,
        requests,
        policy: "slo",
        policyOptions,
        maxNumSeqs: 8,
        maxNumBatchedTokens: 512,
      });
    const widest = (steps: { numPrefillTokens: number; numDecodeTokens: number }[]) =>
      Math.max(...steps.filter((s) => s.numDecodeTokens > 0).map((s) => s.numPrefillTokens));
    // 20 ms per token on this device: (20 - 0.63) / 1.05 ≈ 18 tokens a step, so a running
    // prefill gets its 16-token floor. The fallback constants (5 ms + 0.05 ms) would allow 300.
    const calibrated = await run({ defaultTpotMs: 20 });
    expect(widest(calibrated.steps)).toBeLessThanOrEqual(18);
    const constants = await run({ defaultTpotMs: 20, stepBaseMs: 5, stepPerTokenMs: 0.05 });
    expect(widest(constants.steps)).toBeGreaterThan(100);
  });
});
