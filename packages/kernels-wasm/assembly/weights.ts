// The one place that knows weight types. Each type supplies "unpack a packed row to f32" and
// "dot of packed rows with an f32 vector"; matmul and embed only call these. The quantized
// types (Q8_0 3, Q4_0 4, Q4_K 5, Q6_K 6) unpack through quant-dequant.ts (embed); their
// matmul is quant-matmul.ts's integer dots, not dotRows4/dotRow1 or the f32 GEMM.
//
// Every dot keeps the order matmul's tiled path uses on unpacked rows: one f32x4 accumulator
// per row over i in steps of 4 (increasing i, mul then add), hsum, then the scalar tail in
// order. Dequantizing F16/BF16 is exact, so the fused and the unpack-then-dot paths agree bit
// for bit.
import { hsum } from "./common";
import { F16_SCALE, f16ToF32 } from "./half";
import { blockBytes, blockElements, dequantRow, W_Q8_0 } from "./quant-dequant";

export const W_F32: i32 = 0;
export const W_F16: i32 = 1;
export const W_BF16: i32 = 2;

/** Bytes of a packed row of `n` elements. */
export function rowBytes(type: i32, n: i32): usize {
  if (type >= W_Q8_0) return <usize>(n / blockElements(type)) * <usize>blockBytes(type);
  return type == W_F32 ? <usize>n << 2 : <usize>n << 1;
}

/** True for the block-quantized types. */
@inline export function isQuantized(type: i32): bool {
  return type >= W_Q8_0;
}

// F16 -> F32 as half.ts's f16ToF32, 4 lanes at a time.

@inline function f16Low(h: v128): v128 {
  const bits = v128.and(i32x4.shl(i32x4.extend_low_i16x8_s(h), 13), i32x4.splat(<i32>0x8fffe000));
  return f32x4.mul(bits, f32x4.splat(F16_SCALE));
}

@inline function f16High(h: v128): v128 {
  const bits = v128.and(i32x4.shl(i32x4.extend_high_i16x8_s(h), 13), i32x4.splat(<i32>0x8fffe000));
  return f32x4.mul(bits, f32x4.splat(F16_SCALE));
}

// BF16 -> F32: the 16 bits become the high half of an f32 (zero-extend, shift left 16).
@inline function bf16Low(h: v128): v128 {
  return i32x4.shl(i32x4.extend_low_i16x8_u(h), 16);
}

@inline function bf16High(h: v128): v128 {
  return i32x4.shl(i32x4.extend_high_i16x8_u(h), 16);
}

@inline function bf16ToF32(h: u16): f32 {
  return reinterpret<f32>(<i32>h << 16);
}

/** Unpacks `n` elements of a packed row at `src` into f32 at `dst`. */
export function unpackRow(type: i32, src: usize, dst: usize, n: i32): void {
  if (type == W_F32) {
    memory.copy(dst, src, <usize>n << 2);
    return;
  }
  if (type >= W_Q8_0) {
    dequantRow(type, src, dst, n);
    return;
  }
  const n8 = n & ~7;
  let i = 0;
  if (type == W_F16) {
    for (; i < n8; i += 8) {
      const h = v128.load(src + (<usize>i << 1));
      v128.store(dst + (<usize>i << 2), f16Low(h));
      v128.store(dst + (<usize>i << 2) + 16, f16High(h));
    }
    for (; i < n; i++) store<f32>(dst + (<usize>i << 2), f16ToF32(load<u16>(src + (<usize>i << 1))));
  } else {
    for (; i < n8; i += 8) {
      const h = v128.load(src + (<usize>i << 1));
      v128.store(dst + (<usize>i << 2), bf16Low(h));
      v128.store(dst + (<usize>i << 2) + 16, bf16High(h));
    }
    for (; i < n; i++) store<f32>(dst + (<usize>i << 2), bf16ToF32(load<u16>(src + (<usize>i << 1))));
  }
}

/** Element `i` of a packed row, as f32 (for scalar tails). */
@inline function elem(type: i32, row: usize, i: i32): f32 {
  if (type == W_F32) return load<f32>(row + (<usize>i << 2));
  const h = load<u16>(row + (<usize>i << 1));
  return type == W_F16 ? f16ToF32(h) : bf16ToF32(h);
}

/**
 * Dots of 4 consecutive packed rows (row stride `rs` bytes) with the f32 vector `x` of `n`
 * elements; the 4 sums go to out[0..3] (f32, consecutive).
 */
