// Scalar F16 -> F32, exact for normals, subnormals and zero (NOT for inf/NaN, which come out as
// large finite values): sign-extend, shift the exponent+mantissa into f32 position, keep
// sign|exponent|mantissa, then scale by 2^112 to rebias the exponent. weights.ts has the
// f32x4 twins.

/** 2^112: rebiases an f16 exponent moved into f32 position. */
export const F16_SCALE: f32 = reinterpret<f32>(0x77800000);

/** The f32 value of the half `h` (finite values exact). */
@inline export function f16ToF32(h: u16): f32 {
  const bits = ((<i32><i16>h) << 13) & <i32>0x8fffe000;
  return reinterpret<f32>(bits) * F16_SCALE;
}
