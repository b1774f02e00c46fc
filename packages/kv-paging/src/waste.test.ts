import { describe, expect, it } from "vitest";
import { generateLengthTrace, REALISTIC_LENGTH_MIX } from "./length-trace.js";
import { withCode } from "./testing/errors.js";
import { measureWaste } from "./waste.js";

describe("waste accounting", () => {
  it("counts reserved and used slots exactly on a small trace", () => {
    const report = measureWaste(
      [
        { promptTokens: 5, outputTokens: 3 },
        { promptTokens: 1, outputTokens: 1 },
      ],
      { maxModelLen: 16, blockSize: 4 },
    );
    expect(report.contiguous.atPeak).toEqual({ reservedTokens: 32, usedTokens: 10, wasteFraction: 22 / 32 });
    expect(report.paged.atPeak).toEqual({ reservedTokens: 12, usedTokens: 10, wasteFraction: 2 / 12 });
    // Held tokens step by step: 5, 6, 7 and 1; paged reservations 8, 8, 8 and 4.
    expect(report.paged.overLifetime).toEqual({ reservedTokens: 28, usedTokens: 19, wasteFraction: 9 / 28 });
    expect(report.contiguous.overLifetime.reservedTokens).toBe(64);
  });

  it("paging with B = 16 wastes under 4 % on a realistic mix; contiguous pre-allocation most of it", () => {
    const trace = generateLengthTrace({ numRequests: 10_000, seed: 1, ...REALISTIC_LENGTH_MIX });
    const report = measureWaste(trace, { maxModelLen: 4096, blockSize: 16 });
    expect(report.paged.atPeak.wasteFraction).toBeLessThan(0.04);
    expect(report.paged.overLifetime.wasteFraction).toBeLessThan(0.04);
    expect(report.contiguous.atPeak.wasteFraction).toBeGreaterThan(0.6);
    expect(report.contiguous.overLifetime.wasteFraction).toBeGreaterThan(0.6);
  });

  it("shows that paging waste is about (B - 1) / 2 slots per request", () => {
    const trace = generateLengthTrace({ numRequests: 20_000, seed: 3, ...REALISTIC_LENGTH_MIX });
    for (const blockSize of [1, 8, 32]) {
      const { paged } = measureWaste(trace, { maxModelLen: 4096, blockSize });
      const perRequest = (paged.atPeak.reservedTokens - paged.atPeak.usedTokens) / trace.length;
      expect(perRequest).toBeCloseTo((blockSize - 1) / 2, 0);
    }
  });

  it("rejects a request longer than maxModelLen", () => {
    expect(() =>
      measureWaste([{ promptTokens: 10, outputTokens: 10 }], { maxModelLen: 16, blockSize: 4 }),
    ).toThrow(withCode("kv.invalid_argument"));
  });
});
