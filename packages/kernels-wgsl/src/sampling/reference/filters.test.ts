import { describe, expect, it } from "vitest";
import { samplingParams } from "../params.js";
import { keptSetReference } from "./filters.js";

// Probabilities 0.5, 0.3, 0.15, 0.05 (as logits), then a tie.
const z = Float32Array.from([0.5, 0.3, 0.15, 0.05], Math.log);
const ids = (kept: Uint8Array) => [...kept.keys()].filter((i) => kept[i]);

describe("keptSetReference", () => {
  it("keeps everything when all filters are off", () => {
    expect(keptSetReference(z, samplingParams()).numKept).toBe(4);
  });

  it("top-k keeps the k largest and every token tied with the k-th", () => {
    expect(ids(keptSetReference(z, samplingParams({ topK: 2 })).kept)).toEqual([0, 1]);
    const tied = Float32Array.of(1, 3, 2, 2, 0);
    expect(ids(keptSetReference(tied, samplingParams({ topK: 2 })).kept)).toEqual([1, 2, 3]);
    expect(keptSetReference(tied, samplingParams({ topK: 5 })).numKept).toBe(5);
  });

  it("top-p keeps the token that crosses p and nothing after it", () => {
    expect(ids(keptSetReference(z, samplingParams({ topP: 0.5 })).kept)).toEqual([0]);
    expect(ids(keptSetReference(z, samplingParams({ topP: 0.6 })).kept)).toEqual([0, 1]);
    expect(ids(keptSetReference(z, samplingParams({ topP: 0.9 })).kept)).toEqual([0, 1, 2]);
    expect(ids(keptSetReference(z, samplingParams({ topP: 0.99 })).kept)).toEqual([0, 1, 2, 3]);
  });

  it("top-p renormalizes over what top-k kept", () => {
    // Over tokens 0 and 1: 0.5 / 0.8 = 0.625 ≥ 0.6, so only token 0 survives.
    expect(ids(keptSetReference(z, samplingParams({ topK: 2, topP: 0.6 })).kept)).toEqual([0]);
  });

  it("min-p keeps tokens at least minP times as likely as the most likely", () => {
    expect(ids(keptSetReference(z, samplingParams({ minP: 0.25 })).kept)).toEqual([0, 1, 2]);
    expect(ids(keptSetReference(z, samplingParams({ minP: 0.7 })).kept)).toEqual([0]);
  });

  it("reports the smallest kept value as the cut", () => {
    const set = keptSetReference(z, samplingParams({ topK: 3 }));
    expect(set.cut).toBe(z[2]);
    expect(set.numKept).toBe(3);
  });
});
