// out[t, o] = Σ_i x[t, i] · w[o, i] (+ bias[o]); w is [outDim, inDim] in any weight type.
// Threads split the output rows o. numRows <= 3: fused dequant-dot GEMV, 4 weight rows at a
// time sharing the x loads (the 4-row block stays in L1 across tokens). More rows: per chunk
// of CHUNK weight rows, unpack to the thread's f32 scratch once, then a 4-token x 2-row
// register tile over all tokens. Both paths accumulate each (t, o) the same way (see
// weights.ts), so results do not depend on the path or the thread count.
import { argI, argU, hsum, splitStart } from "./common";
import { dotRow1, dotRows4, dotRows4F16Prescaled, prescaleForF16, rowBytes, unpackRow, W_F16, W_F32 } from "./weights";

/** Weight rows unpacked at once by the tiled path (scratch: CHUNK · inDim · 4 bytes a thread). */
export const CHUNK: i32 = 8;
const GEMV_MAX_ROWS: i32 = 3;
/** Tokens of x the tiled path keeps hot (64 · inDim · 4 bytes: 147 KB at inDim 576). */
const TOKEN_BLOCK: i32 = 64;

// args: x, w, weightType, bias, out, numRows, inDim, outDim, xStride, outStride, scratch, scratchStride
export function matmulKernel(args: usize, thread: i32, threads: i32): void {
  const x = argU(args, 0);
  const w = argU(args, 1);
  const type = argI(args, 2);
  const bias = argU(args, 3);
  const out = argU(args, 4);
  const numRows = argI(args, 5);
  const inDim = argI(args, 6);
  const outDim = argI(args, 7);
  const xs = argU(args, 8) << 2;
  const os = argU(args, 9) << 2;
  const scratch = argU(args, 10) + argU(args, 11) * <usize>thread;
  const o0 = splitStart(outDim, thread, threads, CHUNK);
  const o1 = splitStart(outDim, thread + 1, threads, CHUNK);
  if (o0 >= o1) return;
  if (numRows <= GEMV_MAX_ROWS) gemv(x, w, type, out, numRows, inDim, xs, os, o0, o1, scratch);
  else gemm(x, w, type, out, numRows, inDim, xs, os, o0, o1, scratch);
  if (bias != 0) {
    for (let t = 0; t < numRows; t++) {
      const row = out + <usize>t * os;
      for (let o = o0; o < o1; o++) {
        const p = row + (<usize>o << 2);
        store<f32>(p, load<f32>(p) + load<f32>(bias + (<usize>o << 2)));
      }
    }
  }
}

function gemv(x: usize, w: usize, type: i32, out: usize, numRows: i32, n: i32, xs: usize, os: usize, o0: i32, o1: i32, scratch: usize): void {
  const rs = rowBytes(type, n);
  // F16: tokens whose x can be prescaled exactly take the fast path (bit k of `fast`).
  let fast = 0;
  if (type == W_F16 && scratch != 0) {
    for (let t = 0; t < numRows; t++) {
      if (prescaleForF16(x + <usize>t * xs, n, scratch + ((<usize>t * n) << 2))) fast |= 1 << t;
    }
  }
  let o = o0;
  for (; o + 4 <= o1; o += 4) {
    const wr = w + <usize>o * rs;
    for (let t = 0; t < numRows; t++) {
      const xt = x + <usize>t * xs;
      const ot = out + <usize>t * os + (<usize>o << 2);
      if ((fast >> t) & 1) dotRows4F16Prescaled(wr, rs, scratch + ((<usize>t * n) << 2), xt, n, ot);
      else dotRows4(type, wr, rs, xt, n, ot);
    }
  }
  for (; o < o1; o++) {
    for (let t = 0; t < numRows; t++) {
      store<f32>(out + <usize>t * os + (<usize>o << 2), dotRow1(type, w + <usize>o * rs, x + <usize>t * xs, n));
    }
  }
}

function gemm(x: usize, w: usize, type: i32, out: usize, numRows: i32, n: i32, xs: usize, os: usize, o0: i32, o1: i32, scratch: usize): void {
  // Token blocks of TOKEN_BLOCK rows keep their x rows in L2 while every weight chunk passes.
  for (let t0 = 0; t0 < numRows; t0 += TOKEN_BLOCK) {
    const rows = min(TOKEN_BLOCK, numRows - t0);
    gemmBlock(x + <usize>t0 * xs, w, type, out + <usize>t0 * os, rows, n, xs, os, o0, o1, scratch);
  }
}

