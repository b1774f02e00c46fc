/** Storage type of a weight matrix (row-major `[outDim, inDim]`, Hugging Face layout). */
export const WeightType = {
  /** IEEE single precision. */
  F32: 0,
  /** IEEE half precision (inf/NaN are not supported: they dequantize to large finite values). */
  F16: 1,
  /** bfloat16 (the high half of an f32). */
  BF16: 2,
  /** GGUF Q8_0: blocks of 32 elements, 34 bytes (f16 scale, 32 × int8). */
  Q8_0: 3,
  /** GGUF Q4_0: blocks of 32 elements, 18 bytes (f16 scale, 32 × 4-bit). */
  Q4_0: 4,
  /** GGUF Q4_K: super-blocks of 256 elements, 144 bytes (6-bit sub-block scales and mins). */
  Q4_K: 5,
  /** GGUF Q6_K: super-blocks of 256 elements, 210 bytes (int8 scales of 16-element sub-blocks). */
  Q6_K: 6,
} as const;

/** One of the `WeightType` values. */
export type WeightType = (typeof WeightType)[keyof typeof WeightType];

/** Elements and bytes of one block of each type (a plain float is a block of one element). */
export const WEIGHT_BLOCK: Readonly<
  Record<WeightType, { readonly elements: number; readonly bytes: number }>
> = {
  0: { elements: 1, bytes: 4 },
  1: { elements: 1, bytes: 2 },
  2: { elements: 1, bytes: 2 },
  3: { elements: 32, bytes: 34 },
  4: { elements: 32, bytes: 18 },
  5: { elements: 256, bytes: 144 },
  6: { elements: 256, bytes: 210 },
};

/** True when `type` is a known `WeightType`. */
export function isWeightType(type: number): type is WeightType {
  return Number.isInteger(type) && type >= 0 && type <= 6;
}

/** True for the block-quantized types (Q8_0, Q4_0, Q4_K, Q6_K). */
export function isQuantizedWeightType(type: WeightType): boolean {
  return type >= WeightType.Q8_0;
}

/** True when a row of `n` elements is whole blocks of `type` (always, for F32/F16/BF16). */
export function fitsWeightBlocks(type: WeightType, n: number): boolean {
  return n % WEIGHT_BLOCK[type].elements === 0;
}

/** Bytes of a packed row of `n` elements of `type` (`n` must fit whole blocks: fitsWeightBlocks). */
export function weightRowBytes(type: WeightType, n: number): number {
  const block = WEIGHT_BLOCK[type];
  return (n / block.elements) * block.bytes;
}

/** A short name of `type`, for error messages ("F16", "Q4_K"…). */
export function weightTypeName(type: WeightType): string {
  return (["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"] as const)[type];
}

/** The message a launcher gives for a weight type it does not know. */
export const WEIGHT_TYPE_LIST = "a WeightType (0 F32, 1 F16, 2 BF16, 3 Q8_0, 4 Q4_0, 5 Q4_K, 6 Q6_K)";
