import { f32Bits, f32FromBits } from "./float-bits.js";

// f32 <-> IEEE 754 binary16 on bit patterns, exact both ways. Decoding goes through a table of
// all 65,536 halves; encoding rounds to nearest, ties to even, on the f32 bits.

/** The f32 bits of one half bit pattern: exact (every half, subnormals included, is a normal f32). */
function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0; // inf, or NaN with its payload
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal half: shift its leading 1 into the implicit bit of a normal f32.
  let e = 113;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

let table: Uint32Array | undefined;

/** All 65,536 halves decoded once (256 KiB, on first use): a lookup beats bit fiddling in hot loops. */
export function halfTable(): Uint32Array {
  if (!table) {
    table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = halfToFloatBits(h);
  }
  return table;
}

/** The half bit pattern nearest to the f32 with bits `f` (ties to even; overflow -> inf; NaN stays a quiet NaN). */
export function floatBitsToHalf(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const exp = (f >>> 23) & 0xff;
  const mant = f & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant === 0 ? 0 : 0x200 | (mant >>> 13));
  const he = exp - 112; // the half's biased exponent
  if (he >= 0x1f) return sign | 0x7c00;
  if (he <= 0) {
    if (he < -10) return sign; // below half the smallest subnormal: rounds to zero
    const m = mant | 0x800000;
    const shift = 14 - he;
    const kept = m >>> shift;
    return sign | (kept + roundUp(m, shift, kept));
  }
  // A carry out of the mantissa correctly bumps the exponent (and reaches inf at the top).
  const kept = (he << 10) | (mant >>> 13);
  return sign | (kept + roundUp(mant, 13, kept));
}

/** 1 when dropping the low `shift` bits of `m` rounds `kept` up (nearest, ties to even). */
function roundUp(m: number, shift: number, kept: number): number {
  const rem = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rem > half || (rem === half && (kept & 1) === 1) ? 1 : 0;
}

/** The f32 value of a half bit pattern (its low 16 bits); exact, with ±0, subnormals, ±inf and NaN. */
export function f16BitsToF32(bits: number): number {
  return f32FromBits(halfTable()[bits & 0xffff] as number);
}

/** The half bit pattern nearest to `x` rounded to f32 (ties to even; beyond the range -> ±inf). */
export function f32ToF16Bits(x: number): number {
  return floatBitsToHalf(f32Bits(x));
}

/**
 * As {@link f32ToF16Bits}, but a finite value beyond ±65504 becomes ±65504 (0x7bff) instead of
 * ±inf, and a NaN becomes the quiet NaN 0x7e00 with its sign. For KV caches: one inf key turns
 * a whole attention row into NaN, and the kernels decode without an inf path. ±inf stays ±inf
 * (it is already broken input). The WASM kernels' cache write is this function bit for bit.
 */
export function f32ToF16BitsSaturating(x: number): number {
  const f = f32Bits(x);
  const h = floatBitsToHalf(f);
  const sign = h & 0x8000;
  if ((h & 0x7c00) !== 0x7c00) return h;
  if ((h & 0x3ff) !== 0) return sign | 0x7e00; // NaN, payload dropped
  return (f & 0x7fffffff) === 0x7f800000 ? h : sign | 0x7bff;
}