function gemmBlock(x: usize, w: usize, type: i32, out: usize, numRows: i32, n: i32, xs: usize, os: usize, o0: i32, o1: i32, scratch: usize): void {
  const rs = rowBytes(type, n);
  const fs = <usize>n << 2;
  for (let c = o0; c < o1; c += CHUNK) {
    const rows = min(CHUNK, o1 - c);
    let wc = w + <usize>c * rs;
    let ws = rs;
    if (type != W_F32) {
      for (let r = 0; r < rows; r++) unpackRow(type, wc + <usize>r * rs, scratch + <usize>r * fs, n);
      wc = scratch;
      ws = fs;
    }
    const oc = out + (<usize>c << 2);
    let t = 0;
    for (; t + 4 <= numRows; t += 4) {
      const xt = x + <usize>t * xs;
      const ot = oc + <usize>t * os;
      let r = 0;
      for (; r + 2 <= rows; r += 2) tile4x2(xt, xs, wc + <usize>r * ws, ws, n, ot + (<usize>r << 2), os);
      if (r < rows) tile4x1(xt, xs, wc + <usize>r * ws, n, ot + (<usize>r << 2), os);
    }
    for (; t < numRows; t++) {
      const xt = x + <usize>t * xs;
      const ot = oc + <usize>t * os;
      for (let r = 0; r < rows; r++) store<f32>(ot + (<usize>r << 2), dotRow1(W_F32, wc + <usize>r * ws, xt, n));
    }
  }
}

/** hsum of `acc`, then the scalar tail x[i]·w[i] for i in [from, n), in order. */
@inline function finish(acc: v128, x: usize, w: usize, from: i32, n: i32): f32 {
  let s = hsum(acc);
  for (let i = from; i < n; i++) s += load<f32>(x + (<usize>i << 2)) * load<f32>(w + (<usize>i << 2));
  return s;
}

function tile4x2(x: usize, xs: usize, w: usize, ws: usize, n: i32, out: usize, os: usize): void {
  let a00 = f32x4.splat(0);
  let a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0);
  let a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0);
  let a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0);
  let a31 = f32x4.splat(0);
  const x1 = x + xs;
  const x2 = x1 + xs;
  const x3 = x2 + xs;
  const w1 = w + ws;
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const off = <usize>i << 2;
    const v0 = v128.load(w + off);
    const v1 = v128.load(w1 + off);
    let u = v128.load(x + off);
    a00 = f32x4.add(a00, f32x4.mul(u, v0));
    a01 = f32x4.add(a01, f32x4.mul(u, v1));
    u = v128.load(x1 + off);
    a10 = f32x4.add(a10, f32x4.mul(u, v0));
    a11 = f32x4.add(a11, f32x4.mul(u, v1));
    u = v128.load(x2 + off);
    a20 = f32x4.add(a20, f32x4.mul(u, v0));
    a21 = f32x4.add(a21, f32x4.mul(u, v1));
    u = v128.load(x3 + off);
    a30 = f32x4.add(a30, f32x4.mul(u, v0));
    a31 = f32x4.add(a31, f32x4.mul(u, v1));
  }
  store<f32>(out, finish(a00, x, w, n4, n));
  store<f32>(out, finish(a01, x, w1, n4, n), 4);
  store<f32>(out + os, finish(a10, x1, w, n4, n));
  store<f32>(out + os, finish(a11, x1, w1, n4, n), 4);
  store<f32>(out + 2 * os, finish(a20, x2, w, n4, n));
  store<f32>(out + 2 * os, finish(a21, x2, w1, n4, n), 4);
  store<f32>(out + 3 * os, finish(a30, x3, w, n4, n));
  store<f32>(out + 3 * os, finish(a31, x3, w1, n4, n), 4);
}

function tile4x1(x: usize, xs: usize, w: usize, n: i32, out: usize, os: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const x1 = x + xs;
  const x2 = x1 + xs;
  const x3 = x2 + xs;
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(w + off);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(x + off), v));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(x1 + off), v));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(x2 + off), v));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(x3 + off), v));
  }
  store<f32>(out, finish(a0, x, w, n4, n));
  store<f32>(out + os, finish(a1, x1, w, n4, n));
  store<f32>(out + 2 * os, finish(a2, x2, w, n4, n));
  store<f32>(out + 3 * os, finish(a3, x3, w, n4, n));
}
