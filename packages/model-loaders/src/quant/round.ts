import { f16BitsToF32, f32ToF16Bits } from "@pagoda/numerics";

// Rounding as ggml's C does it, so the simple formats quantize to the same bytes as llama.cpp.

/** C's roundf: to nearest, halves away from zero (Math.round sends -2.5 to -2, roundf to -3). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** `x` rounded to nearest and clamped to [lo, hi]. */
export function roundClamp(x: number, lo: number, hi: number): number {
  const r = roundHalfAway(x);
  return Math.max(lo, Math.min(hi, r));
}

/** Writes a little-endian f16 bit pattern at `out[at]`. */
export function putHalf(out: Uint8Array, at: number, bits: number): void {
  out[at] = bits & 0xff;
  out[at + 1] = bits >> 8;
}

/** Stores `x` as f16 at `out[at]` and returns the value a reader will see. */
export function storeHalf(out: Uint8Array, at: number, x: number): number {
  const bits = f32ToF16Bits(x);
  putHalf(out, at, bits);
  return f16BitsToF32(bits);
}
