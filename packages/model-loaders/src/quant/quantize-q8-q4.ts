// Q8_0 and Q4_0 quantize as ggml's quantize_row_q8_0_ref / quantize_row_q4_0_ref do (f32 arithmetic,
// the same rounding), so Pagoda's packed bytes match llama.cpp's for the same F32 input.

import { f32ToF16Bits } from "@pagoda/numerics";
import { putHalf, roundHalfAway } from "./round.js";

const f = Math.fround;

/** One Q8_0 block: d = amax / 127, q = round(x / d). */
export function quantizeQ8_0Block(x: Float32Array, xo: number, out: Uint8Array, o: number): void {
  let amax = 0;
  for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[xo + j] as number));
  const d = f(amax / 127);
  const id = d !== 0 ? f(1 / d) : 0;
  putHalf(out, o, f32ToF16Bits(d));
  for (let j = 0; j < 32; j++) out[o + 2 + j] = roundHalfAway(f((x[xo + j] as number) * id)) & 0xff;
}

/**
 * One Q4_0 block: d = (the value of largest magnitude) / -8, so that value is exactly -8·d and the
 * other side gets the 7 remaining steps; q = trunc(x / d + 8.5) capped at 15.
 */
export function quantizeQ4_0Block(x: Float32Array, xo: number, out: Uint8Array, o: number): void {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < 32; j++) {
    const v = x[xo + j] as number;
    if (amax < Math.abs(v)) {
      amax = Math.abs(v);
      max = v;
    }
  }
  const d = f(max / -8);
  const id = d !== 0 ? f(1 / d) : 0;
  putHalf(out, o, f32ToF16Bits(d));
  const level = (v: number) => Math.min(15, Math.trunc(f(f(v * id) + 8.5)));
  for (let j = 0; j < 16; j++) {
    out[o + 2 + j] = level(x[xo + j] as number) | (level(x[xo + 16 + j] as number) << 4);
  }
}
