// The quantized GEMV (1–3 tokens): dots of packed weight rows, one row at a time (one sequential
// stream from memory), with an activation row quantized once per matmul to int8 blocks of 32
// (llama.cpp's Q8 activations), read straight from the blocks.
// Per block of 32: an integer dot (weights widened to i16, i32x4.dot_i16x8_s against x's
// int16 copy) in i32 lanes, converted to f32 and scaled by d_w · d_x into one f32x4
// accumulator; Q4_K subtracts its min term dmin · m · d_x · Σ x_q, Q6_K weighs its 16-element
// sub-blocks by their int8 scale inside the integer sum. Fixed order, so the result depends
// on neither the thread count nor the row's position. It does not give the bits of the GEMM's
// tile (quant-tile.ts: one f32 chain per output over each block's lane-summed integer): summing
// each block's lanes first, to match it, measured 25–30 % slower here (19.5 → 14 G MAC/s).
//
// Integer ranges: |x_q| ≤ 127 and |w_q| ≤ 128, so an i32x4.dot_i16x8_s lane (2 products) is
// ≤ 32,512, a block's lane sum ≤ 130,048; Q6_K's scale (|sc| ≤ 128) · its 16-element sums keeps
// far inside i32.
import { hsum } from "./common";
import { f16ToF32 } from "./half";
import { W_Q4_0, W_Q4_K, W_Q8_0 } from "./quant-dequant";

/** Bytes quantizeX writes for a row of `n` elements (a multiple of 32). */
@inline export function quantizedXBytes(n: i32): usize {
  return (<usize>n << 1) + (<usize>(n >> 5) << 3);
}

/**
 * Quantizes the f32 row `x` (`n` a multiple of 32) to `dst`: int16 x_q [n] (values in
 * [-127, 127]), then f32 d_x [n / 32], then i32 Σ x_q [n / 32]; x ≈ d_x · x_q per block,
 * d_x = max|x| / 127, x_q = nearest(x / d_x).
 */
export function quantizeX(x: usize, n: i32, dst: usize): void {
  const nb = n >> 5;
  const scales = dst + (<usize>n << 1);
  const sums = scales + (<usize>nb << 2);
  for (let b = 0; b < nb; b++) {
    const p = x + (<usize>b << 7);
    let m = f32x4.abs(v128.load(p));
    for (let k = 16; k < 128; k += 16) m = f32x4.max(m, f32x4.abs(v128.load(p + k)));
    const amax = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
    const d = amax / 127;
    const id = f32x4.splat(d > 0 ? <f32>1 / d : 0);
    let s = i32x4.splat(0);
    const q = dst + (<usize>b << 6);
    for (let k = 0; k < 128; k += 32) {
      const a = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p + k), id)));
      const c = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(p + k + 16), id)));
      s = i32x4.add(s, i32x4.add(a, c));
      v128.store(q + (k >> 1), i16x8.narrow_i32x4_s(a, c));
    }
    store<f32>(scales + (<usize>b << 2), d);
    store<i32>(sums + (<usize>b << 2), i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3));
  }
}

/** i32x4 lane sums of 16 int8 weights `q` times 16 int16 x at `xp`. */
@inline function dot16(q: v128, xp: usize): v128 {
  return i32x4.add(
    i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(q), v128.load(xp)),
    i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(q), v128.load(xp, 16)),
  );
}

/**
 * Dot of one packed row of quantized `type` (`n` elements) with x quantized at `xq`; `tmp`: 32
 * bytes of the thread's scratch (16-aligned).
 */
export function dotRowQ(type: i32, w: usize, xq: usize, n: i32, tmp: usize): f32 {
  if (type == W_Q8_0) return dotQ8_0(w, xq, n);
  if (type == W_Q4_0) return dotQ4_0(w, xq, n);
  if (type == W_Q4_K) return dotQ4_K(w, xq, n, tmp);
  return dotQ6_K(w, xq, n);
}

