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
      mv = f32x4.max(mv, v);
    }
  }
  let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (; j < n; j++) {
    const v = dotF32(q, kb + <usize>j * hb, headDim) * scale;
    store<f32>(s + (<usize>j << 2), v);
    m = max(m, v);
  }
  for (; (j & 3) != 0; j++) store<f32>(s + (<usize>j << 2), -Infinity);
  return m;
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
  const corr = expF32(mOld - mNew);
  store<f32>(ml, mNew);
  store<f32>(ml, load<f32>(ml, 4) * corr + hsum(sum), 4);
  return corr;
}

/** acc[d] = acc[d]·corr + p[0]·v[0][d] + p[1]·v[1][d] + … (keys in order), for every d of the row. */
export function accumulatePV(acc: usize, p: usize, vb: usize, hb: usize, n: i32, headDim: i32, corr: f32): void {
  const c = f32x4.splat(corr);
  let d = 0;
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
