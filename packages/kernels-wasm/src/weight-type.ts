/** Storage type of a weight matrix (row-major `[outDim, inDim]`, Hugging Face layout). */
export const WeightType = {
  /** IEEE single precision. */
  F32: 0,
  /** IEEE half precision (inf/NaN are not supported: they dequantize to large finite values). */
  F16: 1,
  /** bfloat16 (the high half of an f32). */
  BF16: 2,
} as const;

/** One of the `WeightType` values. */
export type WeightType = (typeof WeightType)[keyof typeof WeightType];

const ROW_BYTES: Record<WeightType, number> = { 0: 4, 1: 2, 2: 2 };

/** True when `type` is a known `WeightType`. */
export function isWeightType(type: number): type is WeightType {
  return type === 0 || type === 1 || type === 2;
}

/** Bytes of a packed row of `n` elements of `type`. */
export function weightRowBytes(type: WeightType, n: number): number {
  return ROW_BYTES[type] * n;
}
