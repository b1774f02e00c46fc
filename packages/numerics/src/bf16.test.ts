import { describe, expect, it } from "vitest";
import { bf16ToF32, f32ToBf16 } from "./arrays.js";
import { bf16BitsToF32, f32ToBf16Bits } from "./bf16.js";
import { BF16, definedValue, expectedBits, f32OfBits, uint32Stream } from "./testing/reference.js";

const ALL = Uint16Array.from({ length: 65536 }, (_, b) => b);
const isNaNBf16 = (b: number) => (b & 0x7f80) === 0x7f80 && (b & 0x7f) !== 0;
const same = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : Object.is(a, b));

describe("bf16 -> f32", () => {
  it("decodes all 65,536 bf16 patterns to their value: ±0, subnormals, ±inf and NaN included", () => {
    const out = bf16ToF32(ALL);
    const wrong = Array.from(ALL).filter(
      (b) => !same(bf16BitsToF32(b), definedValue(BF16, b)) || !same(out[b] as number, definedValue(BF16, b)),
    );
    expect(wrong).toEqual([]);
    expect(bf16BitsToF32(0x0001)).toBe(2 ** -133);
    expect(bf16BitsToF32(0x4049)).toBe(3.140625);
  });
});

describe("f32 -> bf16", () => {
  it("round-trips every bf16 (array form: NaNs keep sign and payload, quieted)", () => {
    const back = f32ToBf16(bf16ToF32(ALL));
    const wrong = Array.from(ALL).filter((b) =>
      isNaNBf16(b) ? back[b] !== (b | 0x40) : back[b] !== b || f32ToBf16Bits(bf16BitsToF32(b)) !== b,
    );
    expect(wrong).toEqual([]);
  });

  it("rounds every tie to even and each f32 beside a tie to the nearer bf16, overflow to inf", () => {
    // f32 bits (b << 16) | 0x8000 are exactly between bf16 b and b + 1, for every finite b.
    const xs: number[] = [];
    for (let b = 0; b < 0x10000; b++) {
      if ((b & 0x7f80) === 0x7f80) continue;
      const mid = ((b << 16) | 0x8000) >>> 0;
      for (const bits of [mid - 1, mid, mid + 1]) xs.push(f32OfBits(bits));
    }
    const got = f32ToBf16(Float32Array.from(xs));
    const wrong = xs.filter(
      (x, i) => f32ToBf16Bits(x) !== expectedBits(BF16, x) || got[i] !== expectedBits(BF16, x),
    );
    expect(xs.length).toBe(3 * (0x10000 - 2 * 0x80));
    expect(wrong).toEqual([]);
    expect(f32ToBf16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie: even
    expect(f32ToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(f32ToBf16Bits(3.4028234663852886e38)).toBe(0x7f80); // past the largest bf16
    expect(f32ToBf16Bits(Number.NEGATIVE_INFINITY)).toBe(0xff80);
  });

  it("matches the reference on 200,000 random f32 bit patterns; NaN stays a quiet NaN", () => {
    const next = uint32Stream(0xbf16);
    const bits = Uint32Array.from({ length: 200_000 }, next);
    const xs = new Float32Array(bits.buffer);
    const got = f32ToBf16(xs);
    const wrong: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as number;
      const want = Number.isNaN(x) ? ((bits[i] as number) >>> 16) | 0x40 : expectedBits(BF16, x);
      if (got[i] !== want || (!Number.isNaN(x) && f32ToBf16Bits(x) !== want)) wrong.push(bits[i] as number);
    }
    expect(wrong).toEqual([]);
    expect(isNaNBf16(f32ToBf16Bits(Number.NaN))).toBe(true);
  });
});