export function dotRows4(type: i32, w: usize, rs: usize, x: usize, n: i32, out: usize): void {
  if (type == W_F32) dotRows4F32(w, rs, x, n, out);
  else if (type == W_F16) dotRows4F16(w, rs, x, n, out);
  else dotRows4BF16(w, rs, x, n, out);
}

/** Dot of one packed row with `x`. */
export function dotRow1(type: i32, w: usize, x: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    let wv: v128;
    if (type == W_F32) wv = v128.load(w + (<usize>i << 2));
    else if (type == W_F16) wv = f16Low(v128.load64_zero(w + (<usize>i << 1)));
    else wv = bf16Low(v128.load64_zero(w + (<usize>i << 1)));
    acc = f32x4.add(acc, f32x4.mul(v128.load(x + (<usize>i << 2)), wv));
  }
  let s = hsum(acc);
  for (; i < n; i++) s += load<f32>(x + (<usize>i << 2)) * elem(type, w, i);
  return s;
}

@inline function tail4(type: i32, w: usize, rs: usize, x: usize, from: i32, n: i32, out: usize, a0: v128, a1: v128, a2: v128, a3: v128): void {
  let s0 = hsum(a0);
  let s1 = hsum(a1);
  let s2 = hsum(a2);
  let s3 = hsum(a3);
  for (let i = from; i < n; i++) {
    const xs = load<f32>(x + (<usize>i << 2));
    s0 += xs * elem(type, w, i);
    s1 += xs * elem(type, w + rs, i);
    s2 += xs * elem(type, w + 2 * rs, i);
    s3 += xs * elem(type, w + 3 * rs, i);
  }
  store<f32>(out, s0);
  store<f32>(out, s1, 4);
  store<f32>(out, s2, 8);
  store<f32>(out, s3, 12);
}

function dotRows4F32(w: usize, rs: usize, x: usize, n: i32, out: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const w1 = w + rs;
  const w2 = w1 + rs;
  const w3 = w2 + rs;
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    const xv = v128.load(x + off);
    a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(w + off)));
    a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(w1 + off)));
    a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(w2 + off)));
    a3 = f32x4.add(a3, f32x4.mul(xv, v128.load(w3 + off)));
  }
  tail4(W_F32, w, rs, x, i, n, out, a0, a1, a2, a3);
}

// dotRows4F16 and dotRows4BF16 differ only in how a half is widened (a merged @inline body with a
// constant flag was tried; this VM's noise, 20–29 GB/s in cache, hid any difference).
function dotRows4F16(w: usize, rs: usize, x: usize, n: i32, out: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const w1 = w + rs;
  const w2 = w1 + rs;
  const w3 = w2 + rs;
  const n8 = n & ~7;
  let i = 0;
  for (; i < n8; i += 8) {
    const xo = x + (<usize>i << 2);
    const wo = <usize>i << 1;
    const x0 = v128.load(xo);
    const x1 = v128.load(xo, 16);
    const h0 = v128.load(w + wo);
    const h1 = v128.load(w1 + wo);
    const h2 = v128.load(w2 + wo);
    const h3 = v128.load(w3 + wo);
    a0 = f32x4.add(a0, f32x4.mul(x0, f16Low(h0)));
    a1 = f32x4.add(a1, f32x4.mul(x0, f16Low(h1)));
    a2 = f32x4.add(a2, f32x4.mul(x0, f16Low(h2)));
    a3 = f32x4.add(a3, f32x4.mul(x0, f16Low(h3)));
    a0 = f32x4.add(a0, f32x4.mul(x1, f16High(h0)));
    a1 = f32x4.add(a1, f32x4.mul(x1, f16High(h1)));
    a2 = f32x4.add(a2, f32x4.mul(x1, f16High(h2)));
    a3 = f32x4.add(a3, f32x4.mul(x1, f16High(h3)));
  }
  if (i + 4 <= n) {
    const x0 = v128.load(x + (<usize>i << 2));
    const wo = <usize>i << 1;
    a0 = f32x4.add(a0, f32x4.mul(x0, f16Low(v128.load64_zero(w + wo))));
    a1 = f32x4.add(a1, f32x4.mul(x0, f16Low(v128.load64_zero(w1 + wo))));
    a2 = f32x4.add(a2, f32x4.mul(x0, f16Low(v128.load64_zero(w2 + wo))));
    a3 = f32x4.add(a3, f32x4.mul(x0, f16Low(v128.load64_zero(w3 + wo))));
    i += 4;
  }
  tail4(W_F16, w, rs, x, i, n, out, a0, a1, a2, a3);
}

