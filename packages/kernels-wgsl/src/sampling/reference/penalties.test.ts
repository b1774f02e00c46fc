import { describe, expect, it } from "vitest";
import { samplingParams } from "../params.js";
import { penalizeReference, scoresReference } from "./penalties.js";

const logits = Float32Array.of(2, -2, 4, -4, 1, 0);
const history = { tokens: [0, 1, 2, 2, 4, 2], numPromptTokens: 2 }; // output: 2, 2, 4, 2

describe("penalizeReference", () => {
  it("divides positive and multiplies non-positive logits of every seen token by the repetition penalty", () => {
    const got = penalizeReference(logits, samplingParams({ repetitionPenalty: 2 }), history);
    expect([...got]).toEqual([1, -4, 2, -4, 0.5, 0]);
  });

  it("subtracts frequency × output count and presence once, for output tokens only", () => {
    const got = penalizeReference(
      logits,
      samplingParams({ frequencyPenalty: 0.5, presencePenalty: 0.25 }),
      history,
    );
    // token 2 appears 3 times in the output, token 4 once; prompt tokens 0 and 1 are untouched.
    expect([...got]).toEqual([2, -2, 4 - 1.5 - 0.25, -4, 1 - 0.5 - 0.25, 0]);
  });

  it("applies repetition first, then frequency, then presence, rounding each step to f32", () => {
    const p = samplingParams({ repetitionPenalty: 1.3, frequencyPenalty: 0.1, presencePenalty: 0.7 });
    const got = penalizeReference(logits, p, history);
    const f = Math.fround;
    const rep = f(1.3);
    expect(got[2]).toBe(f(f(f(4 / rep) - f(3 * f(0.1))) - f(0.7)));
    expect(got[1]).toBe(f(-2 * rep));
    expect(got[3]).toBe(-4);
  });

  it("leaves the logits alone when every penalty is off, and scales by temperature", () => {
    expect([...penalizeReference(logits, samplingParams(), history)]).toEqual([...logits]);
    const scaled = scoresReference(logits, samplingParams({ temperature: 0.5 }), history);
    expect([...scaled]).toEqual([4, -4, 8, -8, 2, 0]);
    const greedy = scoresReference(logits, samplingParams({ temperature: 0 }), history);
    expect([...greedy]).toEqual([...logits]);
  });
});