function dotQ8_0(w: usize, xq: usize, n: i32): f32 {
  const nb = n >> 5;
  const scales = xq + (<usize>n << 1);
  let acc = f32x4.splat(0);
  for (let b = 0; b < nb; b++) {
    const xp = xq + (<usize>b << 6);
    const s = i32x4.add(dot16(v128.load(w + 2), xp), dot16(v128.load(w + 18), xp + 32));
    const f = f16ToF32(load<u16>(w)) * load<f32>(scales + (<usize>b << 2));
    acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s), f32x4.splat(f)));
    w += 34;
  }
  return hsum(acc);
}

/** The int16 x block at `xp` (32 values) dotted with the widened weights l0..l3: i32x4 lanes. */
@inline function dot32(l0: v128, l1: v128, l2: v128, l3: v128, xp: usize): v128 {
  return i32x4.add(
    i32x4.add(i32x4.dot_i16x8_s(l0, v128.load(xp)), i32x4.dot_i16x8_s(l1, v128.load(xp, 16))),
    i32x4.add(i32x4.dot_i16x8_s(l2, v128.load(xp, 32)), i32x4.dot_i16x8_s(l3, v128.load(xp, 48))),
  );
}

/**
 * dotQ8_0 of one row with M (2 or 3) tokens' quantized x (`xqs` bytes apart), each block's
 * weights widened once; each token's arithmetic is dotQ8_0's (integer sums are exact, then the
 * same f32 ops in the same order), so the same bits. Results to out + t · os.
 */
@inline function dotQ8_0Tokens(M: i32, w: usize, xq: usize, xqs: usize, n: i32, out: usize, os: usize): void {
  const nb = n >> 5;
  const scales = xq + (<usize>n << 1);
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  for (let b = 0; b < nb; b++) {
    const xp = xq + (<usize>b << 6);
    const q0 = v128.load(w + 2);
    const q1 = v128.load(w + 18);
    const l0 = i16x8.extend_low_i8x16_s(q0);
    const l1 = i16x8.extend_high_i8x16_s(q0);
    const l2 = i16x8.extend_low_i8x16_s(q1);
    const l3 = i16x8.extend_high_i8x16_s(q1);
    const dw = f16ToF32(load<u16>(w));
    const so = <usize>b << 2;
    a0 = f32x4.add(a0, f32x4.mul(f32x4.convert_i32x4_s(dot32(l0, l1, l2, l3, xp)), f32x4.splat(dw * load<f32>(scales + so))));
    a1 = f32x4.add(a1, f32x4.mul(f32x4.convert_i32x4_s(dot32(l0, l1, l2, l3, xp + xqs)), f32x4.splat(dw * load<f32>(scales + xqs + so))));
    if (M > 2) {
      a2 = f32x4.add(a2, f32x4.mul(f32x4.convert_i32x4_s(dot32(l0, l1, l2, l3, xp + 2 * xqs)), f32x4.splat(dw * load<f32>(scales + 2 * xqs + so))));
    }
    w += 34;
  }
  store<f32>(out, hsum(a0));
  store<f32>(out + os, hsum(a1));
  if (M > 2) store<f32>(out + 2 * os, hsum(a2));
}

function dotQ8_0x2(w: usize, xq: usize, xqs: usize, n: i32, out: usize, os: usize): void {
  dotQ8_0Tokens(2, w, xq, xqs, n, out, os);
}

function dotQ8_0x3(w: usize, xq: usize, xqs: usize, n: i32, out: usize, os: usize): void {
  dotQ8_0Tokens(3, w, xq, xqs, n, out, os);
}

/** Q8_0 rows with `m` (2 or 3) tokens at once: out + t · os gets dotRowQ's bits for token t. */
export function dotRowQ8_0Tokens(m: i32, w: usize, xq: usize, xqs: usize, n: i32, out: usize, os: usize): void {
  if (m == 2) dotQ8_0x2(w, xq, xqs, n, out, os);
  else dotQ8_0x3(w, xq, xqs, n, out, os);
}

