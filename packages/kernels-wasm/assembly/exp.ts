// exp in f32, four lanes at a time (for softmax and SiLU), by range reduction:
//   x = n·ln2 + r, n = nearest(x·log2 e) (by adding and subtracting 1.5·2^23), |r| <= ln2/2 (r = x − n·C1 − n·C2, C1 + C2 = ln2, C1 with
//   few bits so n·C1 and the first subtraction are exact), e^r by Cephes' degree-6 polynomial,
//   2^n by exponent bits, in two factors 2^(n>>1) · 2^(n − n>>1) so that n = 128 (x near
//   ln FLT_MAX) does not overflow the exponent field.
// Results: max 1 ulp from Math.exp for x in [−87.33, 88.72] (the whole normal range; swept by
// exp.test.ts); x < ln FLT_MIN (−87.3365) gives +0 (no subnormals, which are slow here), so
// exp(−Infinity) = 0 exactly; x > ln FLT_MAX (88.7228) gives +Infinity; NaN gives NaN.
// `expF32` is the scalar twin for tails: the same operations on one lane, so the same bits.

const LOG2E: f32 = 1.44269504088896341;
const C1: f32 = 0.693359375; // 355/512
const C2: f32 = -2.12194440e-4; // ln2 − C1
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;
const ROUNDER: f32 = 12582912.0; // 1.5 · 2^23
const ROUNDER_BITS: i32 = 0x4b400000;
/** ln FLT_MIN: below it the result would be subnormal; it is flushed to +0. */
const X_MIN: f32 = -87.33654475;
/** ln FLT_MAX: above it the result is +Infinity. */
const X_MAX: f32 = 88.72283905;

/** e^x on each lane of an f32x4 (see the file's header for accuracy and limits). */
@inline export function expF32x4(x: v128): v128 {
  // pmax/pmin are one instruction each (min/max are NaN-exact sequences); a NaN x stays NaN.
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(X_MIN)), f32x4.splat(X_MAX));
  // nearest(x·log2e) by the 1.5·2^23 trick (ties to even, like f32x4.nearest, for |·| < 2^22):
  // the integer lands in the low mantissa bits of t, so n needs no float-to-int conversion.
  const t = f32x4.add(f32x4.mul(xc, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
  const nf = f32x4.sub(t, f32x4.splat(ROUNDER));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(nf, f32x4.splat(C1))), f32x4.mul(nf, f32x4.splat(C2)));
  const z = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  p = f32x4.add(f32x4.add(f32x4.mul(p, z), r), f32x4.splat(1));
  const n = i32x4.sub(t, i32x4.splat(ROUNDER_BITS));
  const n1 = i32x4.shr_s(n, 1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(n, n1), bias), 23);
  const y = f32x4.mul(f32x4.mul(p, s1), s2);
  const tiny = f32x4.lt(x, f32x4.splat(X_MIN));
  const huge = f32x4.gt(x, f32x4.splat(X_MAX));
  return v128.bitselect(f32x4.splat(Infinity), v128.andnot(y, tiny), huge);
}

/** e^x for one f32, bit-identical to a lane of `expF32x4`. */
@inline export function expF32(x: f32): f32 {
  return f32x4.extract_lane(expF32x4(f32x4.splat(x)), 0);
}