function dotRows4BF16(w: usize, rs: usize, x: usize, n: i32, out: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const w1 = w + rs;
  const w2 = w1 + rs;
  const w3 = w2 + rs;
  const n8 = n & ~7;
  let i = 0;
  for (; i < n8; i += 8) {
    const xo = x + (<usize>i << 2);
    const wo = <usize>i << 1;
    const x0 = v128.load(xo);
    const x1 = v128.load(xo, 16);
    const h0 = v128.load(w + wo);
    const h1 = v128.load(w1 + wo);
    const h2 = v128.load(w2 + wo);
    const h3 = v128.load(w3 + wo);
    a0 = f32x4.add(a0, f32x4.mul(x0, bf16Low(h0)));
    a1 = f32x4.add(a1, f32x4.mul(x0, bf16Low(h1)));
    a2 = f32x4.add(a2, f32x4.mul(x0, bf16Low(h2)));
    a3 = f32x4.add(a3, f32x4.mul(x0, bf16Low(h3)));
    a0 = f32x4.add(a0, f32x4.mul(x1, bf16High(h0)));
    a1 = f32x4.add(a1, f32x4.mul(x1, bf16High(h1)));
    a2 = f32x4.add(a2, f32x4.mul(x1, bf16High(h2)));
    a3 = f32x4.add(a3, f32x4.mul(x1, bf16High(h3)));
  }
  if (i + 4 <= n) {
    const x0 = v128.load(x + (<usize>i << 2));
    const wo = <usize>i << 1;
    a0 = f32x4.add(a0, f32x4.mul(x0, bf16Low(v128.load64_zero(w + wo))));
    a1 = f32x4.add(a1, f32x4.mul(x0, bf16Low(v128.load64_zero(w1 + wo))));
    a2 = f32x4.add(a2, f32x4.mul(x0, bf16Low(v128.load64_zero(w2 + wo))));
    a3 = f32x4.add(a3, f32x4.mul(x0, bf16Low(v128.load64_zero(w3 + wo))));
    i += 4;
  }
  tail4(W_BF16, w, rs, x, i, n, out, a0, a1, a2, a3);
}

// F16 fast path for the GEMV. With x' = x · 2^112 (exact while every |x| < 2^16), the product
// x' · raw(h), raw(h) = the f32 bits of h before the 2^112 rescale, has the same real value as
// x · f16(h) and so rounds to the same f32: one multiply per element fewer, same bits.
const F16_X_LIMIT: f32 = 65536;

/** Writes x · 2^112 to `dst` and returns true when that is exact for every element (|x| < 2^16). */
export function prescaleForF16(x: usize, n: i32, dst: usize): bool {
  let m = f32x4.splat(0);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) m = f32x4.max(m, f32x4.abs(v128.load(x + (<usize>i << 2))));
  let mx = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; i < n; i++) mx = max(mx, Mathf.abs(load<f32>(x + (<usize>i << 2))));
  if (!(mx < F16_X_LIMIT)) return false;
  const s = f32x4.splat(F16_SCALE);
  for (i = 0; i < n4; i += 4) v128.store(dst + (<usize>i << 2), f32x4.mul(v128.load(x + (<usize>i << 2)), s));
  return true;
}

@inline function f16RawLow(h: v128): v128 {
  return v128.and(i32x4.shl(i32x4.extend_low_i16x8_s(h), 13), i32x4.splat(<i32>0x8fffe000));
}

@inline function f16RawHigh(h: v128): v128 {
  return v128.and(i32x4.shl(i32x4.extend_high_i16x8_s(h), 13), i32x4.splat(<i32>0x8fffe000));
}

