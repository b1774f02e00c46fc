import type { Executor } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { expectValid, guidedRun } from "../testing/guided-runs.js";

describe("token masks across executors (stories260K)", () => {
  it("reference and WASM executors get byte-identical masks and give identical, valid outputs", async () => {
    const reference = await guidedRun("reference");
    const wasm = await guidedRun("cpu");
    expectValid(reference);
    expectValid(wasm);
    expect(wasm.log).toEqual(reference.log);
    expect(wasm.results).toEqual(reference.results);
    // The seeded runs did sample: they differ from their greedy twins.
    expect(reference.results["json-seeded"]?.text).not.toBe(reference.results["json-greedy"]?.text);
  }, 120_000);

  it("an executor taking late masks gets the same bytes through LateStepInputs, none in the step", async () => {
    let stepsWithoutLate = 0;
    const takesLate = (inner: Executor): Executor => ({
      takesLateMasks: true,
      async execute(out, late) {
        expect(out.tokenMasks).toBeUndefined();
        if (late === undefined) stepsWithoutLate++;
        const tokenMasks = late ? await late.tokenMasks() : undefined;
        return inner.execute(tokenMasks ? { ...out, tokenMasks } : out);
      },
      close: () => inner.close(),
    });
    const reference = await guidedRun("reference");
    const late = await guidedRun("reference", takesLate);
    expect(late.lateSteps).toBeGreaterThan(10);
    expect(late.log).toEqual(reference.log);
    expect(late.results).toEqual(reference.results);
    // The prefill step schedules constrained samples too: every step had some, so every one was late.
    expect(stepsWithoutLate).toBe(0);
  }, 120_000);
});
