import { describe, expect, it } from "vitest";
import { decodeKvRow, encodeKvRow } from "./kv-cache-codec.js";
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
  it("f16 rows hold @pagoda/numerics' saturating halves: overflow gives ±65504, never inf", () => {
    const x = [65504, 65520, -1e9, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -25, 1.5 * 2 ** -25, Number.NaN];
    const view = new DataView(new ArrayBuffer(2 * x.length));
    encodeKvRow("f16", x, view, 0);
    const bits = Array.from(x, (_, i) => view.getUint16(2 * i, true));
    expect(bits.slice(0, 7)).toEqual([0x7bff, 0x7bff, 0xfbff, 0x3c00, 0x3c02, 0, 1]);
    expect((bits[7] as number) & 0x7fff).toBe(0x7e00);
    const out = new Float32Array(x.length);
    decodeKvRow("f16", view, 0, out);
    expect(Array.from(out.subarray(0, 3))).toEqual([65504, 65504, -65504]);
    expect(Number.isNaN(out[7])).toBe(true);
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
