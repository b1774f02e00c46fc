import { describe, expect, it } from "vitest";
import { llama3RopeFreqFactors } from "./rope-freqs.js";

describe("llama3RopeFreqFactors", () => {
  it("divides long wavelengths by the factor, keeps short ones, blends the band between", () => {
    const s = {
      type: "llama3" as const,
      factor: 8,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositionEmbeddings: 8192,
    };
    const f = llama3RopeFreqFactors(128, 500_000, s);
    expect(f.length).toBe(64);
    expect(f[0]).toBe(1);
    expect(f[63]).toBeCloseTo(8, 5);
    const band = [...f].filter((x) => x > 1.0001 && x < 7.9999);
    expect(band.length).toBeGreaterThan(0);
    for (let i = 1; i < f.length; i++)
      expect(f[i] as number).toBeGreaterThanOrEqual((f[i - 1] as number) - 1e-6);
  });
});
