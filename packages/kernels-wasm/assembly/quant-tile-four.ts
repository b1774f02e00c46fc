// The quantized GEMM's 4-token × 4-row tile: four tokens over one quad panel at once, each
// panel vector loaded once for all four (1 thread, 512 rows: 0.88–0.90× the 2-token tile's
// time; 4 panel vectors an iteration instead of 2 spilled and took 1.2×). Per token it does exactly quant-tile.ts's dotQuad
// arithmetic (the exact integer block sums, then the same f32 chains in the same order), so a
// token's bits do not depend on the tile it ran in.
import { PANEL_BLOCK } from "./quant-panel";
import { W_Q4_K } from "./quant-dequant";
import { storeLanes } from "./quant-tile-pair";

/** dot_i16x8_s of panel vector `v` with the x_q pair at `x` splat. */
@inline function dot(v: v128, x: usize): v128 {
  return i32x4.dot_i16x8_s(v, v128.load32_splat(x));
}

/** Block b's term f32(I) · (d_r · d_x) for one token. */
@inline function term(i: v128, p: usize, dx: usize, b: i32): v128 {
  return f32x4.mul(f32x4.convert_i32x4_s(i), f32x4.mul(v128.load(p, 256), v128.load32_splat(dx + (<usize>b << 2))));
}

/** Q4_K's min term of block b for one token (as dotQuad's). */
@inline function minTerm(p: usize, dx: usize, nb: i32, b: i32): v128 {
  const m = i32x4.mul(v128.load(p, 288), v128.load32_splat(dx + (<usize>(nb + b) << 2)));
  return f32x4.mul(f32x4.convert_i32x4_s(m), f32x4.mul(v128.load(p, 272), v128.load32_splat(dx + (<usize>b << 2))));
}

/** Q4_K: `r` minus the token's min terms, summed as dotQuad does (even and odd chains). */
function subMins(r: v128, panel: usize, dx: usize, nb: i32): v128 {
  let m0 = f32x4.splat(0);
  let m1 = f32x4.splat(0);
  for (let b = 0; b < nb; b += 2) {
    const p = panel + <usize>b * PANEL_BLOCK;
    m0 = f32x4.add(m0, minTerm(p, dx, nb, b));
    m1 = f32x4.add(m1, minTerm(p + PANEL_BLOCK, dx, nb, b + 1));
  }
  return f32x4.sub(r, f32x4.add(m0, m1));
}

/**
 * dotQuad for the 4 tokens quantized at x, x + xs, x + 2xs, x + 3xs over the quad panel (`nb`
 * blocks); the first `valid` lanes of token t's result are stored at o + t · os.
 */
export function dotQuadFour(type: i32, panel: usize, x: usize, xs: usize, nb: i32, o: usize, os: usize, valid: i32): void {
  const xa = x;
  const xb = x + xs;
  const xc = x + 2 * xs;
  const xd = x + 3 * xs;
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let d0 = f32x4.splat(0);
  let d1 = f32x4.splat(0);
  const dxo = <usize>nb << 6;
  for (let b = 0; b < nb; b++) {
    const p = panel + <usize>b * PANEL_BLOCK;
    const off = <usize>b << 6;
    let ia = i32x4.splat(0);
    let ib = i32x4.splat(0);
    let ic = i32x4.splat(0);
    let id = i32x4.splat(0);
    // Two panel vectors (4 elements) an iteration: 2 panel and 8 x loads with 4 sums fit V8's
    // 15 registers (it issues an iteration's loads first).
    for (let k: usize = 0; k < 64; k += 8) {
      const v0 = v128.load(p + (k << 2));
      const v1 = v128.load(p + (k << 2), 16);
      const ka = xa + off + k;
      const kb = xb + off + k;
      const kc = xc + off + k;
      const kd = xd + off + k;
      ia = i32x4.add(ia, i32x4.add(dot(v0, ka), dot(v1, ka + 4)));
      ib = i32x4.add(ib, i32x4.add(dot(v0, kb), dot(v1, kb + 4)));
      ic = i32x4.add(ic, i32x4.add(dot(v0, kc), dot(v1, kc + 4)));
      id = i32x4.add(id, i32x4.add(dot(v0, kd), dot(v1, kd + 4)));
    }
    // The chains swap after each block: block b joins the *0 chain when b is even (dotQuad's).
    const na = f32x4.add(a0, term(ia, p, xa + dxo, b));
    const nb_ = f32x4.add(b0, term(ib, p, xb + dxo, b));
    const nc = f32x4.add(c0, term(ic, p, xc + dxo, b));
    const nd = f32x4.add(d0, term(id, p, xd + dxo, b));
    a0 = a1;
    b0 = b1;
    c0 = c1;
    d0 = d1;
    a1 = na;
    b1 = nb_;
    c1 = nc;
    d1 = nd;
  }
  let ra = f32x4.add(a0, a1);
  let rb = f32x4.add(b0, b1);
  let rc = f32x4.add(c0, c1);
  let rd = f32x4.add(d0, d1);
  if (type == W_Q4_K) {
    ra = subMins(ra, panel, xa + dxo, nb);
    rb = subMins(rb, panel, xb + dxo, nb);
    rc = subMins(rc, panel, xc + dxo, nb);
    rd = subMins(rd, panel, xd + dxo, nb);
  }
  storeLanes(o, ra, valid);
  storeLanes(o + os, rb, valid);
  storeLanes(o + 2 * os, rc, valid);
  storeLanes(o + 3 * os, rd, valid);
}
