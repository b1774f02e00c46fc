import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { OUT, OUTPUT_WORDS, PARAM, PARAM_WORDS } from "./layout.js";
import { decodeSamplingOutput } from "./output.js";
import { packSamplingInputs } from "./pack.js";
import { NO_HISTORY, samplingParams } from "./params.js";

describe("packSamplingInputs", () => {
  it("writes each field at its word and concatenates histories", () => {
    const a = samplingParams({ temperature: 0.5, topK: -1, topP: 0.75, minP: 0.125, seed: 2 ** 40 + 3 });
    const b = samplingParams({ step: 9, numLogprobs: 4, repetitionPenalty: 1.5, frequencyPenalty: -0.5 });
    const packed = packSamplingInputs(
      [a, b],
      [
        { tokens: [1, 2, 3], numPromptTokens: 2 },
        { tokens: [4, 4], numPromptTokens: 0 },
      ],
      10,
    );
    const f32 = new Float32Array(packed.params.buffer);
    const i32 = new Int32Array(packed.params.buffer);
    expect(packed.params.length).toBe(2 * PARAM_WORDS);
    expect(f32[PARAM.temperature]).toBe(0.5);
    expect(i32[PARAM.topK]).toBe(-1);
    expect(f32[PARAM.topP]).toBe(0.75);
    expect(f32[PARAM.minP]).toBe(0.125);
    expect([packed.params[PARAM.seedLo], packed.params[PARAM.seedHi]]).toEqual([3, 256]);
    expect([packed.params[PARAM.numPromptTokens], packed.params[PARAM.numOutputTokens]]).toEqual([2, 1]);
    const s1 = PARAM_WORDS;
    expect(packed.params[s1 + PARAM.step]).toBe(9);
    expect(packed.params[s1 + PARAM.numLogprobs]).toBe(4);
    expect(f32[s1 + PARAM.repetitionPenalty]).toBe(1.5);
    expect(f32[s1 + PARAM.frequencyPenalty]).toBe(-0.5);
    expect(packed.params[s1 + PARAM.historyStart]).toBe(3);
    expect([...packed.history]).toEqual([1, 2, 3, 4, 4]);
  });

  it("rejects bad parameters and token ids with a coded error", () => {
    const bad = [
      samplingParams({ temperature: -1 }),
      samplingParams({ topP: 0 }),
      samplingParams({ minP: 2 }),
      samplingParams({ seed: 1.5 }),
      samplingParams({ numLogprobs: 21 }),
      samplingParams({ repetitionPenalty: 0 }),
    ];
    for (const p of bad) {
      expect(() => packSamplingInputs([p], [NO_HISTORY], 10)).toThrowError(
        expect.objectContaining({ code: "sampling.bad_param" }),
      );
    }
    try {
      packSamplingInputs([samplingParams()], [{ tokens: [10], numPromptTokens: 1 }], 10);
      expect.unreachable();
    } catch (err) {
      expect(isPagodaError(err, "sampling.bad_param")).toBe(true);
    }
    expect(() => packSamplingInputs([samplingParams()], [], 10)).toThrow(/histories/);
  });
});

describe("decodeSamplingOutput", () => {
  it("reads each record's fields and only its numTop top entries", () => {
    const words = new Uint32Array(2 * OUTPUT_WORDS);
    const f32 = new Float32Array(words.buffer);
    const at = OUTPUT_WORDS;
    words[at + OUT.token] = 42;
    f32[at + OUT.logprob] = -0.5;
    words[at + OUT.rank] = 3;
    words[at + OUT.numKept] = 7;
    f32[at + OUT.cut] = 1.25;
    words[at + OUT.numTop] = 2;
    words.set([9, 8, 77], at + OUT.topIds);
    f32.set([-0.25, -1, -9], at + OUT.topLogprobs);
    const [first, second] = decodeSamplingOutput(words.buffer, 2);
    expect(first).toMatchObject({ token: 0, topIds: [], topLogprobs: [] });
    expect(second).toEqual({
      token: 42,
      logprob: -0.5,
      rank: 3,
      numKept: 7,
      cut: 1.25,
      topIds: [9, 8],
      topLogprobs: [-0.25, -1],
    });
  });

  it("packs logit-bias pairs after each sequence's tokens and counts them", () => {
    const { params, history } = packSamplingInputs(
      [
        samplingParams({
          logitBias: [
            [5, -1.5],
            [9, 2],
          ],
        }),
        samplingParams(),
      ],
      [
        { tokens: [1, 2, 3], numPromptTokens: 1 },
        { tokens: [4], numPromptTokens: 1 },
      ],
      16,
    );
    expect(params[PARAM.numBias]).toBe(2);
    expect(params[PARAM_WORDS + PARAM.numBias]).toBe(0);
    expect(params[PARAM_WORDS + PARAM.historyStart]).toBe(7);
    const f32 = new Float32Array(history.buffer);
    expect([history[3], f32[4], history[5], f32[6], history[7]]).toEqual([5, -1.5, 9, 2, 4]);
  });

  it.each([
    [[[16, 1]], "not a token id < 16"],
    [
      [
        [3, 1],
        [3, 2],
      ],
      "token id given twice",
    ],
    [[[3, Number.NaN]], "bias must be finite"],
  ] as const)("rejects logit bias %j with a typed error (%s)", (logitBias, why) => {
    const bias = logitBias as unknown as Array<[number, number]>;
    let err: unknown;
    try {
      packSamplingInputs([samplingParams({ logitBias: bias })], [NO_HISTORY], 16);
    } catch (e) {
      err = e;
    }
    expect(isPagodaError(err) && err.code).toBe("sampling.bad_param");
    expect(String((err as Error).message)).toContain(why);
  });
});
