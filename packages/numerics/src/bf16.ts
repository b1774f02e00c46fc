import { f32Bits, f32FromBits } from "./float-bits.js";

// bfloat16 is the top half of an f32: decoding is a shift, encoding rounds the low 16 bits away.

/** The bf16 bit pattern nearest to the f32 with bits `f` (ties to even; NaN stays a quiet NaN). */
export function floatBitsToBf16(f: number): number {
  if ((f & 0x7f800000) === 0x7f800000 && (f & 0x7fffff) !== 0) return (f >>> 16) | 0x40;
  // Adding 0x7fff plus the kept part's low bit rounds to nearest even; a carry bumps the exponent.
  return ((f + 0x7fff + ((f >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The f32 value of a bf16 bit pattern (its low 16 bits); exact. */
export function bf16BitsToF32(bits: number): number {
  return f32FromBits((bits & 0xffff) << 16);
}

/** The bf16 bit pattern nearest to `x` rounded to f32 (ties to even; NaN stays NaN, inf stays inf). */
export function f32ToBf16Bits(x: number): number {
  return floatBitsToBf16(f32Bits(x));
}
