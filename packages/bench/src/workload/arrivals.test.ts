import { describe, expect, it } from "vitest";
import { gaps, mean, stdDev } from "../testing/stats.js";
import { arrivalTimes, createRng, WorkloadError } from "./index.js";

const N = 20_000;

describe("arrivalTimes", () => {
  it("is reproducible from the seed, and another seed gives another trace", () => {
    const opts = { numRequests: 500, requestRate: 4, burstiness: 0.5 };
    const a = arrivalTimes(opts, createRng(11));
    expect(arrivalTimes(opts, createRng(11))).toEqual(a);
    expect(arrivalTimes(opts, createRng(12))).not.toEqual(a);
  });

  it("starts at t = 0 and never goes back in time", () => {
    const times = arrivalTimes({ numRequests: 1000, requestRate: 50, burstiness: 0.3 }, createRng(1));
    expect(times).toHaveLength(1000);
    expect(times[0]).toBe(0);
    for (const g of gaps(times)) expect(g).toBeGreaterThanOrEqual(0);
  });

  it("sends everything at once when the rate is infinite", () => {
    const times = arrivalTimes({ numRequests: 100, requestRate: Number.POSITIVE_INFINITY }, createRng(1));
    expect(times).toEqual(new Array(100).fill(0));
  });

  it("handles zero and one request", () => {
    expect(arrivalTimes({ numRequests: 0, requestRate: 1 }, createRng(1))).toEqual([]);
    expect(arrivalTimes({ numRequests: 1, requestRate: 1 }, createRng(1))).toEqual([0]);
  });

  // Bounds are five standard errors, so a correct sampler fails with odds below one in a million
  // (and a seeded one never flakes), while a wrong shape or scale misses by far more.
  it.each([0.25, 0.5, 1, 2, 4])("burstiness %f: mean gap 1/R and coefficient of variation 1/sqrt(b)", (b) => {
    const rate = 10;
    const g = gaps(arrivalTimes({ numRequests: N + 1, requestRate: rate, burstiness: b }, createRng(2024)));
    const cv = 1 / Math.sqrt(b);
    const n = g.length;
    expect(Math.abs(mean(g) * rate - 1)).toBeLessThan((5 * cv) / Math.sqrt(n));
    // Delta method: rel. error of a standard deviation ≈ half that of the variance, sqrt((2 + 6/b) / n).
    const gotCv = stdDev(g) / mean(g);
    expect(Math.abs(gotCv / cv - 1)).toBeLessThan(2.5 * Math.sqrt((2 + 6 / b) / n) + 5 / Math.sqrt(n));
  });

  it("has exponential gaps at burstiness 1: P(gap < mean) = 1 − 1/e", () => {
    const g = gaps(arrivalTimes({ numRequests: N + 1, requestRate: 3 }, createRng(5)));
    const below = g.filter((x) => x < 1 / 3).length / g.length;
    const p = 1 - Math.exp(-1);
    // Gamma(2) would give 0.594 and constant gaps 0 or 1: far outside this band.
    expect(Math.abs(below - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / g.length));
  });

  it.each([
    [{ numRequests: -1, requestRate: 1 }, "numRequests"],
    [{ numRequests: 1.5, requestRate: 1 }, "numRequests"],
    [{ numRequests: 10, requestRate: 0 }, "requestRate"],
    [{ numRequests: 10, requestRate: -2 }, "requestRate"],
    [{ numRequests: 10, requestRate: Number.NaN }, "requestRate"],
    [{ numRequests: 10, requestRate: 1, burstiness: 0 }, "burstiness"],
    [{ numRequests: 10, requestRate: 1, burstiness: Number.POSITIVE_INFINITY }, "burstiness"],
  ])("rejects %j naming %s", (opts, option) => {
    try {
      arrivalTimes(opts, createRng(0));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(WorkloadError);
      expect((err as WorkloadError).code).toBe("workload.invalid");
      expect((err as WorkloadError).details?.option).toBe(option);
      expect((err as Error).message).toContain(option);
    }
  });
});
