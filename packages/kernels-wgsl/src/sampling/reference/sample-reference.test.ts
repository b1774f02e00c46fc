import { describe, expect, it } from "vitest";
import { seededRandom } from "../../testing/random.js";
import { samplingParams } from "../params.js";
import { chiSquare, softmax } from "../testing/stats.js";
import { sampleBatchReference, sampleReference, sampleTokenReference } from "./sample-reference.js";

describe("sampleReference", () => {
  it("is greedy argmax at temperature 0, the lowest id on ties", () => {
    const r = sampleReference(Float32Array.of(1, 5, 2, 5), samplingParams({ temperature: 0 }));
    expect(r).toMatchObject({ token: 1, numKept: 1, cut: 5, rank: 1 });
  });

  it("sampleTokenReference picks sampleReference's token without the log-probabilities", () => {
    const next = seededRandom(5);
    const logits = Float32Array.from({ length: 300 }, () => next() * 6);
    for (const p of [
      samplingParams({ temperature: 0 }),
      samplingParams({ temperature: 0.8, topK: 20, seed: 3, step: 4 }),
      samplingParams({ temperature: 1, topP: 0.5, seed: 9, step: 1, repetitionPenalty: 1.3 }),
    ]) {
      const history = { tokens: [4, 7, 7], numPromptTokens: 1 };
      const full = sampleReference(logits, p, history);
      expect(sampleTokenReference(logits, p, history)).toEqual({
        token: full.token,
        numKept: full.numKept,
        cut: full.cut,
      });
    }
  });

  it("penalizes before the argmax", () => {
    const logits = Float32Array.of(1, 5, 2, 4.5);
    const p = samplingParams({ temperature: 0, presencePenalty: 1 });
    expect(sampleReference(logits, p, { tokens: [1], numPromptTokens: 0 }).token).toBe(3);
    expect(sampleReference(logits, p, { tokens: [1], numPromptTokens: 1 }).token).toBe(1);
  });

  it("is a pure function of (logits, params): same seed and step, same token", () => {
    const next = seededRandom(3);
    const logits = Float32Array.from({ length: 50 }, () => next() * 4);
    const tokens = new Set<number>();
    for (let step = 0; step < 40; step++) {
      const p = samplingParams({ seed: 11, step });
      const a = sampleReference(logits, p).token;
      expect(sampleReference(logits, p).token).toBe(a);
      tokens.add(a);
    }
    expect(tokens.size).toBeGreaterThan(5); // different steps draw different tokens
  });

  it("samples softmax(logits / temperature) (chi-square, 6 categories, 6000 draws)", () => {
    const logits = Float32Array.of(0.1, 1.2, -0.7, 0.4, 2.0, -2.5);
    const t = 1.3;
    const counts = new Array(6).fill(0);
    for (let step = 0; step < 6000; step++) {
      counts[sampleReference(logits, samplingParams({ temperature: t, seed: 99, step })).token]++;
    }
    // 99.99th percentile of chi-square with 5 degrees of freedom: 25.7.
    expect(chiSquare(counts, softmax(logits, t))).toBeLessThan(25.7);
  });

  it("never leaves the filtered set", () => {
    const logits = Float32Array.of(3, 2.9, 1, 0.5, 2.8, -1);
    for (let step = 0; step < 300; step++) {
      const token = sampleReference(logits, samplingParams({ topK: 3, seed: 1, step, temperature: 2 })).token;
      expect([0, 1, 4]).toContain(token);
    }
  });

  it("checks the batch shape", () => {
    expect(() => sampleBatchReference(new Float32Array(5), 2, [samplingParams()])).toThrow(/batch|logits/);
    expect(
      sampleBatchReference(Float32Array.of(0, 1, 1, 0), 2, [
        samplingParams({ temperature: 0 }),
        samplingParams({ temperature: 0 }),
      ]).map((r) => r.token),
    ).toEqual([1, 0]);
  });
});
