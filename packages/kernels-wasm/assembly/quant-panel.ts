// The quantized weight panel: 4 packed weight rows ("a quad") widened once to int16, block of 32
// by block of 32, so the integer tile (quant-tile.ts) reads them for every token with plain
// loads. Per 32-element block b, at panel + b · PANEL_BLOCK:
//   [0, 256)   16 i16x8 vectors, vector j = the weights 2j and 2j + 1 of rows 0, 1, 2, 3 (as
//              i32 lanes), each already times its integer sub-scale (Q4_K: sc · q, q in 0..15;
//              Q6_K: sc · q, q in -32..31; Q8_0 / Q4_0: q). i32x4.dot_i16x8_s of vector j with
//              x_q's pair (2j, 2j + 1) splat then gives lane r = row r's partial sum, so a
//              block's 16 dots add up to the 4 rows' sums with no horizontal reduction;
//   [256, 272) f32x4: row r's float scale d (Q4_K / Q6_K: the super-block's d);
//   [272, 288) f32x4: Q4_K's dmin per row; [288, 304) i32x4: Q4_K's 6-bit min m per row.
// Products stay in i16: |sc · q| ≤ 63 · 15 (Q4_K), 128 · 32 (Q6_K).
import { f16ToF32 } from "./half";
import { blockBytes, q4kScaleMin, W_Q4_0, W_Q4_K, W_Q8_0 } from "./quant-dequant";

/** Bytes of one 32-element block of a quad panel. */
export const PANEL_BLOCK: usize = 304;

/**
 * Packs the rows w0..w3 (`n` elements each, whole blocks of `type`) into the panel at `panel`.
 * A quad past the end of the matrix repeats a real row (its outputs are not stored).
 */
export function packQuad(type: i32, w0: usize, w1: usize, w2: usize, w3: usize, n: i32, panel: usize): void {
  packRow(type, w0, n, panel, 0);
  packRow(type, w1, n, panel, 1);
  packRow(type, w2, n, panel, 2);
  packRow(type, w3, n, panel, 3);
  // packRow writes each row's 32 weights contiguously (row r at r · 64); transpose them into
  // the interleaved layout above.
  for (let b = 0; b < n >> 5; b++) transposeBlock(panel + <usize>b * PANEL_BLOCK);
}

/**
 * Rows r = 0..3 of 16 i32 (pairs of i16) at p + 64r become 16 vectors at p + 16j, vector j =
 * pair j of rows 0..3. All of a block is read before anything is written (it is in place).
 */
function transposeBlock(p: usize): void {
  const r0c0 = v128.load(p);
  const r0c1 = v128.load(p, 16);
  const r0c2 = v128.load(p, 32);
  const r0c3 = v128.load(p, 48);
  const r1c0 = v128.load(p, 64);
  const r1c1 = v128.load(p, 80);
  const r1c2 = v128.load(p, 96);
  const r1c3 = v128.load(p, 112);
  const r2c0 = v128.load(p, 128);
  const r2c1 = v128.load(p, 144);
  const r2c2 = v128.load(p, 160);
  const r2c3 = v128.load(p, 176);
  const r3c0 = v128.load(p, 192);
  const r3c1 = v128.load(p, 208);
  const r3c2 = v128.load(p, 224);
  const r3c3 = v128.load(p, 240);
  transpose4(p, r0c0, r1c0, r2c0, r3c0);
  transpose4(p + 64, r0c1, r1c1, r2c1, r3c1);
  transpose4(p + 128, r0c2, r1c2, r2c2, r3c2);
  transpose4(p + 192, r0c3, r1c3, r2c3, r3c3);
}

/** Stores the transpose of the 4 × 4 i32 matrix with rows a, b, c, d as 4 vectors at `p`. */
@inline function transpose4(p: usize, a: v128, b: v128, c: v128, d: v128): void {
  const ab0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5);
  const ab1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const cd0 = v128.shuffle<i32>(c, d, 0, 4, 1, 5);
  const cd1 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  v128.store(p, v128.shuffle<i32>(ab0, cd0, 0, 1, 4, 5));
  v128.store(p, v128.shuffle<i32>(ab0, cd0, 2, 3, 6, 7), 16);
  v128.store(p, v128.shuffle<i32>(ab1, cd1, 0, 1, 4, 5), 32);
  v128.store(p, v128.shuffle<i32>(ab1, cd1, 2, 3, 6, 7), 48);
}

function packRow(type: i32, w: usize, n: i32, panel: usize, r: i32): void {
  const dst = panel + (<usize>r << 6);
  const lane = <usize>r << 2;
  if (type == W_Q8_0 || type == W_Q4_0) {
    const bb = <usize>blockBytes(type);
    for (let b = 0; b < n >> 5; b++) {
      const p = dst + <usize>b * PANEL_BLOCK;
      if (type == W_Q8_0) {
        const q0 = v128.load(w + 2);
        const q1 = v128.load(w + 18);
        v128.store(p, i16x8.extend_low_i8x16_s(q0));
        v128.store(p, i16x8.extend_high_i8x16_s(q0), 16);
        v128.store(p, i16x8.extend_low_i8x16_s(q1), 32);
        v128.store(p, i16x8.extend_high_i8x16_s(q1), 48);
      } else {
        const q = v128.load(w + 2);
        const lo = i8x16.sub(v128.and(q, i8x16.splat(15)), i8x16.splat(8));
        const hi = i8x16.sub(i8x16.shr_u(q, 4), i8x16.splat(8));
        v128.store(p, i16x8.extend_low_i8x16_s(lo));
        v128.store(p, i16x8.extend_high_i8x16_s(lo), 16);
        v128.store(p, i16x8.extend_low_i8x16_s(hi), 32);
        v128.store(p, i16x8.extend_high_i8x16_s(hi), 48);
      }
      store<f32>(panel + <usize>b * PANEL_BLOCK + 256 + lane, f16ToF32(load<u16>(w)));
      w += bb;
    }
  } else if (type == W_Q4_K) {
    for (let sb = 0; sb < n >> 8; sb++) packQ4K(w + <usize>sb * 144, dst, panel + lane, sb);
  } else {
    for (let sb = 0; sb < n >> 8; sb++) packQ6K(w + <usize>sb * 210, dst, panel + lane, sb);
  }
}

