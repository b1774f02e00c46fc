// Dequantization of the GGUF block formats to f32, exactly as the format defines each value
// (f32 arithmetic in the spec's order, so the TS `dequantize` of @pagoda/model-loaders gives
// the same bits). Used where a row must become f32: embed (unpackRow). matmul never
// dequantizes (quant-matmul.ts: integer dots on the blocks).
import { f16ToF32 } from "./half";

export const W_Q8_0: i32 = 3;
export const W_Q4_0: i32 = 4;
export const W_Q4_K: i32 = 5;
export const W_Q6_K: i32 = 6;

/** Elements of a block of quantized `type`. */
@inline export function blockElements(type: i32): i32 {
  return type == W_Q8_0 || type == W_Q4_0 ? 32 : 256;
}

/** Bytes of a block of quantized `type`. */
@inline export function blockBytes(type: i32): i32 {
  if (type == W_Q8_0) return 34;
  if (type == W_Q4_0) return 18;
  return type == W_Q4_K ? 144 : 210;
}

/** Writes the blockElements(type) f32 values of the block at `src` to `dst`. */
export function dequantBlock(type: i32, src: usize, dst: usize): void {
  if (type == W_Q8_0) dequantQ8_0(src, dst);
  else if (type == W_Q4_0) dequantQ4_0(src, dst);
  else if (type == W_Q4_K) dequantQ4_K(src, dst);
  else dequantQ6_K(src, dst);
}

/** Dequantizes a row of `n` elements (whole blocks) at `src` into f32 at `dst`. */
export function dequantRow(type: i32, src: usize, dst: usize, n: i32): void {
  const be = blockElements(type);
  const bb = <usize>blockBytes(type);
  for (let i = 0; i < n; i += be) {
    dequantBlock(type, src, dst + (<usize>i << 2));
    src += bb;
  }
}

function dequantQ8_0(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src));
  for (let i = 0; i < 32; i++) store<f32>(dst + (<usize>i << 2), d * <f32>load<i8>(src + 2 + i));
}

function dequantQ4_0(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src));
  for (let j = 0; j < 16; j++) {
    const q = <i32>load<u8>(src + 2 + j);
    store<f32>(dst + (<usize>j << 2), d * <f32>((q & 15) - 8));
    store<f32>(dst + (<usize>(j + 16) << 2), d * <f32>((q >> 4) - 8));
  }
}

/** Q4_K sub-block j's 6-bit scale (low 8 bits of the result) and min (bits 8..15). */
@inline export function q4kScaleMin(scales: usize, j: i32): i32 {
  if (j < 4) return (<i32>load<u8>(scales + j) & 63) | ((<i32>load<u8>(scales + j + 4) & 63) << 8);
  const a = <i32>load<u8>(scales + j + 4);
  const sc = (a & 15) | ((<i32>load<u8>(scales + j - 4) >> 6) << 4);
  const m = (a >> 4) | ((<i32>load<u8>(scales + j) >> 6) << 4);
  return sc | (m << 8);
}

function dequantQ4_K(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src));
  const dmin = f16ToF32(load<u16>(src + 2));
  for (let c = 0; c < 4; c++) {
    const sm1 = q4kScaleMin(src + 4, 2 * c);
    const sm2 = q4kScaleMin(src + 4, 2 * c + 1);
    const d1 = d * <f32>(sm1 & 255);
    const m1 = dmin * <f32>(sm1 >> 8);
    const d2 = d * <f32>(sm2 & 255);
    const m2 = dmin * <f32>(sm2 >> 8);
    const q = src + 16 + 32 * c;
    const y = dst + ((<usize>(64 * c)) << 2);
    for (let l = 0; l < 32; l++) {
      const b = <i32>load<u8>(q + l);
      store<f32>(y + (<usize>l << 2), d1 * <f32>(b & 15) - m1);
      store<f32>(y + (<usize>(l + 32) << 2), d2 * <f32>(b >> 4) - m2);
    }
  }
}

function dequantQ6_K(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + 208));
  for (let h = 0; h < 2; h++) {
    const ql = src + 64 * h;
    const qh = src + 128 + 32 * h;
    const sc = src + 192 + 8 * h;
    const y = dst + ((<usize>(128 * h)) << 2);
    for (let l = 0; l < 32; l++) {
      const is = l >> 4;
      const a = <i32>load<u8>(ql + l);
      const b = <i32>load<u8>(ql + l + 32);
      const hb = <i32>load<u8>(qh + l);
      const q1 = ((a & 15) | ((hb & 3) << 4)) - 32;
      const q2 = ((b & 15) | (((hb >> 2) & 3) << 4)) - 32;
      const q3 = ((a >> 4) | (((hb >> 4) & 3) << 4)) - 32;
      const q4 = ((b >> 4) | (((hb >> 6) & 3) << 4)) - 32;
      store<f32>(y + (<usize>l << 2), d * <f32>load<i8>(sc + is) * <f32>q1);
      store<f32>(y + (<usize>(l + 32) << 2), d * <f32>load<i8>(sc + is + 2) * <f32>q2);
      store<f32>(y + (<usize>(l + 64) << 2), d * <f32>load<i8>(sc + is + 4) * <f32>q3);
      store<f32>(y + (<usize>(l + 96) << 2), d * <f32>load<i8>(sc + is + 6) * <f32>q4);
    }
  }
}
