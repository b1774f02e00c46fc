import { describe, expect, it } from "vitest";
import { mean, stdDev } from "../testing/stats.js";
import {
  createRng,
  sampleExponential,
  sampleGamma,
  sampleStandardNormal,
  sampleUniformInt,
} from "./index.js";

const N = 50_000;
const draw = (f: () => number) => Array.from({ length: N }, f);

describe("samplers", () => {
  it("standard normal: mean 0, standard deviation 1", () => {
    const rng = createRng(1);
    const xs = draw(() => sampleStandardNormal(rng));
    expect(Math.abs(mean(xs))).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(stdDev(xs) - 1)).toBeLessThan(5 * Math.sqrt(0.5 / N));
  });

  it("exponential: mean and standard deviation both equal the mean asked for", () => {
    const rng = createRng(2);
    const xs = draw(() => sampleExponential(rng, 3));
    expect(Math.abs(mean(xs) / 3 - 1)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(stdDev(xs) / 3 - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
  });

  it.each([0.1, 0.5, 1, 2.5, 10])("gamma shape %f: mean k·θ and variance k·θ²", (k) => {
    const rng = createRng(3);
    const theta = 2;
    const xs = draw(() => sampleGamma(rng, k, theta));
    const m = k * theta;
    const sd = Math.sqrt(k) * theta;
    expect(Math.abs(mean(xs) - m)).toBeLessThan((5 * sd) / Math.sqrt(N));
    // The relative error of a sample variance is about sqrt((2 + excess kurtosis 6/k) / n).
    expect(Math.abs(stdDev(xs) ** 2 / sd ** 2 - 1)).toBeLessThan(5 * Math.sqrt((2 + 6 / k) / N));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
  });

  it("uniform integers hit both ends and nothing outside", () => {
    const rng = createRng(4);
    const xs = draw(() => sampleUniformInt(rng, 5, 15));
    expect(new Set(xs)).toEqual(new Set([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]));
    expect(sampleUniformInt(rng, 9, 9)).toBe(9);
  });
});
