// Helpers shared by every kernel: argument reading, work splitting, horizontal sums.
// Arguments travel as an f64 array in the wasm memory (the pool's control area), so the same
// `run(kernel, args, thread, threads)` entry serves the calling thread and every worker.

/** Argument `k` as a byte pointer or an unsigned count. */
@inline export function argU(args: usize, k: i32): usize {
  return <usize>load<f64>(args + (<usize>k << 3));
}

/** Argument `k` as a signed integer. */
@inline export function argI(args: usize, k: i32): i32 {
  return <i32>load<f64>(args + (<usize>k << 3));
}

/** Argument `k` as an f32. */
@inline export function argF(args: usize, k: i32): f32 {
  return <f32>load<f64>(args + (<usize>k << 3));
}

/** Start of part `part` of `parts` contiguous ranges over [0, total), boundaries multiples of `align`. */
export function splitStart(total: i32, part: i32, parts: i32, align: i32): i32 {
  const units = (<i64>total + align - 1) / align;
  const start = <i32>((units * part) / parts) * align;
  return start < total ? start : total;
}

/** Horizontal sum in the one fixed order every kernel uses: (l0 + l1) + (l2 + l3). */
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Dot of two f32 vectors: one f32x4 accumulator over i in steps of 4, hsum, then the tail in order. */
export function dotF32(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(a + off), v128.load(b + off)));
  }
  let s = hsum(acc);
  for (; i < n; i++) {
    const off = <usize>i << 2;
    s += load<f32>(a + off) * load<f32>(b + off);
  }
  return s;
}

/** Sum of squares in f32, in the order of dotF32. */
export function sumSquaresF32(a: usize, n: i32): f32 {
  return dotF32(a, a, n);
}

/** `dst[i] = src[i] * scale * weight[i]` ((src · scale) first, then · weight), in place allowed. */
export function scaleMulF32(src: usize, scale: f32, weight: usize, dst: usize, n: i32): void {
  const s4 = f32x4.splat(scale);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    v128.store(dst + off, f32x4.mul(f32x4.mul(v128.load(src + off), s4), v128.load(weight + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(dst + off, load<f32>(src + off) * scale * load<f32>(weight + off));
  }
}

/** RMSNorm of one row in place or into `dst`: sum of squares in f32, `1 / sqrt(mean + eps)`. */
export function rmsNormRow(src: usize, weight: usize, dst: usize, n: i32, eps: f32): void {
  const mean = sumSquaresF32(src, n) / <f32>n;
  const inv = <f32>1.0 / Mathf.sqrt(mean + eps);
  scaleMulF32(src, inv, weight, dst, n);
}