/** dotRows4 for F16 with `xs` = prescaleForF16(x): SIMD part on xs, scalar tail on x (same bits). */
export function dotRows4F16Prescaled(w: usize, rs: usize, xs: usize, x: usize, n: i32, out: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const w1 = w + rs;
  const w2 = w1 + rs;
  const w3 = w2 + rs;
  const n8 = n & ~7;
  let i = 0;
  for (; i < n8; i += 8) {
    const xo = xs + (<usize>i << 2);
    const wo = <usize>i << 1;
    const x0 = v128.load(xo);
    const x1 = v128.load(xo, 16);
    const h0 = v128.load(w + wo);
    const h1 = v128.load(w1 + wo);
    const h2 = v128.load(w2 + wo);
    const h3 = v128.load(w3 + wo);
    a0 = f32x4.add(a0, f32x4.mul(x0, f16RawLow(h0)));
    a1 = f32x4.add(a1, f32x4.mul(x0, f16RawLow(h1)));
    a2 = f32x4.add(a2, f32x4.mul(x0, f16RawLow(h2)));
    a3 = f32x4.add(a3, f32x4.mul(x0, f16RawLow(h3)));
    a0 = f32x4.add(a0, f32x4.mul(x1, f16RawHigh(h0)));
    a1 = f32x4.add(a1, f32x4.mul(x1, f16RawHigh(h1)));
    a2 = f32x4.add(a2, f32x4.mul(x1, f16RawHigh(h2)));
    a3 = f32x4.add(a3, f32x4.mul(x1, f16RawHigh(h3)));
  }
  if (i + 4 <= n) {
    const x0 = v128.load(xs + (<usize>i << 2));
    const wo = <usize>i << 1;
    a0 = f32x4.add(a0, f32x4.mul(x0, f16RawLow(v128.load64_zero(w + wo))));
    a1 = f32x4.add(a1, f32x4.mul(x0, f16RawLow(v128.load64_zero(w1 + wo))));
    a2 = f32x4.add(a2, f32x4.mul(x0, f16RawLow(v128.load64_zero(w2 + wo))));
    a3 = f32x4.add(a3, f32x4.mul(x0, f16RawLow(v128.load64_zero(w3 + wo))));
    i += 4;
  }
  tail4(W_F16, w, rs, x, i, n, out, a0, a1, a2, a3);
}

/**
 * Unpacks the first `n4` (a multiple of 4) elements of two packed F32/F16/BF16 rows into the
 * GEMM's interleaved weight panel: for each step s of 4 elements, row 0's f32x4 then row 1's, at
 * `dst + s · 32`. (Quantized weights never reach the f32 GEMM: quant-matmul.ts.)
 */
export function unpackPairPanel(type: i32, src0: usize, src1: usize, dst: usize, n4: i32): void {
  const n8 = n4 & ~7;
  let i = 0;
  if (type == W_F32) {
    for (; i < n8; i += 8) {
      const o = <usize>i << 2;
      v128.store(dst, v128.load(src0 + o));
      v128.store(dst, v128.load(src1 + o), 16);
      v128.store(dst, v128.load(src0 + o, 16), 32);
      v128.store(dst, v128.load(src1 + o, 16), 48);
      dst += 64;
    }
    if (i < n4) {
      v128.store(dst, v128.load(src0 + (<usize>i << 2)));
      v128.store(dst, v128.load(src1 + (<usize>i << 2)), 16);
    }
  } else if (type == W_F16) {
    for (; i < n8; i += 8) {
      const h0 = v128.load(src0 + (<usize>i << 1));
      const h1 = v128.load(src1 + (<usize>i << 1));
      v128.store(dst, f16Low(h0));
      v128.store(dst, f16Low(h1), 16);
      v128.store(dst, f16High(h0), 32);
      v128.store(dst, f16High(h1), 48);
      dst += 64;
    }
    if (i < n4) {
      v128.store(dst, f16Low(v128.load64_zero(src0 + (<usize>i << 1))));
      v128.store(dst, f16Low(v128.load64_zero(src1 + (<usize>i << 1))), 16);
    }
  } else {
    for (; i < n8; i += 8) {
      const h0 = v128.load(src0 + (<usize>i << 1));
      const h1 = v128.load(src1 + (<usize>i << 1));
      v128.store(dst, bf16Low(h0));
      v128.store(dst, bf16Low(h1), 16);
      v128.store(dst, bf16High(h0), 32);
      v128.store(dst, bf16High(h1), 48);
      dst += 64;
    }
    if (i < n4) {
      v128.store(dst, bf16Low(v128.load64_zero(src0 + (<usize>i << 1))));
      v128.store(dst, bf16Low(v128.load64_zero(src1 + (<usize>i << 1))), 16);
    }
  }
}

/** `s` + x[i] · w[i] for i in [from, n), in order: the scalar tail of every dot. */
export function dotTail(type: i32, w: usize, x: usize, from: i32, n: i32, s: f32): f32 {
  for (let i = from; i < n; i++) s += load<f32>(x + (<usize>i << 2)) * elem(type, w, i);
  return s;
}
