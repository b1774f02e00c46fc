import { KernelId } from "../kernel-ids.js";
import type { KernelRuntime } from "../runtime/kernel-runtime.js";

/** Arguments of `gatherRows`: `dst[r, :width] = src[rows[r], :width]` (F32). */
export interface GatherRowsArgs {
  /** F32 `[numSrcRows, srcStride]`. */
  readonly src: number;
  readonly numSrcRows: number;
  /** Floats between source rows (default width). */
  readonly srcStride?: number;
  /** i32 `[numRows]`: source row of each destination row. */
  readonly rows: number;
  readonly numRows: number;
  readonly width: number;
  /** F32 `[numRows, dstStride]`. */
  readonly dst: number;
  /** Floats between destination rows (default width). */
  readonly dstStride?: number;
}

/** Launches gatherRows (e.g. the hidden rows of the tokens to sample, before the LM head). */
export function gatherRows(rt: KernelRuntime, a: GatherRowsArgs): void {
  const k = "gatherRows";
  const { numRows, numSrcRows, width } = a;
  rt.checkCount(k, "numRows", numRows);
  rt.checkCount(k, "numSrcRows", numSrcRows);
  rt.checkCount(k, "width", width);
  const srcStride = a.srcStride ?? width;
  const dstStride = a.dstStride ?? width;
  rt.checkCount(k, "srcStride", srcStride, width);
  rt.checkCount(k, "dstStride", dstStride, width);
  rt.checkPtr(k, "src", a.src, ((numSrcRows - 1) * srcStride + width) * 4);
  rt.checkPtr(k, "rows", a.rows, numRows * 4);
  rt.checkPtr(k, "dst", a.dst, ((numRows - 1) * dstStride + width) * 4);
  const rows = rt.i32(a.rows, numRows);
  for (let r = 0; r < numRows; r++) {
    const row = rows[r] as number;
    if (row < 0 || row >= numSrcRows)
      rt.fail(k, "rows", `[${r}] = ${row} is not a row below numSrcRows ${numSrcRows}`);
  }
  const args = rt.args();
  args[0] = a.src;
  args[1] = srcStride;
  args[2] = a.rows;
  args[3] = numRows;
  args[4] = width;
  args[5] = a.dst;
  args[6] = dstStride;
  rt.launch(KernelId.gatherRows, 0);
}