function dotQ4_0(w: usize, xq: usize, n: i32): f32 {
  const nb = n >> 5;
  const scales = xq + (<usize>n << 1);
  const low = i8x16.splat(15);
  const eight = i8x16.splat(8);
  let acc = f32x4.splat(0);
  for (let b = 0; b < nb; b++) {
    const xp = xq + (<usize>b << 6);
    const q = v128.load(w + 2);
    const lo = i8x16.sub(v128.and(q, low), eight);
    const hi = i8x16.sub(i8x16.shr_u(q, 4), eight);
    const s = i32x4.add(dot16(lo, xp), dot16(hi, xp + 32));
    const f = f16ToF32(load<u16>(w)) * load<f32>(scales + (<usize>b << 2));
    acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s), f32x4.splat(f)));
    w += 18;
  }
  return hsum(acc);
}

/**
 * A Q4_K super-block's 8 six-bit scales (`sc`) or mins (`m`) from its 12 scale bytes at `p`,
 * as 2 f32x4 (sub-blocks 0–3, 4–7): sc_j = b[j] & 63, m_j = b[j + 4] & 63 for j < 4;
 * sc_j = (b[j + 4] & 15) | (b[j − 4] >> 6) << 4, m_j = (b[j + 4] >> 4) | (b[j] >> 6) << 4 above.
 */
@inline function q4kSixBits(p: usize, mins: bool): v128 {
  const b = v128.load(p); // the 12 scale bytes, then 4 bytes of qs (unused)
  const low6 = v128.and(b, i8x16.splat(63));
  const top2 = i8x16.shr_u(v128.and(b, i8x16.splat(-64)), 2); // (b >> 6) << 4
  const z = i8x16.splat(0);
  // Bytes 0–7 of the result hold sub-blocks 0–7 as u8.
  const v = mins
    ? v128.or(
        i8x16.shuffle(low6, i8x16.shr_u(b, 4), 4, 5, 6, 7, 24, 25, 26, 27, 0, 0, 0, 0, 0, 0, 0, 0),
        i8x16.shuffle(top2, z, 16, 16, 16, 16, 4, 5, 6, 7, 16, 16, 16, 16, 16, 16, 16, 16),
      )
    : v128.or(
        i8x16.shuffle(low6, v128.and(b, i8x16.splat(15)), 0, 1, 2, 3, 24, 25, 26, 27, 0, 0, 0, 0, 0, 0, 0, 0),
        i8x16.shuffle(top2, z, 16, 16, 16, 16, 0, 1, 2, 3, 16, 16, 16, 16, 16, 16, 16, 16),
      );
  return i16x8.extend_low_i8x16_u(v);
}

/**
 * Q4_K: per super-block its 8 scales and mins are unpacked with SIMD (scalar unpacking and the
 * scalar min terms were as many instructions as the integer dots). Sub-block j's factor is
 * (d · sc_j) · d_x,j, stored to `tmp` (32 bytes of the thread's scratch) and splatted back per
 * 64-element chunk: a loop of small iterations, because V8 issues every load of an iteration
 * first, and a whole unrolled super-block spilled ~30 registers. The min terms
 * ((dmin · m_j) · d_x,j) · Σ x_q,j gather in an f32x4, subtracted at the end.
 */
function dotQ4_K(w: usize, xq: usize, n: i32, tmp: usize): f32 {
  const nsb = n >> 8;
  const scales = xq + (<usize>n << 1);
  const sums = scales + (<usize>(n >> 5) << 2);
  const low = i8x16.splat(15);
  let acc = f32x4.splat(0);
  let mins = f32x4.splat(0);
  for (let sb = 0; sb < nsb; sb++) {
    const d = f32x4.splat(f16ToF32(load<u16>(w)));
    const dmin = f32x4.splat(f16ToF32(load<u16>(w + 2)));
    const sc = q4kSixBits(w + 4, false);
    const m = q4kSixBits(w + 4, true);
    const dx = scales + (<usize>sb << 5);
    const sx = sums + (<usize>sb << 5);
    const dx0 = v128.load(dx);
    const dx1 = v128.load(dx, 16);
    v128.store(tmp, f32x4.mul(f32x4.mul(d, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(sc))), dx0));
    v128.store(tmp, f32x4.mul(f32x4.mul(d, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(sc))), dx1), 16);
    const m0 = f32x4.mul(f32x4.mul(dmin, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(m))), dx0);
    const m1 = f32x4.mul(f32x4.mul(dmin, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(m))), dx1);
    mins = f32x4.add(mins, f32x4.mul(m0, f32x4.convert_i32x4_s(v128.load(sx))));
    mins = f32x4.add(mins, f32x4.mul(m1, f32x4.convert_i32x4_s(v128.load(sx, 16))));
    const xp = xq + (<usize>sb << 9);
    for (let c = 0; c < 4; c++) {
      const q = w + 16 + (<usize>c << 5);
      const xc = xp + (<usize>c << 7);
      const q0 = v128.load(q);
      const q1 = v128.load(q, 16);
      const sA = i32x4.add(dot16(v128.and(q0, low), xc), dot16(v128.and(q1, low), xc + 32));
      const sB = i32x4.add(dot16(i8x16.shr_u(q0, 4), xc + 64), dot16(i8x16.shr_u(q1, 4), xc + 96));
      const f = tmp + (<usize>c << 3);
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(sA), v128.load32_splat(f)));
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(sB), v128.load32_splat(f, 4)));
    }
    w += 144;
  }
  return hsum(acc) - hsum(mins);
}

