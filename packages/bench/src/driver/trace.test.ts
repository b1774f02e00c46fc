import { describe, expect, it } from "vitest";
import { createRng } from "../workload/rng.js";
import { buildTrace, promptTokens } from "./trace.js";

describe("buildTrace", () => {
  const opts = { numPrompts: 400, requestRate: 5, inputLen: 100, outputLen: 50, rangeRatio: 0.2, seed: 3 };

  it("is reproducible and spreads tenants and priorities", () => {
    const t = buildTrace(opts);
    expect(buildTrace(opts)).toEqual(t);
    expect(new Set(t.map((r) => r.tenant))).toEqual(
      new Set(["tenant-0", "tenant-1", "tenant-2", "tenant-3"]),
    );
    expect(new Set(t.map((r) => r.priority))).toEqual(new Set([0, 1, 2]));
    expect(t[0]?.arrivalTime).toBe(0);
    for (const r of t) {
      expect(r.inputLen).toBeGreaterThanOrEqual(80);
      expect(r.inputLen).toBeLessThanOrEqual(120);
    }
  });

  it("draws log-normal lengths under half the context each", () => {
    const t = buildTrace({ ...opts, dataset: "lognormal", maxModelLen: 512 });
    expect(Math.max(...t.map((r) => r.inputLen + r.outputLen))).toBeLessThanOrEqual(512);
    expect(new Set(t.map((r) => r.inputLen)).size).toBeGreaterThan(50);
  });

  it("rejects an unknown dataset", () => {
    expect(() => buildTrace({ ...opts, dataset: "sharegpt" as never })).toThrow(/dataset/);
  });
});

describe("promptTokens", () => {
  it("stays in the vocabulary and avoids the EOS id", () => {
    const ids = promptTokens(createRng(1), 5000, 4, new Set([2]));
    expect(new Set(ids)).toEqual(new Set([0, 1, 3]));
  });
});