/** i16x8 lanes of the u8 nibbles in the low (`high` false) half of `q`, times `sc`. */
@inline function scaled(q: v128, high: bool, sc: i32): v128 {
  const wide = high ? i16x8.extend_high_i8x16_u(q) : i16x8.extend_low_i8x16_u(q);
  return i16x8.mul(wide, i16x8.splat(<i16>sc));
}

function packQ4K(w: usize, dst: usize, scales: usize, sb: i32): void {
  const d = f16ToF32(load<u16>(w));
  const dmin = f16ToF32(load<u16>(w, 2));
  const low = i8x16.splat(15);
  for (let c = 0; c < 4; c++) {
    const q0 = v128.load(w + 16 + 32 * c);
    const q1 = v128.load(w + 32 + 32 * c);
    // Sub-block 2c: the low nibbles of q0 then q1; 2c + 1: their high nibbles.
    for (let h = 0; h < 2; h++) {
      const j = 2 * c + h;
      const sm = q4kScaleMin(w + 4, j);
      const sc = sm & 255;
      const a = h == 0 ? v128.and(q0, low) : i8x16.shr_u(q0, 4);
      const b = h == 0 ? v128.and(q1, low) : i8x16.shr_u(q1, 4);
      const blk = <usize>((sb << 3) + j) * PANEL_BLOCK;
      const p = dst + blk;
      v128.store(p, scaled(a, false, sc));
      v128.store(p, scaled(a, true, sc), 16);
      v128.store(p, scaled(b, false, sc), 32);
      v128.store(p, scaled(b, true, sc), 48);
      store<f32>(scales + blk, d, 256);
      store<f32>(scales + blk, dmin, 272);
      store<i32>(scales + blk, sm >> 8, 288);
    }
  }
}

/** Q6_K's 6-bit values of 16 elements: low 4 bits from `ql`, bits 4–5 already at 0x30 in `qh`, minus 32. */
@inline function q6(ql: v128, qh: v128): v128 {
  return i8x16.sub(v128.or(ql, v128.and(qh, i8x16.splat(0x30))), i8x16.splat(32));
}

/** Stores 16 int8 values `q` · `sc` as i16 at `p`. */
@inline function store16(p: usize, q: v128, sc: i32): void {
  const s = i16x8.splat(<i16>sc);
  v128.store(p, i16x8.mul(i16x8.extend_low_i8x16_s(q), s));
  v128.store(p, i16x8.mul(i16x8.extend_high_i8x16_s(q), s), 16);
}

function packQ6K(w: usize, dst: usize, scales: usize, sb: i32): void {
  const d = f16ToF32(load<u16>(w + 208));
  const low = i8x16.splat(15);
  for (let h = 0; h < 2; h++) {
    const ql = w + 64 * h;
    const qh = w + 128 + 32 * h;
    const sc = w + 192 + 8 * h;
    const qlA = v128.load(ql);
    const qlB = v128.load(ql, 16);
    const qlC = v128.load(ql, 32);
    const qlD = v128.load(ql, 48);
    const qhA = v128.load(qh);
    const qhB = v128.load(qh, 16);
    // Blocks 4h + k of the super-block hold q1..q4 (k = 0..3); each 16 elements has its scale.
    const blk = <usize>((sb << 3) + 4 * h) * PANEL_BLOCK;
    const p = dst + blk;
    store16(p, q6(v128.and(qlA, low), i8x16.shl(qhA, 4)), <i32>load<i8>(sc));
    store16(p + 32, q6(v128.and(qlB, low), i8x16.shl(qhB, 4)), <i32>load<i8>(sc, 1));
    store16(p + PANEL_BLOCK, q6(v128.and(qlC, low), i8x16.shl(qhA, 2)), <i32>load<i8>(sc, 2));
    store16(p + PANEL_BLOCK + 32, q6(v128.and(qlD, low), i8x16.shl(qhB, 2)), <i32>load<i8>(sc, 3));
    store16(p + 2 * PANEL_BLOCK, q6(i8x16.shr_u(qlA, 4), qhA), <i32>load<i8>(sc, 4));
    store16(p + 2 * PANEL_BLOCK + 32, q6(i8x16.shr_u(qlB, 4), qhB), <i32>load<i8>(sc, 5));
    store16(p + 3 * PANEL_BLOCK, q6(i8x16.shr_u(qlC, 4), i8x16.shr_u(qhA, 2)), <i32>load<i8>(sc, 6));
    store16(p + 3 * PANEL_BLOCK + 32, q6(i8x16.shr_u(qlD, 4), i8x16.shr_u(qhB, 2)), <i32>load<i8>(sc, 7));
    for (let k = 0; k < 4; k++) store<f32>(scales + blk + <usize>k * PANEL_BLOCK, d, 256);
  }
}
