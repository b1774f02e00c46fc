// dst[r, :width] = src[rows[r], :width] (f32), rows `srcStride` / `dstStride` floats apart.
import { argI, argU, splitStart } from "./common";

// args: src, srcStride, rows, numRows, width, dst, dstStride
export function gatherRowsKernel(args: usize, thread: i32, threads: i32): void {
  const src = argU(args, 0);
  const srcRow = argU(args, 1) << 2;
  const rows = argU(args, 2);
  const numRows = argI(args, 3);
  const bytes = argU(args, 4) << 2;
  const dst = argU(args, 5);
  const dstRow = argU(args, 6) << 2;
  const r1 = splitStart(numRows, thread + 1, threads, 1);
  for (let r = splitStart(numRows, thread, threads, 1); r < r1; r++) {
    const from = <usize>load<i32>(rows + (<usize>r << 2));
    memory.copy(dst + <usize>r * dstRow, src + from * srcRow, bytes);
  }
}
