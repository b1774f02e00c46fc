import { describe, expect, it } from "vitest";
import { PARAM, PARAM_WORDS } from "./layout.js";
import { packSamplingInputs } from "./pack.js";
import { NO_HISTORY, samplingParams } from "./params.js";
import { sampleReference, sampleTokenReference } from "./reference/sample-reference.js";
import { checkTokenMask, MASKED_LOGIT, maskLogits, tokenAllowed } from "./token-mask.js";

/** A packed mask over `vocab` tokens allowing `allowed`. */
export function maskOf(vocab: number, allowed: readonly number[]): Int32Array {
  const m = new Int32Array(Math.ceil(vocab / 32));
  for (const t of allowed) m[t >> 5] = (m[t >> 5] as number) | (1 << (t & 31));
  return m;
}

describe("token masks", () => {
  it("maskLogits keeps allowed logits and pushes every other token to -1e30, across word boundaries", () => {
    const logits = Float32Array.from({ length: 70 }, (_, i) => i);
    const out = maskLogits(logits, maskOf(70, [0, 31, 32, 69]));
    expect([out[0], out[31], out[32], out[69]]).toEqual([0, 31, 32, 69]);
    expect(out[1]).toBe(MASKED_LOGIT);
    expect(out[68]).toBe(MASKED_LOGIT);
    expect(logits[68]).toBe(68); // the input is left alone
    expect(tokenAllowed(maskOf(70, [31]), 31)).toBe(true); // bit 31: a negative Int32 word
  });

  it("maskLogits equals the per-token rule on random masks with full, empty and mixed words", () => {
    for (const vocab of [1, 31, 32, 33, 1000, 4099]) {
      const logits = Float32Array.from({ length: vocab }, (_, i) => Math.cos(i) * 5);
      const words = Math.ceil(vocab / 32);
      const mask = Int32Array.from(
        { length: words },
        (_, w) => [-1, 0, 0x5a5a1234, 1 << 31, -2][w % 5] as number,
      );
      mask[0] = (mask[0] as number) | 1; // at least one token allowed
      const out = maskLogits(logits, mask, new Float32Array(vocab + 5));
      expect(out.length).toBe(vocab);
      for (let t = 0; t < vocab; t++) expect(out[t]).toBe(tokenAllowed(mask, t) ? logits[t] : MASKED_LOGIT);
    }
  });

  it("rejects a mask too short for the vocabulary and one that allows nothing (tail bits do not count)", () => {
    expect(() => checkTokenMask(new Int32Array(1), 40)).toThrow(/needs 2/);
    expect(() => checkTokenMask(new Int32Array(2), 40)).toThrow(/allows no token/);
    // Bits past a 40-token vocabulary (tokens 40..63) allow nothing.
    expect(() => checkTokenMask(Int32Array.of(0, 1 << 9), 40)).toThrow(/allows no token/);
    expect(() => maskLogits(new Float32Array(40), maskOf(40, [1]), new Float32Array(10))).toThrow(
      /holds 10 of 40/,
    );
    expect(() =>
      sampleReference(new Float32Array(40), samplingParams({ tokenMask: new Int32Array(1) })),
    ).toThrow(expect.objectContaining({ code: "sampling.bad_token_mask" }));
  });

  it("the reference samples only allowed tokens, greedy and random, with penalties and a bias", () => {
    const vocab = 300;
    const logits = Float32Array.from({ length: vocab }, (_, i) => Math.sin(i) * 4);
    const allowed = [3, 17, 33, 64, 255, 299];
    const tokenMask = maskOf(vocab, allowed);
    const history = { tokens: [3, 17, 17, 5], numPromptTokens: 1 };
    for (let seed = 0; seed < 40; seed++) {
      for (const temperature of [0, 1.5]) {
        const p = samplingParams({
          temperature,
          seed,
          tokenMask,
          repetitionPenalty: 1.3,
          logitBias: [[5, 50]],
        });
        const r = sampleReference(logits, p, history);
        expect(allowed).toContain(r.token); // the +50 bias on banned token 5 does not bring it back
        expect(sampleTokenReference(logits, p, history).token).toBe(r.token);
        // Same as sampling the masked row without a mask: the mask comes before everything.
        const { tokenMask: _, ...unmasked } = p;
        expect(sampleReference(maskLogits(logits, tokenMask), unmasked, history)).toEqual(r);
      }
    }
  });

  it("packs the mask's words after the bias pairs and flags the record", () => {
    const vocab = 70;
    const tokenMask = maskOf(vocab, [0, 31, 69]);
    const packed = packSamplingInputs(
      [samplingParams({ logitBias: [[4, 1]] }), samplingParams({ tokenMask, logitBias: [[2, 0.5]] })],
      [{ tokens: [1, 2, 3], numPromptTokens: 1 }, NO_HISTORY],
      vocab,
    );
    expect(packed.params[PARAM.hasMask]).toBe(0);
    expect(packed.params[PARAM_WORDS + PARAM.hasMask]).toBe(1);
    // Row 0: 3 tokens + 1 bias pair; row 1: 1 bias pair, then 3 mask words.
    expect(packed.history.length).toBe(3 + 2 + 2 + 3);
    expect([...packed.history.subarray(7)]).toEqual([...new Uint32Array(tokenMask.buffer)]);
  });
});
