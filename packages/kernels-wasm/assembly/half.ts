// Scalar F16 -> F32, exact for normals, subnormals and zero (NOT for inf/NaN, which come out as
// large finite values): normals sign-extend, shift the exponent+mantissa into f32 position, keep
// sign|exponent|mantissa, then scale by 2^112 to rebias the exponent. Subnormals never reach that
// multiply: an f32 subnormal operand takes a microcode assist (~100 cycles) on x64, and quantized
// blocks' f16 scales are often f16 subnormals (97 % of the Q4_K d values of a random SmolLM2-135M
// Q4_K file; Q6_K's d = max|scale| / 127 is small too): it made a Q4_K GEMV 4× slower. A
// branch-free exact conversion (both routes and a select) cost the Q8_0 GEMV 20 % on normal
// scales, hence the branch. weights.ts has the f32x4 twins (F16 weights, where subnormals are rare).

/** 2^112: rebiases an f16 exponent moved into f32 position. */
export const F16_SCALE: f32 = reinterpret<f32>(0x77800000);

/** 2^-24: an f16 subnormal's mantissa unit. */
const F16_SUBNORMAL_UNIT: f32 = reinterpret<f32>(0x33800000);

/** The f32 value of the half `h` (finite values exact). */
@inline export function f16ToF32(h: u16): f32 {
  // Normal halves (and inf/NaN) take the short route; subnormals and zeros a call, so that the
  // compiler cannot turn the branch into a select that computes (and pays for) both.
  if ((h & 0x7c00) == 0) return f16SubnormalToF32(h);
  return reinterpret<f32>(((<i32><i16>h) << 13) & <i32>0x8fffe000) * F16_SCALE;
}

/** An f16 subnormal or zero: mantissa · 2^-24 (a normal f32 product, exact), signed. */
function f16SubnormalToF32(h: u16): f32 {
  const sign = (<i32>h & 0x8000) << 16;
  return reinterpret<f32>(reinterpret<i32>(<f32>(h & 0x3ff) * F16_SUBNORMAL_UNIT) | sign);
}
