import { checkSameLength } from "./errors.js";
import { floatBitsToHalf, halfTable } from "./f16.js";

// Array forms work on the f32 bits through Uint32Array views (host byte order), so NaN payloads
// cross exactly and no value goes through a JS number.

/** Decodes half bit patterns into `out` (same length; a new array by default) and returns it. */
export function f16ToF32(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  checkSameLength("f16ToF32", src, out);
  const t = halfTable();
  const dst = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) dst[i] = t[src[i] as number] as number;
  return out;
}

/** Encodes f32 values as half bit patterns (nearest, ties to even; overflow -> ±inf) into `out` and returns it. */
export function f32ToF16(src: Float32Array, out: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  checkSameLength("f32ToF16", src, out);
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) out[i] = floatBitsToHalf(bits[i] as number);
  return out;
}