/** Q6_K's 6-bit values of 16 elements: low 4 bits from `ql`, bits 4–5 already at 0x30 in `qh`, minus 32. */
@inline function q6(ql: v128, qh: v128): v128 {
  return i8x16.sub(v128.or(ql, v128.and(qh, i8x16.splat(0x30))), i8x16.splat(32));
}

/** i32x4 of sc0 · (16-element dot with x at xp) + sc1 · (next 16), for one 32-element x block. */
@inline function scaledPair(qa: v128, qb: v128, sc: usize, xp: usize): v128 {
  return i32x4.add(
    i32x4.mul(dot16(qa, xp), i32x4.splat(<i32>load<i8>(sc))),
    i32x4.mul(dot16(qb, xp + 32), i32x4.splat(<i32>load<i8>(sc, 1))),
  );
}

function dotQ6_K(w: usize, xq: usize, n: i32): f32 {
  const nsb = n >> 8;
  const scales = xq + (<usize>n << 1);
  const low = i8x16.splat(15);
  let acc = f32x4.splat(0);
  for (let sb = 0; sb < nsb; sb++) {
    const d = f16ToF32(load<u16>(w + 208));
    for (let h = 0; h < 2; h++) {
      const ql = w + 64 * h;
      const qh = w + 128 + 32 * h;
      const sc = w + 192 + 8 * h;
      const qlA = v128.load(ql);
      const qlB = v128.load(ql, 16);
      const qlC = v128.load(ql, 32);
      const qlD = v128.load(ql, 48);
      const qhA = v128.load(qh);
      const qhB = v128.load(qh, 16);
      // x blocks sb · 8 + 4h + k hold the elements of q1..q4 (k = 0..3).
      const j = (sb << 3) + 4 * h;
      const xp = xq + (<usize>j << 6);
      const s1 = scaledPair(q6(v128.and(qlA, low), i8x16.shl(qhA, 4)), q6(v128.and(qlB, low), i8x16.shl(qhB, 4)), sc, xp);
      const s2 = scaledPair(q6(v128.and(qlC, low), i8x16.shl(qhA, 2)), q6(v128.and(qlD, low), i8x16.shl(qhB, 2)), sc + 2, xp + 64);
      const s3 = scaledPair(q6(i8x16.shr_u(qlA, 4), qhA), q6(i8x16.shr_u(qlB, 4), qhB), sc + 4, xp + 128);
      const s4 = scaledPair(q6(i8x16.shr_u(qlC, 4), i8x16.shr_u(qhA, 2)), q6(i8x16.shr_u(qlD, 4), i8x16.shr_u(qhB, 2)), sc + 6, xp + 192);
      const sp = scales + (<usize>j << 2);
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s1), f32x4.splat(d * load<f32>(sp))));
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s2), f32x4.splat(d * load<f32>(sp, 4))));
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s3), f32x4.splat(d * load<f32>(sp, 8))));
      acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(s4), f32x4.splat(d * load<f32>(sp, 12))));
    }
    w += 210;
  }
  return hsum(acc);
}
