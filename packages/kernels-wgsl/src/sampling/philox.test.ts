import { describe, expect, it } from "vitest";
import { seededRandom } from "../testing/random.js";
import { mulHi32, philox4x32, seedKey, uniformFromBits } from "./philox.js";

const hex = (words: Uint32Array) => Array.from(words, (w) => w.toString(16).padStart(8, "0"));

describe("philox4x32", () => {
  // Known-answer vectors of Random123's tests/kat_vectors ("philox4x32 10" lines).
  it("matches the Random123 known-answer vectors", () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(["6627e8d5", "e169c58d", "bc57ac4c", "9b00dbd8"]);
    const ones = 0xffffffff;
    expect(hex(philox4x32([ones, ones, ones, ones], [ones, ones]))).toEqual([
      "408f276d",
      "41c83b0e",
      "a20bc7c6",
      "6d5451fd",
    ]);
    expect(
      hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ).toEqual(["d16cfe09", "94fdcceb", "5001e420", "24126ea1"]);
  });

  it("computes the high product word exactly", () => {
    const next = seededRandom(5);
    for (let i = 0; i < 2000; i++) {
      const a = Math.floor(next() * 2 ** 32);
      const b = i === 0 ? 0xffffffff : Math.floor(next() * 2 ** 32);
      const want = Number((BigInt(a) * BigInt(i === 0 ? 0xffffffff : b)) >> 32n);
      expect(mulHi32(a, i === 0 ? 0xffffffff : b)).toBe(want);
    }
  });
});

describe("uniformFromBits", () => {
  it("is exact in f32 and strictly inside (0, 1)", () => {
    for (const bits of [0, 1, 511, 512, 0x80000000, 0xfffffe00, 0xffffffff]) {
      const u = uniformFromBits(bits);
      expect(Math.fround(u)).toBe(u);
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
    }
    expect(uniformFromBits(0)).toBe(2 ** -24);
    expect(uniformFromBits(0xffffffff)).toBe(1 - 2 ** -24);
  });
});

describe("seedKey", () => {
  it("splits a 53-bit seed into low and high words", () => {
    expect(seedKey(7)).toEqual([7, 0]);
    expect(seedKey(2 ** 32 + 5)).toEqual([5, 1]);
    expect(seedKey(2 ** 53 - 1)).toEqual([0xffffffff, 0x1fffff]);
  });
});
