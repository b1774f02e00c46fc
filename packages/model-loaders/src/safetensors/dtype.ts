/** Element types a safetensors header may name. F32, F16 and BF16 convert to F32; the rest read raw. */
export type DType =
  | "F64"
  | "F32"
  | "F16"
  | "BF16"
  | "F8_E4M3"
  | "F8_E5M2"
  | "I64"
  | "I32"
  | "I16"
  | "I8"
  | "U64"
  | "U32"
  | "U16"
  | "U8"
  | "BOOL";

const SIZES: Readonly<Record<DType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

/** Every dtype this reader understands, in the spelling safetensors headers use. */
export const DTYPES: readonly DType[] = Object.keys(SIZES) as DType[];

/** True when `name` is a dtype this reader knows. */
export function isDType(name: unknown): name is DType {
  return typeof name === "string" && Object.hasOwn(SIZES, name);
}

/** Bytes per element of `dtype`. */
export function dtypeSize(dtype: DType): number {
  return SIZES[dtype];
}

/** The float dtypes `TensorHandle.read()` converts to F32. */
export type FloatDType = "F32" | "F16" | "BF16";

/** True for the dtypes that convert to F32 exactly. */
export function isFloatDType(dtype: string): dtype is FloatDType {
  return dtype === "F32" || dtype === "F16" || dtype === "BF16";
}
