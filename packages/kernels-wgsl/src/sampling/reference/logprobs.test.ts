import { describe, expect, it } from "vitest";
import { rawLogprobsReference } from "./logprobs.js";

describe("rawLogprobsReference", () => {
  it("is the log-softmax at the token, with rank and the top entries in order", () => {
    const logits = Float32Array.of(1, 3, 2, 3, -1);
    const sum = [1, 3, 2, 3, -1].reduce((s, x) => s + Math.exp(x), 0);
    const got = rawLogprobsReference(logits, 2, 3);
    expect(got.logprob).toBeCloseTo(2 - Math.log(sum), 12);
    expect(got.rank).toBe(3);
    expect(got.topIds).toEqual([1, 3, 2]); // the tie at 3 in id order
    expect(got.topLogprobs[0]).toBeCloseTo(3 - Math.log(sum), 12);
  });

  it("returns no more entries than the vocabulary holds", () => {
    const got = rawLogprobsReference(Float32Array.of(0, 0), 1, 20);
    expect(got.topIds).toEqual([0, 1]);
    expect(got.rank).toBe(1);
    expect(got.logprob).toBeCloseTo(Math.log(0.5), 12);
  });
});
