import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bf16BitsToF32,
  bf16ToF32,
  f16BitsToF32,
  f16ToF32,
  f32ToBf16,
  f32ToBf16Bits,
  f32ToF16,
  f32ToF16Bits,
} from "./convert.js";

// Independent oracle: the IEEE half definition evaluated in double precision.
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  if (exp === 0) return sign * mant * 2 ** -24;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

// Every non-negative finite half in increasing order, plus 65536 standing for the step to inf.
const positives = Array.from({ length: 0x7c01 }, (_, h) => ({ h, v: h === 0x7c00 ? 65536 : halfValue(h) }));

function nearestHalf(x: number): number {
  const a = Math.abs(x);
  let lo = 0;
  let hi = positives.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((positives[mid]?.v as number) <= a) lo = mid;
    else hi = mid;
  }
  const l = positives[lo] as { h: number; v: number };
  const u = positives[hi] as { h: number; v: number };
  let pick = l;
  if (a >= 65536) pick = positives[0x7c00] as { h: number; v: number };
  else if (a - l.v > u.v - a || (a - l.v === u.v - a && (u.h & 1) === 0)) pick = u;
  else if (a === u.v) pick = u;
  return (x < 0 || Object.is(x, -0) ? 0x8000 : 0) | pick.h;
}

describe("F16 ↔ F32", () => {
  it("decodes all 65,536 halves exactly, subnormals, ±0, ±inf and NaN included", () => {
    const src = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const out = new Float32Array(65536);
    f16ToF32(src, out);
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const want = halfValue(h);
      const got = out[h] as number;
      const ok = Number.isNaN(want) ? Number.isNaN(got) : Object.is(got, want);
      if (!ok || !Object.is(f16BitsToF32(h), got)) wrong.push(h);
    }
    expect(wrong).toEqual([]);
    expect(Object.is(f16BitsToF32(0x8000), -0)).toBe(true);
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToF32(0x7bff)).toBe(65504);
  });

  it("round-trips every half through F32 (NaNs stay NaN)", () => {
    const src = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const f32 = new Float32Array(65536);
    f16ToF32(src, f32);
    const back = f32ToF16(f32);
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const ok = Number.isNaN(f32[h]) ? Number.isNaN(f16BitsToF32(back[h] as number)) : back[h] === h;
      if (!ok) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  it("rounds F32 to the nearest half, ties to even, overflow to inf", () => {
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(65519.99)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(-1e6)).toBe(0xfc00);
    expect(f32ToF16Bits(2 ** -25)).toBe(0); // exactly half the smallest subnormal: tie to even 0
    expect(f32ToF16Bits(2 ** -25 * 1.0001)).toBe(1);
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1+2^-10: even is 1
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(f16BitsToF32(f32ToF16Bits(Number.NaN)))).toBe(true);
    expect(f32ToF16Bits(70000)).toBe(0x7c00);
    expect(f32ToF16Bits(-1e-9)).toBe(0x8000);
    expect(f32ToF16Bits(2 ** -24)).toBe(1);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.float({ noNaN: true, min: -70000, max: 70000 }),
          fc.float({ noNaN: true, min: Math.fround(-1e-3), max: Math.fround(1e-3) }),
        ),
        (x) => f32ToF16Bits(x) === nearestHalf(x),
      ),
      { numRuns: 20000 },
    );
  });
});

describe("whole arrays", () => {
  it("decode into a new array when no output is given", () => {
    const half = f32ToF16(new Float32Array([0.1, -3.75, 1024.5, 6e-5]));
    const out = new Float32Array(4);
    expect(f16ToF32(half, out)).toBe(out);
    expect(Array.from(f16ToF32(half))).toEqual(Array.from(out));
    expect(Array.from(bf16ToF32(Uint16Array.of(0x3f80, 0xc040, 0x0000)))).toEqual([1, -3, 0]);
  });
});

describe("BF16 ↔ F32", () => {
  it("decodes bf16 as the top half of an F32", () => {
    const src = Uint16Array.from([0x3f80, 0xbf80, 0x7f80, 0xff80, 0x7fc0, 0x0001, 0x8000, 0x4049]);
    const out = new Float32Array(src.length);
    bf16ToF32(src, out);
    expect(Array.from(out.subarray(0, 4))).toEqual([
      1,
      -1,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(Number.isNaN(out[4])).toBe(true);
    expect(out[5]).toBe(2 ** -133); // subnormal
    expect(Object.is(out[6], -0)).toBe(true);
    expect(out[7]).toBe(3.140625);
    expect(bf16BitsToF32(0x4049)).toBe(3.140625);
  });

  it("rounds F32 to nearest bf16 with ties to even, keeping NaN and inf", () => {
    expect(f32ToBf16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie: even
    expect(f32ToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(f32ToBf16Bits(Number.POSITIVE_INFINITY)).toBe(0x7f80);
    expect(f32ToBf16Bits(3.4028234663852886e38)).toBe(0x7f80); // rounds up past the largest bf16
    expect(Number.isNaN(bf16BitsToF32(f32ToBf16Bits(Number.NaN)))).toBe(true);
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const b = f32ToBf16Bits(x);
        const v = bf16BitsToF32(b);
        // The result is one of the two neighbours and at least as close as the other one.
        const t = Math.fround(x);
        const down = bf16BitsToF32((new Uint32Array(new Float32Array([t]).buffer)[0] as number) >>> 16);
        const up = bf16BitsToF32(((new Uint32Array(new Float32Array([t]).buffer)[0] as number) >>> 16) + 1);
        const upValue = Number.isFinite(up) ? up : Math.sign(t) * 2 ** 128;
        const vValue = v === up ? upValue : v;
        return (
          (v === down || v === up) &&
          Math.abs(vValue - t) <= Math.min(Math.abs(t - down), Math.abs(upValue - t))
        );
      }),
      { numRuns: 20000 },
    );
    const arr = f32ToBf16(new Float32Array([1, -2, 0.5]));
    expect(Array.from(arr)).toEqual([0x3f80, 0xc000, 0x3f00]);
  });
});
