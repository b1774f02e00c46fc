// Inner loops of pagedAttention for one query vector against one cache block of keys/values:
// the scaled scores (four keys at a time), the online-softmax step, and acc = acc·corr + P·V.
// Every score has the arithmetic of `dotF32` (one f32x4 accumulator over the dimension, the
// horizontal sum (l0 + l1) + (l2 + l3), the scalar tail), then × scale; so does every path here.
import { dotF32, hsum } from "./common";
import { expF32, expF32x4 } from "./exp";

/**
 * Scores of query `q` against the first `n` keys at `kb` (`hb` bytes apart), × scale, into
 * `s[0..n)`, then −Infinity up to the next multiple of 4; returns their max.
 */
export function blockScores(q: usize, kb: usize, hb: usize, n: i32, headDim: i32, scale: f32, s: usize): f32 {
  let j = 0;
  let mv = f32x4.splat(-Infinity);
  if ((headDim & 3) == 0) {
    const sc = f32x4.splat(scale);
    for (; j + 4 <= n; j += 4) {
      const k0 = kb + <usize>j * hb;
      const v = f32x4.mul(dot4Keys(q, k0, hb, headDim), sc);
      v128.store(s + (<usize>j << 2), v);
      mv = f32x4.pmax(mv, v);
    }
  }
  let m = lanesMax(mv);
  for (; j < n; j++) {
    const v = dotF32(q, kb + <usize>j * hb, headDim) * scale;
    store<f32>(s + (<usize>j << 2), v);
    m = max(m, v);
  }
  for (; (j & 3) != 0; j++) store<f32>(s + (<usize>j << 2), -Infinity);
  return m;
}

/**
 * `blockScores` for two queries at once (each key load serves both): scores into `sa` and `sb`,
 * the two maxes into `maxes` (f32 [2]). Same bits as two `blockScores` calls.
 */
export function blockScores2(
  qa: usize,
  qb: usize,
  kb: usize,
  hb: usize,
  n: i32,
  headDim: i32,
  scale: f32,
  sa: usize,
  sb: usize,
  maxes: usize,
): void {
  if ((headDim & 3) != 0) {
    store<f32>(maxes, blockScores(qa, kb, hb, n, headDim, scale, sa));
    store<f32>(maxes, blockScores(qb, kb, hb, n, headDim, scale, sb), 4);
    return;
  }
  const sc = f32x4.splat(scale);
  let ma = f32x4.splat(-Infinity);
  let mb = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const k0 = kb + <usize>j * hb;
    const k1 = k0 + hb;
    const k2 = k1 + hb;
    const k3 = k2 + hb;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    let b0 = f32x4.splat(0);
    let b1 = f32x4.splat(0);
    let b2 = f32x4.splat(0);
    let b3 = f32x4.splat(0);
    for (let i = 0; i < headDim; i += 4) {
      const off = <usize>i << 2;
      const x = v128.load(qa + off);
      const y = v128.load(qb + off);
      const kv0 = v128.load(k0 + off);
      a0 = f32x4.add(a0, f32x4.mul(x, kv0));
      b0 = f32x4.add(b0, f32x4.mul(y, kv0));
      const kv1 = v128.load(k1 + off);
      a1 = f32x4.add(a1, f32x4.mul(x, kv1));
      b1 = f32x4.add(b1, f32x4.mul(y, kv1));
      const kv2 = v128.load(k2 + off);
      a2 = f32x4.add(a2, f32x4.mul(x, kv2));
      b2 = f32x4.add(b2, f32x4.mul(y, kv2));
      const kv3 = v128.load(k3 + off);
      a3 = f32x4.add(a3, f32x4.mul(x, kv3));
      b3 = f32x4.add(b3, f32x4.mul(y, kv3));
    }
    const va = f32x4.mul(hsum4(a0, a1, a2, a3), sc);
    const vb = f32x4.mul(hsum4(b0, b1, b2, b3), sc);
    v128.store(sa + (<usize>j << 2), va);
    v128.store(sb + (<usize>j << 2), vb);
    ma = f32x4.pmax(ma, va);
    mb = f32x4.pmax(mb, vb);
  }
  let mxa = lanesMax(ma);
  let mxb = lanesMax(mb);
  for (; j < n; j++) {
    const k = kb + <usize>j * hb;
    const va = dotF32(qa, k, headDim) * scale;
    const vb = dotF32(qb, k, headDim) * scale;
    store<f32>(sa + (<usize>j << 2), va);
    store<f32>(sb + (<usize>j << 2), vb);
    mxa = max(mxa, va);
    mxb = max(mxb, vb);
  }
  for (; (j & 3) != 0; j++) {
    store<f32>(sa + (<usize>j << 2), -Infinity);
    store<f32>(sb + (<usize>j << 2), -Infinity);
  }
  store<f32>(maxes, mxa);
  store<f32>(maxes, mxb, 4);
}

