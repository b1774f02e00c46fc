import { describe, expect, it } from "vitest";
import { decodeKvRow, encodeKvRow, f16BitsToF32, f32ToF16Bits } from "./kv-cache-codec.js";
import { KV_CACHE_DTYPES, kvCacheRowBytes, parseKvCacheDtype } from "./kv-cache-dtype.js";
import { withCode } from "./testing/errors.js";

function roundTrip(dtype: "f32" | "f16" | "int8", x: Float32Array): Float32Array {
  const view = new DataView(new ArrayBuffer(kvCacheRowBytes(dtype, x.length) + 8));
  encodeKvRow(dtype, x, view, 8);
  const out = new Float32Array(x.length);
  decodeKvRow(dtype, view, 8, out);
  return out;
}

describe("KV cache dtypes and their row encoding", () => {
  it("f16 bits round to nearest even, subnormals and overflow included", () => {
    expect(f32ToF16Bits(1)).toBe(0x3c00);
    expect(f32ToF16Bits(-2)).toBe(0xc000);
    expect(f32ToF16Bits(65504)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7bff); // would round to Infinity: saturates
    expect(f32ToF16Bits(-1e9)).toBe(0xfbff);
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even mantissa
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16Bits(2 ** -24)).toBe(1);
    expect(f32ToF16Bits(2 ** -25)).toBe(0); // tie -> even (0)
    expect(f32ToF16Bits(1.5 * 2 ** -25)).toBe(1);
    // Every half value survives f16 -> f32 -> f16.
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      expect(f32ToF16Bits(f16BitsToF32(h))).toBe(h);
    }
  });

  it("f16 keeps a row within half an ulp; int8 within half a step of max|x| / 127", () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * (i + 1));
    const amax = Math.max(...x.map(Math.abs));
    expect(roundTrip("f32", x)).toEqual(x);
    const h = roundTrip("f16", x);
    const q = roundTrip("int8", x);
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      expect(Math.abs((h[i] as number) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
      expect(Math.abs((q[i] as number) - v)).toBeLessThanOrEqual((amax / 127) * 0.5001);
    }
    expect(Math.max(...q.map(Math.abs))).toBeCloseTo(amax, 4);
    expect(roundTrip("int8", new Float32Array(8))).toEqual(new Float32Array(8));
  });

  it("parses auto (f16) and the names, and rejects others", () => {
    expect(parseKvCacheDtype("auto")).toBe("f16");
    expect(parseKvCacheDtype(undefined)).toBe("f16");
    for (const d of KV_CACHE_DTYPES) expect(parseKvCacheDtype(d)).toBe(d);
    expect(() => parseKvCacheDtype("fp8")).toThrow(withCode("kv.invalid_argument"));
    expect(kvCacheRowBytes("int8", 64)).toBe(68);
  });
});
