// The quantized GEMM's 2-token × 4-row tile (for the 2–3 tokens a batch has past its fours:
// quant-tile-four.ts): two tokens over one quad panel at once, so each panel vector is loaded
// once for both (the pmaddwd takes a register, the x pairs come as splat loads). Per token it does exactly quant-tile.ts's dotQuad arithmetic (the exact
// integer block sums, then the same f32 chains in the same order), so a token's bits do not
// depend on whether it ran in a pair or alone (an odd batch ends with one dotQuad).
import { PANEL_BLOCK } from "./quant-panel";
import { W_Q4_K } from "./quant-dequant";

/** dot_i16x8_s of panel vector `v` with the x_q pair at `x` splat. */
@inline function dot(v: v128, x: usize): v128 {
  return i32x4.dot_i16x8_s(v, v128.load32_splat(x));
}

/** Block b's scale factor for one token: f32x4 of (d_r · d_x) (lane r = row r). */
@inline function factor(p: usize, dx: usize, b: i32): v128 {
  return f32x4.mul(v128.load(p, 256), v128.load32_splat(dx + (<usize>b << 2)));
}

/** Q4_K's min term of block b for one token (as dotQuad's). */
@inline function minTerm(p: usize, dx: usize, nb: i32, b: i32): v128 {
  const m = i32x4.mul(v128.load(p, 288), v128.load32_splat(dx + (<usize>(nb + b) << 2)));
  return f32x4.mul(f32x4.convert_i32x4_s(m), f32x4.mul(v128.load(p, 272), v128.load32_splat(dx + (<usize>b << 2))));
}

/**
 * dotQuad for tokens A and B (quantized at `xa`, `xb`) over the quad panel (`nb` blocks); the
 * first `valid` (1–4) lanes of each result are stored at `oa` and `ob`.
 */
export function dotQuadPair(type: i32, panel: usize, xa: usize, xb: usize, nb: i32, oa: usize, ob: usize, valid: i32): void {
  const dxa = xa + (<usize>nb << 6);
  const dxb = xb + (<usize>nb << 6);
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  // Block by block; the chains swap after each block, so block b joins a0 when b is even
  // (dotQuad's acc0 / acc1) without a branch or a 2-block body that would spill.
  for (let b = 0; b < nb; b++) {
    const p = panel + <usize>b * PANEL_BLOCK;
    const pa = xa + (<usize>b << 6);
    const pb = xb + (<usize>b << 6);
    // The block's integer sums, 4 panel vectors (8 elements) at a time, each vector loaded once.
    let ia = i32x4.splat(0);
    let ib = i32x4.splat(0);
    for (let k: usize = 0; k < 64; k += 16) {
      const v0 = v128.load(p + (k << 2));
      const v1 = v128.load(p + (k << 2), 16);
      const v2 = v128.load(p + (k << 2), 32);
      const v3 = v128.load(p + (k << 2), 48);
      const xk = pa + k;
      const yk = pb + k;
      ia = i32x4.add(ia, i32x4.add(i32x4.add(dot(v0, xk), dot(v1, xk + 4)), i32x4.add(dot(v2, xk + 8), dot(v3, xk + 12))));
      ib = i32x4.add(ib, i32x4.add(i32x4.add(dot(v0, yk), dot(v1, yk + 4)), i32x4.add(dot(v2, yk + 8), dot(v3, yk + 12))));
    }
    const ta = f32x4.mul(f32x4.convert_i32x4_s(ia), factor(p, dxa, b));
    const tb = f32x4.mul(f32x4.convert_i32x4_s(ib), factor(p, dxb, b));
    const nextA = f32x4.add(a0, ta);
    const nextB = f32x4.add(b0, tb);
    a0 = a1;
    b0 = b1;
    a1 = nextA;
    b1 = nextB;
  }
  // The two chains in either order: an f32 add is commutative.
  let ra = f32x4.add(a0, a1);
  let rb = f32x4.add(b0, b1);
  if (type == W_Q4_K) {
    let ma0 = f32x4.splat(0);
    let ma1 = f32x4.splat(0);
    let mb0 = f32x4.splat(0);
    let mb1 = f32x4.splat(0);
    for (let b = 0; b < nb; b += 2) {
      const p = panel + <usize>b * PANEL_BLOCK;
      ma0 = f32x4.add(ma0, minTerm(p, dxa, nb, b));
      ma1 = f32x4.add(ma1, minTerm(p + PANEL_BLOCK, dxa, nb, b + 1));
      mb0 = f32x4.add(mb0, minTerm(p, dxb, nb, b));
      mb1 = f32x4.add(mb1, minTerm(p + PANEL_BLOCK, dxb, nb, b + 1));
    }
    ra = f32x4.sub(ra, f32x4.add(ma0, ma1));
    rb = f32x4.sub(rb, f32x4.add(mb0, mb1));
  }
  storeLanes(oa, ra, valid);
  storeLanes(ob, rb, valid);
}

/** Stores the first `valid` lanes of `v` at `o` (a quad past the matrix end has fewer). */
export function storeLanes(o: usize, v: v128, valid: i32): void {
  if (valid >= 4) {
    v128.store(o, v);
    return;
  }
  store<f32>(o, f32x4.extract_lane(v, 0));
  if (valid > 1) store<f32>(o, f32x4.extract_lane(v, 1), 4);
  if (valid > 2) store<f32>(o, f32x4.extract_lane(v, 2), 8);
}