@inline function lanesMax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/** Dots of q with the 4 keys at k0, k0 + hb, …, each as `dotF32` gives it (headDim a multiple of 4). */
@inline function dot4Keys(q: usize, k0: usize, hb: usize, headDim: i32): v128 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const k1 = k0 + hb;
  const k2 = k1 + hb;
  const k3 = k2 + hb;
  for (let i = 0; i < headDim; i += 4) {
    const off = <usize>i << 2;
    const qv = v128.load(q + off);
    a0 = f32x4.add(a0, f32x4.mul(qv, v128.load(k0 + off)));
    a1 = f32x4.add(a1, f32x4.mul(qv, v128.load(k1 + off)));
    a2 = f32x4.add(a2, f32x4.mul(qv, v128.load(k2 + off)));
    a3 = f32x4.add(a3, f32x4.mul(qv, v128.load(k3 + off)));
  }
  return hsum4(a0, a1, a2, a3);
}

/** [hsum(a), hsum(b), hsum(c), hsum(d)], each in hsum's order (l0 + l1) + (l2 + l3). */
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 2, 4, 6), v128.shuffle<f32>(c, d, 1, 3, 5, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/**
 * One online-softmax step for a query whose running max and sum are at `ml` (f32 m, f32 l):
 * s[0..n) (padded with −Infinity to a multiple of 4) becomes p = exp(s − mNew), l becomes
 * l·corr + Σp (Σp: an f32x4 sum over the padded scores, then hsum); returns corr = exp(m − mNew).
 */
export function softmaxStep(s: usize, n: i32, blockMax: f32, ml: usize): f32 {
  const mOld = load<f32>(ml);
  const mNew = max(mOld, blockMax);
  const m4 = f32x4.splat(mNew);
  let sum = f32x4.splat(0);
  for (let j = 0; j < n; j += 4) {
    const p = expF32x4(f32x4.sub(v128.load(s + (<usize>j << 2)), m4));
    v128.store(s + (<usize>j << 2), p);
    sum = f32x4.add(sum, p);
  }
  // exp(0) is exactly 1, so a block that does not raise the max skips the exp.
  const corr = mNew == mOld ? <f32>1 : expF32(mOld - mNew);
  store<f32>(ml, mNew);
  store<f32>(ml, load<f32>(ml, 4) * corr + hsum(sum), 4);
  return corr;
}

/** acc[d] = acc[d]·corr + p[0]·v[0][d] + p[1]·v[1][d] + … (keys in order), for every d of the row. */
export function accumulatePV(acc: usize, p: usize, vb: usize, hb: usize, n: i32, headDim: i32, corr: f32): void {
  accumulatePVFrom(acc, p, vb, hb, n, headDim, corr, 0);
}

/** `accumulatePV` over the dimensions d0..headDim only. */
function accumulatePVFrom(acc: usize, p: usize, vb: usize, hb: usize, n: i32, headDim: i32, corr: f32, d0: i32): void {
  const c = f32x4.splat(corr);
  let d = d0;
  for (; d + 16 <= headDim; d += 16) {
    const a = acc + (<usize>d << 2);
    let a0 = f32x4.mul(v128.load(a), c);
    let a1 = f32x4.mul(v128.load(a, 16), c);
    let a2 = f32x4.mul(v128.load(a, 32), c);
    let a3 = f32x4.mul(v128.load(a, 48), c);
    let v = vb + (<usize>d << 2);
    for (let j = 0; j < n; j++) {
      const pj = v128.load32_splat(p + (<usize>j << 2));
      a0 = f32x4.add(a0, f32x4.mul(pj, v128.load(v)));
      a1 = f32x4.add(a1, f32x4.mul(pj, v128.load(v, 16)));
      a2 = f32x4.add(a2, f32x4.mul(pj, v128.load(v, 32)));
      a3 = f32x4.add(a3, f32x4.mul(pj, v128.load(v, 48)));
      v += hb;
    }
    v128.store(a, a0);
    v128.store(a, a1, 16);
    v128.store(a, a2, 32);
    v128.store(a, a3, 48);
  }
  for (; d + 4 <= headDim; d += 4) {
    const a = acc + (<usize>d << 2);
    let a0 = f32x4.mul(v128.load(a), c);
    let v = vb + (<usize>d << 2);
    for (let j = 0; j < n; j++) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(p + (<usize>j << 2)), v128.load(v)));
      v += hb;
    }
    v128.store(a, a0);
  }
  for (; d < headDim; d++) {
    const a = acc + (<usize>d << 2);
    let a0 = load<f32>(a) * corr;
    let v = vb + (<usize>d << 2);
    for (let j = 0; j < n; j++) {
      a0 += load<f32>(p + (<usize>j << 2)) * load<f32>(v);
      v += hb;
    }
    store<f32>(a, a0);
  }
}

