// The quantized matmul (every row count): x rows quantized to int8 blocks of 32 once per token
// block (quant-dot.ts's quantizeX), weight rows widened 4 at a time into a panel
// (quant-panel.ts), then per token one pass over the panel's blocks giving 4 outputs.
//
// Per 32-element block b and weight row r, the integer I = Σ w16 · x_q is exact (i32 lanes of
// i32x4.dot_i16x8_s, then the 4 rows' lanes summed into one i32x4, lane r = row r). Then, in
// f32, lane r of the accumulator: acc += f32(I) · (d_r · d_x); Q4_K also accM += f32(m_r · Σx_q)
// · (dmin_r · d_x), the output being acc − accM. Every output is that one fixed-order chain over
// b, whatever the row count, the token's position in the batch or the thread: the same bits.
import { PANEL_BLOCK } from "./quant-panel";
import { W_Q4_K } from "./quant-dequant";

/** i32x4 (Σ lanes of a, Σ b, Σ c, Σ d): exact, so the order of the adds does not matter. */
@inline function sum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(v128.shuffle<i32>(a, b, 0, 2, 4, 6), v128.shuffle<i32>(a, b, 1, 3, 5, 7));
  const cd = i32x4.add(v128.shuffle<i32>(c, d, 0, 2, 4, 6), v128.shuffle<i32>(c, d, 1, 3, 5, 7));
  return i32x4.add(v128.shuffle<i32>(ab, cd, 0, 2, 4, 6), v128.shuffle<i32>(ab, cd, 1, 3, 5, 7));
}

/** i32x4 lane sums of one panel row's 32 i16 weights at `p` times x_q (x0..x3). */
@inline function rowDot(p: usize, x0: v128, x1: v128, x2: v128, x3: v128): v128 {
  const a = i32x4.add(i32x4.dot_i16x8_s(v128.load(p), x0), i32x4.dot_i16x8_s(v128.load(p, 16), x1));
  const b = i32x4.add(i32x4.dot_i16x8_s(v128.load(p, 32), x2), i32x4.dot_i16x8_s(v128.load(p, 48), x3));
  return i32x4.add(a, b);
}

/**
 * The 4 outputs (f32x4, lane r = panel row r) of the quad panel at `panel` (`nb` blocks) with
 * one token quantized at `xq` (quantizeX's layout: i16 x_q, then f32 d_x, then i32 Σ x_q).
 */
export function dotQuad(type: i32, panel: usize, xq: usize, nb: i32): v128 {
  const dx = xq + (<usize>nb << 6);
  let acc = f32x4.splat(0);
  if (type == W_Q4_K) {
    const xsum = dx + (<usize>nb << 2);
    let accM = f32x4.splat(0);
    for (let b = 0; b < nb; b++) {
      const p = panel + <usize>b * PANEL_BLOCK;
      const xp = xq + (<usize>b << 6);
      const x0 = v128.load(xp);
      const x1 = v128.load(xp, 16);
      const x2 = v128.load(xp, 32);
      const x3 = v128.load(xp, 48);
      const s = sum4(rowDot(p, x0, x1, x2, x3), rowDot(p + 64, x0, x1, x2, x3), rowDot(p + 128, x0, x1, x2, x3), rowDot(p + 192, x0, x1, x2, x3));
      const d = v128.load32_splat(dx + (<usize>b << 2));
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s), f32x4.mul(v128.load(p, 256), d)));
      const m = i32x4.mul(v128.load(p, 288), v128.load32_splat(xsum + (<usize>b << 2)));
      accM = f32x4.add(accM, f32x4.mul(f32x4.convert_i32x4_s(m), f32x4.mul(v128.load(p, 272), d)));
    }
    return f32x4.sub(acc, accM);
  }
  for (let b = 0; b < nb; b++) {
    const p = panel + <usize>b * PANEL_BLOCK;
    const xp = xq + (<usize>b << 6);
    const x0 = v128.load(xp);
    const x1 = v128.load(xp, 16);
    const x2 = v128.load(xp, 32);
    const x3 = v128.load(xp, 48);
    const s = sum4(rowDot(p, x0, x1, x2, x3), rowDot(p + 64, x0, x1, x2, x3), rowDot(p + 128, x0, x1, x2, x3), rowDot(p + 192, x0, x1, x2, x3));
    const d = v128.load32_splat(dx + (<usize>b << 2));
    acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s), f32x4.mul(v128.load(p, 256), d)));
  }
  return acc;
}
