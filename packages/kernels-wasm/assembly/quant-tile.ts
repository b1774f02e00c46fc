// The quantized GEMM (≥ 4 rows): x rows quantized to int8 blocks of 32 once per token
// block (quant-dot.ts's quantizeX), weight rows widened 4 at a time into a panel
// (quant-panel.ts), then per token one pass over the panel's blocks giving 4 outputs.
//
// Per 32-element block b and weight row r, the integer I = Σ w16 · x_q is exact (16
// i32x4.dot_i16x8_s of the panel's interleaved vectors with x_q's pairs splat, lane r = row r,
// summed: no horizontal reduction). Then, in
// f32, lane r of the accumulator of block b's parity: acc_{b%2} += f32(I) · (d_r · d_x); Q4_K also
// m_{b%2} += f32(m_r · Σx_q) · (dmin_r · d_x); the output is (acc0 + acc1) − (m0 + m1). Every
// output is that one fixed-order chain over b, whatever the token's position in the batch, the
// batch size (≥ 4) or the thread: the same bits. (The 1–3-row GEMV sums in another order.)
import { PANEL_BLOCK } from "./quant-panel";
import { W_Q4_K } from "./quant-dequant";

/** Pairs 4k..4k+3 of a panel block at `p` (quant-panel.ts's layout) times x_q's at `xp`. */
@inline function quarter(p: usize, xp: usize): v128 {
  const a = i32x4.add(i32x4.dot_i16x8_s(v128.load(p), v128.load32_splat(xp)), i32x4.dot_i16x8_s(v128.load(p, 16), v128.load32_splat(xp, 4)));
  const b = i32x4.add(i32x4.dot_i16x8_s(v128.load(p, 32), v128.load32_splat(xp, 8)), i32x4.dot_i16x8_s(v128.load(p, 48), v128.load32_splat(xp, 12)));
  return i32x4.add(a, b);
}

/**
 * The integer block sums of panel block `p` with x_q at `xp`, lane r = row r (exact). A loop of
 * 4 quarters, not one unrolled body: V8 issues all of an iteration's loads first, and 16 panel
 * vectors with 16 x pairs spilled (3.7× slower).
 */
@inline export function blockSums(p: usize, xp: usize): v128 {
  let s = i32x4.splat(0);
  for (let k: usize = 0; k < 64; k += 16) s = i32x4.add(s, quarter(p + (k << 2), xp + k));
  return s;
}

/** Block b's term f32(I) · (d_r · d_x) (`mins`: Q4_K's f32(m_r · Σ x_q) · (dmin_r · d_x)). */
@inline function term(panel: usize, xq: usize, dx: usize, nb: i32, b: i32, mins: bool): v128 {
  const p = panel + <usize>b * PANEL_BLOCK;
  const d = v128.load32_splat(dx + (<usize>b << 2));
  if (mins) {
    const m = i32x4.mul(v128.load(p, 288), v128.load32_splat(dx + (<usize>(nb + b) << 2)));
    return f32x4.mul(f32x4.convert_i32x4_s(m), f32x4.mul(v128.load(p, 272), d));
  }
  return f32x4.mul(f32x4.convert_i32x4_s(blockSums(p, xq + (<usize>b << 6))), f32x4.mul(v128.load(p, 256), d));
}

/**
 * The 4 outputs (f32x4, lane r = panel row r) of the quad panel at `panel` (`nb` blocks) with
 * one token quantized at `xq` (quantizeX's layout: i16 x_q, then f32 d_x, then i32 Σ x_q).
 * Two chains, even and odd blocks (the adds' latency would bound one), summed at the end.
 */
export function dotQuad(type: i32, panel: usize, xq: usize, nb: i32): v128 {
  const dx = xq + (<usize>nb << 6);
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let b = 0;
  if (type == W_Q4_K) {
    // nb is a multiple of 8 here.
    let m0 = f32x4.splat(0);
    let m1 = f32x4.splat(0);
    for (; b < nb; b += 2) {
      acc0 = f32x4.add(acc0, term(panel, xq, dx, nb, b, false));
      m0 = f32x4.add(m0, term(panel, xq, dx, nb, b, true));
      acc1 = f32x4.add(acc1, term(panel, xq, dx, nb, b + 1, false));
      m1 = f32x4.add(m1, term(panel, xq, dx, nb, b + 1, true));
    }
    return f32x4.sub(f32x4.add(acc0, acc1), f32x4.add(m0, m1));
  }
  for (; b + 1 < nb; b += 2) {
    acc0 = f32x4.add(acc0, term(panel, xq, dx, nb, b, false));
    acc1 = f32x4.add(acc1, term(panel, xq, dx, nb, b + 1, false));
  }
  if (b < nb) acc0 = f32x4.add(acc0, term(panel, xq, dx, nb, b, false));
  return f32x4.add(acc0, acc1);
}
