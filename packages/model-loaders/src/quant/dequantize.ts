// Unpacks GGUF blocks to F32 bit-exactly as ggml's dequantize_row_* does: every product and
// difference is rounded to f32 (Math.fround) in ggml's order, so a weight read here equals the
// weight llama.cpp computes with.

import { f16BitsToF32 } from "@pagoda/numerics";
import { quantFail } from "./quant-error.js";
import { QUANT_BLOCK, type QuantType } from "./quant-types.js";

const f = Math.fround;

/** The little-endian f16 at `bytes[at]` as a float. */
function half(bytes: Uint8Array, at: number): number {
  return f16BitsToF32((bytes[at] as number) | ((bytes[at + 1] as number) << 8));
}

function q8_0(b: Uint8Array, o: number, y: Float32Array, at: number): void {
  const d = half(b, o);
  for (let j = 0; j < 32; j++) y[at + j] = f((((b[o + 2 + j] as number) << 24) >> 24) * d);
}

function q4_0(b: Uint8Array, o: number, y: Float32Array, at: number): void {
  const d = half(b, o);
  for (let j = 0; j < 16; j++) {
    const q = b[o + 2 + j] as number;
    y[at + j] = f(((q & 15) - 8) * d);
    y[at + j + 16] = f(((q >> 4) - 8) * d);
  }
}

/** Scale and min of sub-block `j` (0..7) from Q4_K's 12 packed bytes at `s`. */
export function q4kScaleMin(b: Uint8Array, s: number, j: number): [scale: number, min: number] {
  const at = (i: number) => b[s + i] as number;
  if (j < 4) return [at(j) & 63, at(j + 4) & 63];
  return [(at(j + 4) & 15) | ((at(j - 4) >> 6) << 4), (at(j + 4) >> 4) | ((at(j) >> 6) << 4)];
}

function q4_k(b: Uint8Array, o: number, y: Float32Array, at: number): void {
  const d = half(b, o);
  const dmin = half(b, o + 2);
  for (let c = 0; c < 4; c++) {
    const [sc1, mn1] = q4kScaleMin(b, o + 4, 2 * c);
    const [sc2, mn2] = q4kScaleMin(b, o + 4, 2 * c + 1);
    const d1 = f(d * sc1);
    const m1 = f(dmin * mn1);
    const d2 = f(d * sc2);
    const m2 = f(dmin * mn2);
    const q = o + 16 + 32 * c;
    const y0 = at + 64 * c;
    for (let l = 0; l < 32; l++) {
      const v = b[q + l] as number;
      y[y0 + l] = f(f(d1 * (v & 15)) - m1);
      y[y0 + 32 + l] = f(f(d2 * (v >> 4)) - m2);
    }
  }
}

function q6_k(b: Uint8Array, o: number, y: Float32Array, at: number): void {
  const d = half(b, o + 208);
  for (let h = 0; h < 2; h++) {
    const ql = o + 64 * h;
    const qh = o + 128 + 32 * h;
    const sc = o + 192 + 8 * h;
    const y0 = at + 128 * h;
    const ds: number[] = [];
    for (let i = 0; i < 8; i++) ds.push(f(d * (((b[sc + i] as number) << 24) >> 24)));
    const scale = (i: number) => ds[i] as number;
    for (let l = 0; l < 32; l++) {
      const is = l >> 4;
      const lo = b[ql + l] as number;
      const hi = b[ql + l + 32] as number;
      const top = b[qh + l] as number;
      y[y0 + l] = f(scale(is) * (((lo & 15) | ((top & 3) << 4)) - 32));
      y[y0 + l + 32] = f(scale(is + 2) * (((hi & 15) | (((top >> 2) & 3) << 4)) - 32));
      y[y0 + l + 64] = f(scale(is + 4) * (((lo >> 4) | (((top >> 4) & 3) << 4)) - 32));
      y[y0 + l + 96] = f(scale(is + 6) * (((hi >> 4) | (((top >> 6) & 3) << 4)) - 32));
    }
  }
}

const BLOCK_DECODERS: Record<QuantType, (b: Uint8Array, o: number, y: Float32Array, at: number) => void> = {
  Q8_0: q8_0,
  Q4_0: q4_0,
  Q4_K: q4_k,
  Q6_K: q6_k,
};

/**
 * Fills `out` (a whole number of blocks) from the packed blocks in `bytes` and returns it.
 *
 * @example const row = dequantize("Q8_0", packed, new Float32Array(4096));
 */
export function dequantize(type: QuantType, bytes: Uint8Array, out: Float32Array): Float32Array {
  const block = QUANT_BLOCK[type];
  if (out.length % block.elements !== 0) {
    quantFail(
      "bad_length",
      `${type}: ${out.length} values are not a whole number of ${block.elements}-value blocks`,
    );
  }
  const blocks = out.length / block.elements;
  if (bytes.length !== blocks * block.bytes) {
    quantFail(
      "bad_length",
      `${type}: ${blocks} blocks need ${blocks * block.bytes} bytes, got ${bytes.length}`,
    );
  }
  const decode = BLOCK_DECODERS[type];
  for (let i = 0; i < blocks; i++) decode(bytes, i * block.bytes, out, i * block.elements);
  return out;
}
