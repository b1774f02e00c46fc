import { calibratedPolicyOptions, MEASURED_DEVICE, SIM_DEVICES } from "@pagoda/bench";
import type { ModelConfig } from "@pagoda/model-loaders";
import { servedModelShape } from "@pagoda/server";
import { describe, expect, it } from "vitest";
import { servedCostModel } from "./slo-cost.js";

const config = {
  numLayers: 5,
  hiddenSize: 64,
  numHeads: 8,
  numKvHeads: 4,
  headDim: 8,
  intermediateSize: 172,
  vocabSize: 512,
  tieWordEmbeddings: true,
} as ModelConfig;
const shape = servedModelShape(config, 4 * 260_000, "f32");

describe("pagoda serve's slo cost model", () => {
  it("is the measured CPU profile on cpu, a known --device-profile on webgpu, else none", () => {
    expect(servedCostModel("cpu", null, shape)?.device).toBe(MEASURED_DEVICE);
    expect(servedCostModel("webgpu", "A100-80GB", shape)?.device).toBe(SIM_DEVICES["a100-80gb"]);
    expect(servedCostModel("webgpu", null, shape)).toBeUndefined();
  });

  it("fills slo's step cost from it, keeping --policy-options that set their own", () => {
    const cost = servedCostModel("cpu", null, shape);
    const o = calibratedPolicyOptions("slo", { defaultTpotMs: 40, stepBaseMs: 2 }, cost);
    expect(o).toMatchObject({ defaultTpotMs: 40, stepBaseMs: 2 });
    const oneToken = (cost?.time({ numNewTokens: [1], numContextTokens: [0] }).seconds ?? 0) * 1000;
    const big = (cost?.time({ numNewTokens: [1024], numContextTokens: [0] }).seconds ?? 0) * 1000;
    expect(o.stepPerTokenMs).toBeCloseTo((big - oneToken) / 1023, 9);
    expect(calibratedPolicyOptions("fcfs", undefined, cost)).toEqual({});
  });
});
