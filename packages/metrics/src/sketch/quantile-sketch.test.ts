import { isPagodaError } from "@pagoda/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nearestRank, QuantileSketch } from "./quantile-sketch.js";
import { summarize } from "./summary.js";

function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[nearestRank(q, sorted.length) - 1] ?? Number.NaN;
}

const QS = [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];
// Float rounding at a bucket boundary may add a hair to the bound; nothing more.
const SLACK = 1e-12;

function expectWithinBound(values: readonly number[], alpha: number): void {
  const sketch = new QuantileSketch({ relativeError: alpha });
  for (const v of values) sketch.add(v);
  const sorted = [...values].sort((a, b) => a - b);
  const got = sketch.quantiles(QS);
  QS.forEach((q, i) => {
    const exact = exactQuantile(sorted, q);
    const estimate = got[i] ?? Number.NaN;
    expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(exact * (alpha + SLACK));
  });
}

describe("QuantileSketch", () => {
  it("agrees with exact nearest-rank percentiles within α on random latencies", () => {
    // Latency-like data: log-uniform over 10 µs … 1000 s, plus repeated values.
    const latency = fc.double({ min: -5, max: 3, noNaN: true }).map((e) => 10 ** e);
    fc.assert(
      fc.property(
        fc.array(latency, { minLength: 1, maxLength: 400 }),
        fc.constantFrom(0.01, 0.002, 0.05),
        (values, alpha) => expectWithinBound(values, alpha),
      ),
      { numRuns: 300 },
    );
  });

  it("stays within α on large skewed samples (exponential and bimodal)", () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed + 0.5) / 2 ** 31;
    };
    const expo = Array.from({ length: 50_000 }, () => -Math.log(rand()) * 0.03);
    const bimodal = Array.from({ length: 50_000 }, (_, i) => (i % 10 === 0 ? 2 + rand() : 0.02 * rand()));
    expectWithinBound(expo, 0.01);
    expectWithinBound(bimodal, 0.01);
  });

  it("is not exact: a coarse sketch really rounds (so the bound above is not vacuous)", () => {
    const sketch = new QuantileSketch({ relativeError: 0.1 });
    sketch.add(1.05);
    sketch.add(1.06);
    sketch.add(1.3);
    const p50 = sketch.quantile(0.5) ?? 0;
    expect(p50).not.toBe(1.06);
    expect(Math.abs(p50 - 1.06)).toBeLessThanOrEqual(0.106);
  });

  it("keeps exact count, sum, min, max and mean", () => {
    const sketch = new QuantileSketch();
    for (const v of [0.5, 0.25, 2, 0]) sketch.add(v);
    const s = summarize(sketch);
    expect(s).toMatchObject({ count: 4, sum: 2.75, min: 0, max: 2, mean: 2.75 / 4, relativeError: 0.01 });
    expect(s.p50).toBeCloseTo(0.25, 2);
    expect(s.p99).toBe(2); // rank n is the maximum, known exactly
  });

  it("handles zero, values below minValue and above maxValue", () => {
    const sketch = new QuantileSketch({ minValue: 1e-3, maxValue: 10 });
    for (const v of [0, 0, 0.0005, 5, 50, 70]) sketch.add(v);
    expect(sketch.quantile(0)).toBe(0);
    expect(sketch.quantile(0.5)).toBe(0); // rank 3 of 6 is below minValue: reported as the smallest
    expect(sketch.quantile(4 / 6)).toBeCloseTo(5, 1);
    expect(sketch.quantile(1)).toBe(70);
  });

  it("reports null while empty and rejects bad input with codes", () => {
    const sketch = new QuantileSketch();
    expect(summarize(sketch)).toMatchObject({ count: 0, sum: 0, mean: null, p50: null, p99: null });
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isPagodaError(err) ? err.code : "not a PagodaError";
      }
      return "no error";
    };
    expect(code(() => sketch.add(-1))).toBe("metrics.bad_value");
    expect(code(() => sketch.add(Number.NaN))).toBe("metrics.bad_value");
    expect(code(() => sketch.quantile(1.5))).toBe("metrics.bad_quantile");
    expect(code(() => new QuantileSketch({ relativeError: 0 }))).toBe("metrics.bad_sketch");
    expect(code(() => new QuantileSketch({ minValue: 2, maxValue: 1 }))).toBe("metrics.bad_sketch");
  });

  it("computes nearest ranks without float noise", () => {
    expect(nearestRank(0.9, 10)).toBe(9);
    expect(nearestRank(0.95, 20)).toBe(19);
    expect(nearestRank(0, 7)).toBe(1);
    expect(nearestRank(1, 7)).toBe(7);
    expect(nearestRank(0.5, 3)).toBe(2);
  });
});
