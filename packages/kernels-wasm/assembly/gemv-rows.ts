// The GEMV for 2–3 tokens on F32/F16/BF16 weights: register tiles that widen each weight
// vector once and multiply it into every token's accumulator, so a step that verifies drafts
// (or decodes a few streams) reads and widens each weight row once instead of once per token
// (the 1-row GEMV re-read a 4-row block from L1 and widened it per token). 2 tokens: 4 weight
// rows × 2 tokens, 4 rows being read at once as the 1-row GEMV does (a 2 × 2 tile streamed
// from memory at half the rate: 8.4 vs 5.6 ms on the F16 LM head 576 → 49152). 3 tokens:
// 2 rows × 3 tokens (4 × 3 would need 12 accumulators; V8 hoists a loop iteration's loads, so
// more than ~15 live xmm values spill). 4 tokens stay on the GEMM (gemm.ts), which also reads
// each row once: a 2 × 4 tile spilled for F16 (1.7× the GEMM's time).
//
// Exactness: each (t, o) keeps the 1-row GEMV's order (weights.ts): one f32x4 accumulator over
// i in steps of 4 (mul, then add), hsum (l0 + l1) + (l2 + l3), then the scalar tail in order;
// so a token's outputs have the same bits at any row count. The F16 variants on prescaled x
// (x · 2^112, see weights.ts) give the same bits as the plain ones.
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

/** 4 weight rows (`rs` bytes apart) × 2 tokens: out[t · os + r · 4], as tile() per (t, r). */
@inline function tileQuad(type: i32, raw: bool, w0: usize, rs: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void {
  let a00 = f32x4.splat(0);
  let a01 = f32x4.splat(0);
  let a02 = f32x4.splat(0);
  let a03 = f32x4.splat(0);
  let a10 = f32x4.splat(0);
  let a11 = f32x4.splat(0);
  let a12 = f32x4.splat(0);
  let a13 = f32x4.splat(0);
  const w1 = w0 + rs;
  const w2 = w1 + rs;
  const w3 = w2 + rs;
  const x1 = x + xs;
  for (let i = 0; i < n4; i += 4) {
    const off = <usize>i << 2;
    const u0 = v128.load(x + off);
    const u1 = v128.load(x1 + off);
    let v = widen(type, raw, w0, i);
    a00 = f32x4.add(a00, f32x4.mul(u0, v));
    a10 = f32x4.add(a10, f32x4.mul(u1, v));
    v = widen(type, raw, w1, i);
    a01 = f32x4.add(a01, f32x4.mul(u0, v));
    a11 = f32x4.add(a11, f32x4.mul(u1, v));
    v = widen(type, raw, w2, i);
    a02 = f32x4.add(a02, f32x4.mul(u0, v));
    a12 = f32x4.add(a12, f32x4.mul(u1, v));
    v = widen(type, raw, w3, i);
    a03 = f32x4.add(a03, f32x4.mul(u0, v));
    a13 = f32x4.add(a13, f32x4.mul(u1, v));
  }
  store<f32>(out, hsum(a00));
  store<f32>(out, hsum(a01), 4);
  store<f32>(out, hsum(a02), 8);
  store<f32>(out, hsum(a03), 12);
  store<f32>(out + os, hsum(a10));
  store<f32>(out + os, hsum(a11), 4);
  store<f32>(out + os, hsum(a12), 8);
  store<f32>(out + os, hsum(a13), 12);
}

function quadF32(w0: usize, rs: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tileQuad(W_F32, false, w0, rs, x, xs, n4, out, os); }
function quadF16(w0: usize, rs: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tileQuad(W_F16, false, w0, rs, x, xs, n4, out, os); }
function quadF16Raw(w0: usize, rs: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tileQuad(W_F16, true, w0, rs, x, xs, n4, out, os); }
function quadBF16(w0: usize, rs: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void { tileQuad(W_BF16, false, w0, rs, x, xs, n4, out, os); }

/** Variant 0..3 of the 4-row × 2-token tile. */
function runQuad(variant: i32, w0: usize, rs: usize, x: usize, xs: usize, n4: i32, out: usize, os: usize): void {
  if (variant == 0) quadF32(w0, rs, x, xs, n4, out, os);
  else if (variant == 1) quadF16(w0, rs, x, xs, n4, out, os);
  else if (variant == 2) quadF16Raw(w0, rs, x, xs, n4, out, os);
  else quadBF16(w0, rs, x, xs, n4, out, os);
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
  if (m == 2) {
    // 4-row blocks first, then pairs and a lone row as for 3 tokens.
    for (; o + 4 <= o1; o += 4) {
      const w0 = w + <usize>o * rs;
      const ot = out + (<usize>o << 2);
      runQuad(variant, w0, rs, tx, txs, n4, ot, os);
      if (n4 == n) continue;
      for (let t = 0; t < 2; t++) {
        const xt = x + <usize>t * xs;
        for (let r = 0; r < 4; r++) {
          const p = ot + <usize>t * os + (<usize>r << 2);
          store<f32>(p, dotTail(type, w0 + <usize>r * rs, xt, n4, n, load<f32>(p)));
        }
      }
    }
  }
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
