// The GEMV for 2–3 tokens on F32/F16/BF16 weights: a register tile of 2 weight rows × m tokens
// widens each weight vector once and multiplies it into every token's accumulator, so a step
// that verifies drafts (or decodes a few streams) reads and widens each weight row once instead
// of once per token (the 1-row GEMV re-read a 4-row block from L1 and widened it per token).
// 4 tokens stay on the GEMM (gemm.ts), which also reads each row once: a 2 × 4 tile spilled
// under V8's load hoisting for F16 (6 loads + 8 accumulators + the mask: 1.7× the GEMM's time).
//
// Exactness: each (t, o) keeps the 1-row GEMV's order (weights.ts): one f32x4 accumulator over
// i in steps of 4 (mul, then add), hsum (l0 + l1) + (l2 + l3), then the scalar tail in order;
// so a token's outputs have the same bits at any row count. The F16 variant on prescaled x
// (x · 2^112, see weights.ts) gives the same bits as the plain one.
import { hsum } from "./common";
import { F16_SCALE } from "./half";
import { dotRow1, dotTail, rowBytes, W_BF16, W_F16, W_F32 } from "./weights";

/** Most tokens of the tile (matmul.ts sends 2..GEMV_TILE_ROWS rows here). */
export const GEMV_TILE_ROWS: i32 = 3;

/** Step i of 4 elements of a packed row as f32x4 (`raw`: F16 without the × 2^112, for prescaled x). */
@inline function widen(type: i32, raw: bool, row: usize, i: i32): v128 {
  if (type == W_F32) return v128.load(row + (<usize>i << 2));
  const h = v128.load64_zero(row + (<usize>i << 1));
  if (type == W_F16) {
    const bits = v128.and(i32x4.shl(i32x4.extend_low_i16x8_s(h), 13), i32x4.splat(<i32>0x8fffe000));
    return raw ? bits : f32x4.mul(bits, f32x4.splat(F16_SCALE));
  }
  return i32x4.shl(i32x4.extend_low_i16x8_u(h), 16);
}

/**
 * SIMD sums of rows w0, w1 with M tokens of x (rows `xs` bytes apart), first n4 elements:
 * out[t · os + r · 4] = hsum of token t, row r. Inlined with constant type/raw/M.
 */
@inline function tile(type: i32, raw: bool, M: i32, w0: usize, w1: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void {
  let a00 = f32x4.splat(0);
  let a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0);
  let a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0);
  let a21 = f32x4.splat(0);
  const x1 = x + xs;
  const x2 = x1 + xs;
  for (let i = 0; i < n4; i += 4) {
    const v0 = widen(type, raw, w0, i);
    const v1 = widen(type, raw, w1, i);
    const off = <usize>i << 2;
    let u = v128.load(x + off);
    a00 = f32x4.add(a00, f32x4.mul(u, v0));
    a01 = f32x4.add(a01, f32x4.mul(u, v1));
    u = v128.load(x1 + off);
    a10 = f32x4.add(a10, f32x4.mul(u, v0));
    a11 = f32x4.add(a11, f32x4.mul(u, v1));
    if (M > 2) {
      u = v128.load(x2 + off);
      a20 = f32x4.add(a20, f32x4.mul(u, v0));
      a21 = f32x4.add(a21, f32x4.mul(u, v1));
    }
  }
  store<f32>(out, hsum(a00));
  store<f32>(out, hsum(a01), 4);
  store<f32>(out + os, hsum(a10));
  store<f32>(out + os, hsum(a11), 4);
  if (M > 2) {
    store<f32>(out + 2 * os, hsum(a20));
    store<f32>(out + 2 * os, hsum(a21), 4);
  }
}

// One out-of-line function per (type, raw, M): the branches above fold away in each.
function tileF32x2(w0: usize, w1: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tile(W_F32, false, 2, w0, w1, x, xs, n4, out, os); }
function tileF32x3(w0: usize, w1: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tile(W_F32, false, 3, w0, w1, x, xs, n4, out, os); }
function tileF16x2(w0: usize, w1: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tile(W_F16, false, 2, w0, w1, x, xs, n4, out, os); }
function tileF16x3(w0: usize, w1: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tile(W_F16, false, 3, w0, w1, x, xs, n4, out, os); }
function tileF16Rawx2(w0: usize, w1: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tile(W_F16, true, 2, w0, w1, x, xs, n4, out, os); }
function tileF16Rawx3(w0: usize, w1: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tile(W_F16, true, 3, w0, w1, x, xs, n4, out, os); }
function tileBF16x2(w0: usize, w1: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tile(W_BF16, false, 2, w0, w1, x, xs, n4, out, os); }
function tileBF16x3(w0: usize, w1: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tile(W_BF16, false, 3, w0, w1, x, xs, n4, out, os); }

/** Variant 0..3 (F32, F16, F16 on prescaled x, BF16) of the tile for `m` tokens. */
function runTile(variant: i32, m: i32, w0: usize, w1: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void {
  if (variant == 0) {
    if (m == 2) tileF32x2(w0, w1, x, xs, n4, out, os);
    else tileF32x3(w0, w1, x, xs, n4, out, os);
  } else if (variant == 1) {
    if (m == 2) tileF16x2(w0, w1, x, xs, n4, out, os);
    else tileF16x3(w0, w1, x, xs, n4, out, os);
  } else if (variant == 2) {
    if (m == 2) tileF16Rawx2(w0, w1, x, xs, n4, out, os);
    else tileF16Rawx3(w0, w1, x, xs, n4, out, os);
  } else {
    if (m == 2) tileBF16x2(w0, w1, x, xs, n4, out, os);
    else tileBF16x3(w0, w1, x, xs, n4, out, os);
  }
}

/**
 * out[t, o] for m = 2..GEMV_TILE_ROWS tokens and the output rows [o0, o1) of one thread.
 * `xp` (0: none) holds every token's x · 2^112 (rows n floats apart) when all are exact.
 */
export function gemvRows(x: usize, w: usize, type: i32, out: usize, m: i32, n: i32, xs: usize, os: usize, o0: i32, o1: i32, xp: usize): void {
  const rs = rowBytes(type, n);
  const n4 = n & ~3;
  const variant = type == W_F32 ? 0 : type == W_F16 ? (xp != 0 ? 2 : 1) : 3;
  const tx = variant == 2 ? xp : x;
  const txs = variant == 2 ? <usize>n << 2 : xs;
  let o = o0;
  for (; o + 2 <= o1; o += 2) {
    const w0 = w + <usize>o * rs;
    const ot = out + (<usize>o << 2);
    runTile(variant, m, w0, w0 + rs, tx, txs, n4, ot, os);
    if (n4 == n) continue;
    for (let t = 0; t < m; t++) {
      const p = ot + <usize>t * os;
      const xt = x + <usize>t * xs;
      store<f32>(p, dotTail(type, w0, xt, n4, n, load<f32>(p)));
      store<f32>(p, dotTail(type, w0 + rs, xt, n4, n, load<f32>(p, 4)), 4);
    }
  }
  if (o < o1) {
    for (let t = 0; t < m; t++) store<f32>(out + <usize>t * os + (<usize>o << 2), dotRow1(type, w + <usize>o * rs, x + <usize>t * xs, n));
  }
}
