import { checkSameLength } from "./errors.js";
import { f32Bits, f32FromBits } from "./float-bits.js";

// bfloat16 is the top half of an f32: decoding is a shift, encoding rounds the low 16 bits away.

/** The bf16 bit pattern nearest to the f32 with bits `f` (ties to even; NaN stays a quiet NaN). */
function floatBitsToBf16(f: number): number {
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

/** Decodes bf16 bit patterns into `out` (same length; a new array by default) and returns it. */
export function bf16ToF32(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  checkSameLength("bf16ToF32", src, out);
  const dst = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) dst[i] = (src[i] as number) << 16;
  return out;
}

/** Encodes f32 values as bf16 bit patterns (nearest, ties to even) into `out` and returns it. */
export function f32ToBf16(src: Float32Array, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  checkSameLength("f32ToBf16", src, out);
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) out[i] = floatBitsToBf16(bits[i] as number);
  return out;
}
