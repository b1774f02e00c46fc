import { describe, expect, it } from "vitest";
import { mean, stdDev } from "../testing/stats.js";
import { createRng, logNormalLengthPairs, uniformLengthPairs, WorkloadError } from "./index.js";

describe("uniformLengthPairs", () => {
  it("is reproducible from the seed", () => {
    const opts = { numRequests: 200, inputLen: 100, outputLen: 50, rangeRatio: 0.3 };
    expect(uniformLengthPairs(opts, createRng(9))).toEqual(uniformLengthPairs(opts, createRng(9)));
    expect(uniformLengthPairs(opts, createRng(10))).not.toEqual(uniformLengthPairs(opts, createRng(9)));
  });

  it("gives exactly the lengths asked for when range ratio is 0", () => {
    const pairs = uniformLengthPairs({ numRequests: 50, inputLen: 128, outputLen: 7 }, createRng(1));
    expect(pairs).toEqual(new Array(50).fill({ inputLen: 128, outputLen: 7 }));
  });

  it("spreads each length over every integer of [len·(1 − r), len·(1 + r)] and no further", () => {
    const pairs = uniformLengthPairs(
      { numRequests: 5000, inputLen: 10, outputLen: 200, rangeRatio: 0.5 },
      createRng(3),
    );
    const ins = pairs.map((p) => p.inputLen);
    const outs = pairs.map((p) => p.outputLen);
    expect(new Set(ins)).toEqual(new Set([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]));
    expect(Math.min(...outs)).toBe(100);
    expect(Math.max(...outs)).toBe(300);
    // Uniform on [100, 300]: mean 200, sd ≈ 58.
    expect(Math.abs(mean(outs) - 200)).toBeLessThan((5 * 58) / Math.sqrt(5000));
  });

  it("never draws a length below 1 token", () => {
    const pairs = uniformLengthPairs(
      { numRequests: 500, inputLen: 1, outputLen: 2, rangeRatio: 0.99 },
      createRng(4),
    );
    for (const p of pairs) {
      expect(p.inputLen).toBe(1);
      expect([1, 2, 3]).toContain(p.outputLen);
    }
  });

  it.each([
    [{ inputLen: 0 }, "inputLen"],
    [{ outputLen: 2.5 }, "outputLen"],
    [{ rangeRatio: 1 }, "rangeRatio"],
    [{ rangeRatio: -0.1 }, "rangeRatio"],
    [{ numRequests: -3 }, "numRequests"],
  ])("rejects %j", (bad, option) => {
    const opts = { numRequests: 10, inputLen: 10, outputLen: 10, ...bad };
    expect(() => uniformLengthPairs(opts, createRng(0))).toThrow(WorkloadError);
    expect(() => uniformLengthPairs(opts, createRng(0))).toThrow(option);
  });
});

describe("logNormalLengthPairs", () => {
  const opts = {
    numRequests: 20_000,
    input: { median: 200, sigma: 1, cap: 4096 },
    output: { median: 100, sigma: 0.5, cap: 150 },
  };

  it("is reproducible from the seed", () => {
    const small = { ...opts, numRequests: 100 };
    expect(logNormalLengthPairs(small, createRng(5))).toEqual(logNormalLengthPairs(small, createRng(5)));
  });

  it("has the median and log-spread asked for, within [1, cap]", () => {
    const pairs = logNormalLengthPairs(opts, createRng(6));
    const ins = pairs.map((p) => p.inputLen);
    const n = ins.length;
    expect(Math.min(...ins)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...ins)).toBeLessThanOrEqual(4096);
    // Half below the median: the standard error of a proportion of 1/2 is 0.5 / sqrt(n).
    const belowMedian = ins.filter((x) => x < 200).length / n;
    expect(Math.abs(belowMedian - 0.5)).toBeLessThan(5 * (0.5 / Math.sqrt(n)) + 0.01);
    // Few clamp at this cap (z > 3), so ln(length) keeps sd ≈ sigma; rounding adds a little noise.
    const logSd = stdDev(ins.map(Math.log));
    expect(Math.abs(logSd - 1)).toBeLessThan(0.03);
  });

  it("clamps long draws to the cap", () => {
    const outs = logNormalLengthPairs(opts, createRng(7)).map((p) => p.outputLen);
    expect(Math.max(...outs)).toBe(150);
    // P(z > ln(1.5) / 0.5 = 0.81) ≈ 0.209 of the draws land on the cap.
    const atCap = outs.filter((x) => x === 150).length / outs.length;
    expect(Math.abs(atCap - 0.209)).toBeLessThan(0.015);
  });

  it("gives the median itself when sigma is 0", () => {
    const flat = logNormalLengthPairs(
      { numRequests: 20, input: { median: 64, sigma: 0, cap: 64 }, output: { median: 8, sigma: 0, cap: 99 } },
      createRng(1),
    );
    expect(flat).toEqual(new Array(20).fill({ inputLen: 64, outputLen: 8 }));
  });

  it.each([
    [{ input: { median: 0.5, sigma: 1, cap: 10 } }, "input.median"],
    [{ input: { median: 10, sigma: -1, cap: 10 } }, "input.sigma"],
    [{ output: { median: 10, sigma: 1, cap: 5 } }, "output.cap"],
  ])("rejects %j naming %s", (bad, option) => {
    expect(() => logNormalLengthPairs({ ...opts, numRequests: 1, ...bad }, createRng(0))).toThrow(option);
  });
});