/** `accumulatePV` for two queries at once (each value load serves both); same bits as two calls. */
export function accumulatePV2(
  accA: usize,
  accB: usize,
  pA: usize,
  pB: usize,
  vb: usize,
  hb: usize,
  n: i32,
  headDim: i32,
  corrA: f32,
  corrB: f32,
): void {
  const ca = f32x4.splat(corrA);
  const cb = f32x4.splat(corrB);
  let d = 0;
  for (; d + 16 <= headDim; d += 16) {
    const x = accA + (<usize>d << 2);
    const y = accB + (<usize>d << 2);
    let a0 = f32x4.mul(v128.load(x), ca);
    let a1 = f32x4.mul(v128.load(x, 16), ca);
    let a2 = f32x4.mul(v128.load(x, 32), ca);
    let a3 = f32x4.mul(v128.load(x, 48), ca);
    let b0 = f32x4.mul(v128.load(y), cb);
    let b1 = f32x4.mul(v128.load(y, 16), cb);
    let b2 = f32x4.mul(v128.load(y, 32), cb);
    let b3 = f32x4.mul(v128.load(y, 48), cb);
    let v = vb + (<usize>d << 2);
    for (let j = 0; j < n; j++) {
      const pa = v128.load32_splat(pA + (<usize>j << 2));
      const pb = v128.load32_splat(pB + (<usize>j << 2));
      const v0 = v128.load(v);
      a0 = f32x4.add(a0, f32x4.mul(pa, v0));
      b0 = f32x4.add(b0, f32x4.mul(pb, v0));
      const v1 = v128.load(v, 16);
      a1 = f32x4.add(a1, f32x4.mul(pa, v1));
      b1 = f32x4.add(b1, f32x4.mul(pb, v1));
      const v2 = v128.load(v, 32);
      a2 = f32x4.add(a2, f32x4.mul(pa, v2));
      b2 = f32x4.add(b2, f32x4.mul(pb, v2));
      const v3 = v128.load(v, 48);
      a3 = f32x4.add(a3, f32x4.mul(pa, v3));
      b3 = f32x4.add(b3, f32x4.mul(pb, v3));
      v += hb;
    }
    v128.store(x, a0);
    v128.store(x, a1, 16);
    v128.store(x, a2, 32);
    v128.store(x, a3, 48);
    v128.store(y, b0);
    v128.store(y, b1, 16);
    v128.store(y, b2, 32);
    v128.store(y, b3, 48);
  }
  if (d < headDim) {
    accumulatePVFrom(accA, pA, vb, hb, n, headDim, corrA, d);
    accumulatePVFrom(accB, pB, vb, hb, n, headDim, corrB, d);
  }
}
