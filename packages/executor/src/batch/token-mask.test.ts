import { describe, expect, it } from "vitest";
import { applyTokenMask } from "./token-mask.js";

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
    expect(out[1]).toBe(Math.fround(-1e30));
    expect(out[68]).toBe(Math.fround(-1e30));
    expect(logits[68]).toBe(68);
  });

  it("rejects a mask too short for the vocabulary and one that allows nothing", () => {
    expect(() => applyTokenMask(new Float32Array(40), new Int32Array(1))).toThrow(/needs 2/);
    expect(() => applyTokenMask(new Float32Array(40), new Int32Array(2))).toThrow(/allows no token/);
  });
});
