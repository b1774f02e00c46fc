export { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from "./arrays.js";
export { bf16BitsToF32, f32ToBf16Bits } from "./bf16.js";
export { NumericsError } from "./errors.js";
export { f16BitsToF32, f32ToF16Bits, f32ToF16BitsSaturating } from "./f16.js";
