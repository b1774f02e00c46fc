// RMSNorm over rows × width (F32 weight). With a residual: residual += x (stored), then
// out = rmsnorm(residual) · weight; without: out = rmsnorm(x) · weight. Sum of squares in f32
// (one f32x4 accumulator, fixed order). Threads split rows.
import { argF, argI, argU, rmsNormRow, splitStart } from "./common";

// args: x, residual, weight, out, rows, width, eps
export function rmsNormKernel(args: usize, thread: i32, threads: i32): void {
  const x = argU(args, 0);
  const residual = argU(args, 1);
  const weight = argU(args, 2);
  const out = argU(args, 3);
  const rows = argI(args, 4);
  const width = argI(args, 5);
  const eps = argF(args, 6);
  const rb = (<usize>width) << 2;
  const r1 = splitStart(rows, thread + 1, threads, 1);
  for (let r = splitStart(rows, thread, threads, 1); r < r1; r++) {
    const xr = x + <usize>r * rb;
    let src = xr;
    if (residual != 0) {
      src = residual + <usize>r * rb;
      addInPlace(src, xr, width);
    }
    rmsNormRow(src, weight, out + <usize>r * rb, width, eps);
  }
}

function addInPlace(dst: usize, src: usize, n: i32): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const off = (<usize>i) << 2;
    v128.store(dst + off, f32x4.add(v128.load(dst + off), v128.load(src + off)));
  }
  for (; i < n; i++) {
    const off = (<usize>i) << 2;
    store<f32>(dst + off, load<f32>(dst + off) + load<f32>(src + off));
  }
}
