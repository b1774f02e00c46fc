import { describeGpu } from "@pagoda/vitest-config/gpu";
import { expect, it } from "vitest";
import { expectValid, guidedRun } from "../testing/guided-runs.js";

describeGpu("token masks across executors: WebGPU (stories260K)", () => {
  it("the WebGPU executor gets the reference's masks byte for byte and gives identical, valid outputs", async () => {
    const reference = await guidedRun("reference");
    const gpu = await guidedRun("webgpu");
    expectValid(gpu);
    // WebGPU takes the masks late (computed while its forward pass runs), the reference in the step.
    expect(gpu.lateSteps).toBeGreaterThan(10);
    expect(reference.lateSteps).toBe(0);
    expect(gpu.log).toEqual(reference.log);
    expect(gpu.results).toEqual(reference.results);
  }, 300_000);
});
