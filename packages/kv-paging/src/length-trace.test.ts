import { describe, expect, it } from "vitest";
import { generateLengthTrace, REALISTIC_LENGTH_MIX, sampleLogNormal, seededRandom } from "./length-trace.js";
import { withCode } from "./testing/errors.js";

describe("seeded length traces", () => {
  it("repeat exactly for a seed and differ across seeds", () => {
    const a = generateLengthTrace({ numRequests: 50, seed: 7, ...REALISTIC_LENGTH_MIX });
    expect(generateLengthTrace({ numRequests: 50, seed: 7, ...REALISTIC_LENGTH_MIX })).toEqual(a);
    expect(generateLengthTrace({ numRequests: 50, seed: 8, ...REALISTIC_LENGTH_MIX })).not.toEqual(a);
  });

  it("draw uniform floats in [0, 1)", () => {
    const random = seededRandom(1);
    const xs = Array.from({ length: 100_000 }, random);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b) / xs.length).toBeCloseTo(0.5, 2);
  });

  it("have the asked median and a long tail clipped at the maximum", () => {
    const trace = generateLengthTrace({ numRequests: 20_000, seed: 11, ...REALISTIC_LENGTH_MIX });
    const prompts = trace.map((r) => r.promptTokens).sort((x, y) => x - y);
    const median = prompts[prompts.length / 2] as number;
    expect(median).toBeGreaterThan(190);
    expect(median).toBeLessThan(210);
    expect(Math.max(...prompts)).toBe(2000);
    expect(Math.min(...prompts)).toBeGreaterThanOrEqual(1);
    const over1000 = prompts.filter((p) => p > 1000).length / prompts.length;
    expect(over1000).toBeGreaterThan(0.03);
    expect(over1000).toBeLessThan(0.08);
  });

  it("reject a bad distribution", () => {
    expect(() => sampleLogNormal({ median: 0, sigma: 1, max: 10 }, Math.random)).toThrow(
      withCode("kv.invalid_argument"),
    );
  });
});
