import { describe, expect, it } from "vitest";
import { f16ToF32, f32ToF16 } from "./arrays.js";
import { f16BitsToF32, f32ToF16Bits, f32ToF16BitsSaturating } from "./f16.js";
import { bitsOfF32, definedValue, expectedBits, f32OfBits, HALF, uint32Stream } from "./testing/reference.js";

const ALL = Uint16Array.from({ length: 65536 }, (_, h) => h);
const isNaNHalf = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
const same = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : Object.is(a, b));

/** Every f32 that sits exactly between two neighbouring halves, and one f32 step either side. */
function tiesAndNeighbours(): number[] {
  const xs: number[] = [];
  for (let h = 0; h < 0x7c00; h++) {
    const lo = definedValue(HALF, h);
    const hi = h === 0x7bff ? 65536 : definedValue(HALF, h + 1); // 65536: where the step to inf sits
    const mid = bitsOfF32((lo + hi) / 2); // exact: 12 significant bits fit an f32
    for (const b of [mid - 1, mid, mid + 1]) xs.push(f32OfBits(b), -f32OfBits(b));
  }
  return xs;
}

/** f32s over every exponent, plus a dense sample of the half range. */
function randomF32s(n: number): Float32Array {
  const next = uint32Stream(0x5eed);
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    // Half the draws have exponents 100..147 (half subnormals through overflow), half any bits.
    bits[i] = i % 2 === 0 ? r : (r & 0x807fffff) | ((100 + (next() % 48)) << 23);
  }
  return new Float32Array(bits.buffer);
}

describe("f16 -> f32", () => {
  it("decodes all 65,536 halves to their IEEE value: ±0, subnormals, ±inf and NaN included", () => {
    const out = f16ToF32(ALL);
    const wrong = Array.from(ALL).filter(
      (h) => !same(f16BitsToF32(h), definedValue(HALF, h)) || !same(out[h] as number, definedValue(HALF, h)),
    );
    expect(wrong).toEqual([]);
    expect(Object.is(f16BitsToF32(0x8000), -0)).toBe(true);
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToF32(0x7bff)).toBe(65504);
    expect(f16BitsToF32(0x13c00)).toBe(1); // only the low 16 bits count
  });
});

describe("f32 -> f16", () => {
  it("round-trips every half (array form: NaNs keep sign and payload, quieted)", () => {
    const back = f32ToF16(f16ToF32(ALL));
    const wrong = Array.from(ALL).filter((h) => {
      if (isNaNHalf(h))
        return back[h] !== (h | 0x200) || !Number.isNaN(f16BitsToF32(f32ToF16Bits(f16BitsToF32(h))));
      return back[h] !== h || f32ToF16Bits(f16BitsToF32(h)) !== h;
    });
    expect(wrong).toEqual([]);
  });

  it("rounds every tie to even and each f32 beside a tie to the nearer half, overflow to inf", () => {
    const xs = tiesAndNeighbours();
    const got = f32ToF16(Float32Array.from(xs));
    const wrong = xs.filter(
      (x, i) => f32ToF16Bits(x) !== expectedBits(HALF, x) || got[i] !== expectedBits(HALF, x),
    );
    expect(xs.length).toBe(6 * 0x7c00);
    expect(wrong).toEqual([]);
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1 + 2^-10: even is 1
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16Bits(2 ** -25)).toBe(0); // half the smallest subnormal: even is 0
    expect(f32ToF16Bits(65519.99)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(-1e6)).toBe(0xfc00);
    expect(f32ToF16Bits(-1e-9)).toBe(0x8000);
  });

  it("matches the reference on 400,000 f32s over every exponent; NaN stays a quiet NaN", () => {
    const xs = randomF32s(400_000);
    const got = f32ToF16(xs);
    const bits = new Uint32Array(xs.buffer);
    const wrong: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as number;
      const b = bits[i] as number;
      const want = Number.isNaN(x)
        ? ((b >>> 16) & 0x8000) | 0x7e00 | ((b >>> 13) & 0x3ff)
        : expectedBits(HALF, x);
      if (got[i] !== want || (!Number.isNaN(x) && f32ToF16Bits(x) !== want)) wrong.push(b);
    }
    expect(wrong).toEqual([]);
    expect(isNaNHalf(f32ToF16Bits(Number.NaN))).toBe(true);
  });
});

describe("f32 -> f16, saturating", () => {
  it("is the rounding above except that finite overflow gives ±65504 and NaN the quiet NaN 0x7e00", () => {
    const xs = [...tiesAndNeighbours(), ...randomF32s(100_000)];
    const wrong = xs.filter((x) => {
      if (Number.isNaN(x)) return (f32ToF16BitsSaturating(x) & 0x7fff) !== 0x7e00;
      const ieee = expectedBits(HALF, x);
      const want = (ieee & 0x7fff) === 0x7c00 && Number.isFinite(x) ? (ieee & 0x8000) | 0x7bff : ieee;
      return f32ToF16BitsSaturating(x) !== want;
    });
    expect(wrong).toEqual([]);
    expect(f32ToF16BitsSaturating(65504)).toBe(0x7bff);
    expect(f32ToF16BitsSaturating(65520)).toBe(0x7bff); // would round to inf
    expect(f32ToF16BitsSaturating(3.4e38)).toBe(0x7bff);
    expect(f32ToF16BitsSaturating(-1e9)).toBe(0xfbff);
    expect(f32ToF16BitsSaturating(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(f32ToF16BitsSaturating(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(f32ToF16BitsSaturating(1 + 2 ** -11)).toBe(0x3c00);
    expect(f32ToF16BitsSaturating(2 ** -24)).toBe(1);
  });
});
