// The numbers of the GGUF v3 format (ggml's docs/gguf.md): magic, value and tensor type codes,
// token types and file types, as llama.cpp reads them.

import { QUANT_BLOCK } from "../../quant/quant-types.js";

/** "GGUF" read as a little-endian u32. */
export const GGUF_MAGIC = 0x46554747;
export const GGUF_VERSION = 3;
/** Tensor data alignment this writer uses (and records as `general.alignment`). */
export const GGUF_ALIGNMENT = 32;

/** Codes of the metadata value types. */
export const GGUF_VALUE_TYPE = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

/** A scalar metadata type name (everything but `array`). */
export type GgufScalarType = Exclude<keyof typeof GGUF_VALUE_TYPE, "array">;

/** The JS value of each scalar type: 64-bit integers are bigints. */
export type GgufScalar<T extends GgufScalarType> = T extends "u64" | "i64"
  ? bigint
  : T extends "bool"
    ? boolean
    : T extends "string"
      ? string
      : number;

/** One metadata value: a scalar, or an array of one scalar type (arrays of arrays are not needed here). */
export type GgufValue =
  | { [T in GgufScalarType]: { readonly type: T; readonly value: GgufScalar<T> } }[GgufScalarType]
  | {
      [T in GgufScalarType]: {
        readonly type: "array";
        readonly itemType: T;
        readonly value: ArrayLike<GgufScalar<T>>;
      };
    }[GgufScalarType];

/** Metadata in the order it is written. */
export type GgufMetadata = ReadonlyArray<readonly [key: string, value: GgufValue]>;

/**
 * Every ggml tensor type code by name (ggml.h's `ggml_type`): the one table both the reader and
 * the writer use, so a file of a type Pagoda cannot compute with is still named in errors.
 */
export const GGML_TYPE_CODES = {
  F32: 0,
  F16: 1,
  Q4_0: 2,
  Q4_1: 3,
  Q5_0: 6,
  Q5_1: 7,
  Q8_0: 8,
  Q8_1: 9,
  Q2_K: 10,
  Q3_K: 11,
  Q4_K: 12,
  Q5_K: 13,
  Q6_K: 14,
  Q8_K: 15,
  IQ2_XXS: 16,
  IQ2_XS: 17,
  IQ3_XXS: 18,
  IQ1_S: 19,
  IQ4_NL: 20,
  IQ3_S: 21,
  IQ2_S: 22,
  IQ4_XS: 23,
  I8: 24,
  I16: 25,
  I32: 26,
  I64: 27,
  F64: 28,
  IQ1_M: 29,
  BF16: 30,
  TQ1_0: 34,
  TQ2_0: 35,
  MXFP4: 39,
} as const;

/** The name of a ggml type code (`"type 99"` for one ggml does not define). */
export function ggmlTypeName(code: number): string {
  const entry = Object.entries(GGML_TYPE_CODES).find(([, c]) => c === code);
  return entry ? entry[0] : `type ${code}`;
}

/** The ggml tensor types this writer produces. */
export const GGML_TYPE = {
  F32: GGML_TYPE_CODES.F32,
  F16: GGML_TYPE_CODES.F16,
  Q8_0: GGML_TYPE_CODES.Q8_0,
  Q4_0: GGML_TYPE_CODES.Q4_0,
  Q4_K: GGML_TYPE_CODES.Q4_K,
  Q6_K: GGML_TYPE_CODES.Q6_K,
} as const;
export type GgmlTypeName = keyof typeof GGML_TYPE;

/** Elements and bytes of one block of each type; a float type's block is one element. */
export const GGML_TYPE_BLOCK: Readonly<
  Record<GgmlTypeName, { readonly elements: number; readonly bytes: number }>
> = { F32: { elements: 1, bytes: 4 }, F16: { elements: 1, bytes: 2 }, ...QUANT_BLOCK };

/** Bytes of a row of `cols` elements of `type` (`cols` a whole number of blocks). */
export function ggmlRowBytes(type: GgmlTypeName, cols: number): number {
  const block = GGML_TYPE_BLOCK[type];
  return (cols / block.elements) * block.bytes;
}

/** `general.file_type` (llama.cpp's `llama_ftype`). */
export const GGUF_FILE_TYPE = {
  ALL_F32: 0,
  MOSTLY_F16: 1,
  MOSTLY_Q4_0: 2,
  MOSTLY_Q8_0: 7,
  MOSTLY_Q4_K_S: 14,
  MOSTLY_Q4_K_M: 15,
  MOSTLY_Q6_K: 18,
  MOSTLY_BF16: 32,
} as const;

/** `tokenizer.ggml.token_type` values (llama.cpp's `llama_token_type`). */
export const GGUF_TOKEN_TYPE = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;

/** Helpers that build typed metadata values. */
export const gguf = {
  u32: (value: number): GgufValue => ({ type: "u32", value }),
  i32: (value: number): GgufValue => ({ type: "i32", value }),
  f32: (value: number): GgufValue => ({ type: "f32", value }),
  bool: (value: boolean): GgufValue => ({ type: "bool", value }),
  string: (value: string): GgufValue => ({ type: "string", value }),
  strings: (value: ArrayLike<string>): GgufValue => ({ type: "array", itemType: "string", value }),
  f32s: (value: ArrayLike<number>): GgufValue => ({ type: "array", itemType: "f32", value }),
  i32s: (value: ArrayLike<number>): GgufValue => ({ type: "array", itemType: "i32", value }),
};
