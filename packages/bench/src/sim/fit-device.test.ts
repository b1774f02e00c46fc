import { describe, expect, it } from "vitest";
import { CostModel } from "./cost-model.js";
import { fitDevice, type TimedStep } from "./fit-device.js";
import { resolveModel } from "./model-presets.js";
import type { SimDevice } from "./sim-device.js";

const shape = resolveModel("stories260k").shape;
const truth: SimDevice = {
  name: "truth",
  peakFlopsPerSecond: 4e8,
  memoryBytesPerSecond: 2e9,
  memoryBytes: 1e9,
  memoryUtilization: 1,
  stepOverheadSeconds: 3e-4,
  seqOverheadSeconds: 5e-5,
  source: "test",
};

function steps(device: SimDevice, noise: (i: number) => number): TimedStep[] {
  const model = new CostModel(shape, device);
  const out: TimedStep[] = [];
  let i = 0;
  for (const b of [1, 2, 4, 8, 16, 32]) {
    for (const ctx of [0, 40, 200]) {
      const batch =
        ctx === 0
          ? { numNewTokens: new Array(b).fill(48), numContextTokens: new Array(b).fill(0) }
          : { numNewTokens: new Array(b).fill(1), numContextTokens: new Array(b).fill(ctx) };
      out.push({ batch, seconds: model.time(batch).seconds * noise(i++) });
    }
  }
  return out;
}

describe("fitDevice", () => {
  it("recovers the constants that generated noiseless steps", () => {
    const fit = fitDevice(
      shape,
      steps(truth, () => 1),
      { name: "fit", memoryBytes: 1, memoryUtilization: 1, source: "t" },
    );
    expect(fit.meanAbsRelError).toBeLessThan(0.01);
    expect(fit.device.peakFlopsPerSecond / truth.peakFlopsPerSecond).toBeCloseTo(1, 1);
    expect(fit.device.stepOverheadSeconds / truth.stepOverheadSeconds).toBeCloseTo(1, 0);
  });

  it("predicts within the noise when steps carry ±5 % jitter", () => {
    const fit = fitDevice(
      shape,
      steps(truth, (i) => 1 + 0.05 * Math.sin(i * 2.3)),
      {
        name: "fit",
        memoryBytes: 1,
        memoryUtilization: 1,
        source: "t",
      },
    );
    expect(fit.meanAbsRelError).toBeLessThan(0.05);
    const model = new CostModel(shape, fit.device);
    const probe = { numNewTokens: [1, 1, 1], numContextTokens: [100, 100, 100] };
    const want = new CostModel(shape, truth).time(probe).seconds;
    expect(Math.abs(model.time(probe).seconds / want - 1)).toBeLessThan(0.1);
  });

  it("refuses to fit fewer than 8 steps", () => {
    expect(() =>
      fitDevice(shape, [], { name: "x", memoryBytes: 1, memoryUtilization: 1, source: "t" }),
    ).toThrow(/8 measured steps/);
  });
});
