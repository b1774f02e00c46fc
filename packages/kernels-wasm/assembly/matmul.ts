// out[t, o] = Σ_i x[t, i] · w[o, i] (+ bias[o]); w is [outDim, inDim] in any weight type.
// Threads split the output rows o into equal contiguous ranges. One row: fused dequant-dot
// GEMV, 4 weight rows at a time sharing the x loads; 2–3 rows: gemv-rows.ts's tile, which
// widens each weight vector once for all tokens; quantized weights: integer dots of the
// packed blocks with x quantized to int8 blocks (quant-dot.ts). More rows: the tiled GEMM over
// packed panels (gemm.ts). All paths accumulate each (t, o) the same way (see weights.ts), so
// results do not depend on the path, the row count or the thread count.
import { argI, argU, splitStart } from "./common";
import { gemm } from "./gemm";
import { GEMV_TILE_ROWS, gemvRows } from "./gemv-rows";
import { matmulQ } from "./quant-matmul";
import { dotRow1, dotRows4, dotRows4F16Prescaled, isQuantized, prescaleForF16, rowBytes, W_F16 } from "./weights";

/** Thread ranges of output rows start at multiples of this (whole GEMV 4-row blocks). */
const SPLIT_ALIGN: i32 = 8;
const GEMV_MAX_ROWS: i32 = GEMV_TILE_ROWS;

// args: x, w, weightType, bias, out, numRows, inDim, outDim, xStride, outStride, scratch,
// scratchStride, tokenBlock (GEMM: tokens packed at once, a multiple of 4)
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
  const o0 = splitStart(outDim, thread, threads, SPLIT_ALIGN);
  const o1 = splitStart(outDim, thread + 1, threads, SPLIT_ALIGN);
  if (o0 >= o1) return;
  if (isQuantized(type)) matmulQ(x, w, type, out, numRows, inDim, xs, os, o0, o1, scratch, argI(args, 12));
  else if (numRows <= GEMV_MAX_ROWS) gemv(x, w, type, out, numRows, inDim, xs, os, o0, o1, scratch);
  else gemm(x, w, type, out, numRows, inDim, xs, os, o0, o1, scratch, argI(args, 12));
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
  if (numRows > 1) {
    gemvRows(x, w, type, out, numRows, n, xs, os, o0, o1, fast == (1 << numRows) - 1 ? scratch : 0);
    return;
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
