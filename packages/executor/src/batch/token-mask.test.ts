import { NO_HISTORY, type SamplingParams, sampleTokenReference } from "@pagoda/kernels-wgsl";
import { describe, expect, it } from "vitest";
import { applyTokenMask, maskAsBias } from "./token-mask.js";

const MASKED = Math.fround(-1e30);
const base: SamplingParams = {
  temperature: 0,
  topK: 0,
  topP: 1,
  minP: 0,
  seed: 0,
  step: 0,
  repetitionPenalty: 1,
  presencePenalty: 0,
  frequencyPenalty: 0,
  numLogprobs: 0,
};

function maskOf(vocab: number, allowed: number[]): Int32Array {
  const m = new Int32Array(Math.ceil(vocab / 32));
  for (const t of allowed) m[t >> 5] = (m[t >> 5] as number) | (1 << (t & 31));
  return m;
}

describe("applyTokenMask", () => {
  it("keeps allowed logits and pushes every other token to -1e30, across word boundaries", () => {
    const logits = Float32Array.from({ length: 70 }, (_, i) => i);
    const out = applyTokenMask(logits, maskOf(70, [0, 31, 32, 69]));
    expect(out[0]).toBe(0);
    expect(out[31]).toBe(31);
    expect(out[32]).toBe(32);
    expect(out[69]).toBe(69);
    expect(out[1]).toBe(MASKED);
    expect(out[68]).toBe(MASKED);
    expect(logits[68]).toBe(68);
  });

  it("rejects a mask too short for the vocabulary and one that allows nothing", () => {
    expect(() => applyTokenMask(new Float32Array(40), new Int32Array(1))).toThrow(/needs 2/);
    expect(() => applyTokenMask(new Float32Array(40), new Int32Array(2))).toThrow(/allows no token/);
  });
});

describe("maskAsBias", () => {
  it("bans exactly the masked-out tokens, replacing a caller's bias on them and keeping the rest", () => {
    const p = maskAsBias(
      {
        ...base,
        logitBias: [
          [1, 2],
          [3, 4],
        ],
      },
      maskOf(6, [0, 3]),
      6,
    );
    expect(p.logitBias).toEqual([
      [3, 4],
      [1, -1e30],
      [2, -1e30],
      [4, -1e30],
      [5, -1e30],
    ]);
  });

  it("samples like applyTokenMask through the kernels' reference, greedy and random", () => {
    const logits = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i) * 3);
    const mask = maskOf(40, [3, 17, 33, 39]);
    for (let seed = 0; seed < 10; seed++) {
      for (const temperature of [0, 1.5]) {
        const p = { ...base, temperature, seed };
        const viaBias = sampleTokenReference(logits, maskAsBias(p, mask, 40), NO_HISTORY).token;
        const viaMask = sampleTokenReference(applyTokenMask(logits, mask), p, NO_HISTORY).token;
        expect(viaBias).toBe(viaMask);
        expect([3, 17, 33, 39]).toContain(viaBias);
      }
    }
  });
});
