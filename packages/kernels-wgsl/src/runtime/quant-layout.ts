import { QUANT_BLOCK, type QuantType } from "@pagoda/model-loaders";
import { KernelError } from "./kernel-error.js";

/** GPU names of the block-quantized weight formats (lower case, like the other weight dtypes). */
export type QuantDType = "q8_0" | "q4_0" | "q4_k" | "q6_k";

/** The GPU dtype of each GGUF quant type. */
export const QUANT_DTYPE: Readonly<Record<QuantType, QuantDType>> = {
  Q8_0: "q8_0",
  Q4_0: "q4_0",
  Q4_K: "q4_k",
  Q6_K: "q6_k",
};

const GGUF_TYPE: Readonly<Record<QuantDType, QuantType>> = {
  q8_0: "Q8_0",
  q4_0: "Q4_0",
  q4_k: "Q4_K",
  q6_k: "Q6_K",
};

/** The GGUF quant type of a GPU dtype. */
export function ggufQuantType(dtype: QuantDType): QuantType {
  return GGUF_TYPE[dtype];
}

/**
 * Where each GGUF block's bytes go in its GPU block, so that every field a shader reads starts
 * on a 4-byte word: `[from, to, length]` copies. Q8_0 / Q4_0 put the f16 scale alone in word 0
 * (2 bytes of padding) and the quants from word 1; Q4_K is already word-aligned (144 bytes);
 * Q6_K keeps its order and pads the trailing f16 `d` to a word (212 bytes).
 */
const MOVES: Readonly<Record<QuantDType, readonly (readonly [number, number, number])[]>> = {
  q8_0: [
    [0, 0, 2],
    [2, 4, 32],
  ],
  q4_0: [
    [0, 0, 2],
    [2, 4, 16],
  ],
  q4_k: [[0, 0, 144]],
  q6_k: [[0, 0, 210]],
};

/** 32-bit words of one GPU block: Q8_0 9, Q4_0 5, Q4_K 36, Q6_K 53. */
export const QUANT_BLOCK_WORDS: Readonly<Record<QuantDType, number>> = {
  q8_0: 9,
  q4_0: 5,
  q4_k: 36,
  q6_k: 53,
};

/** Elements per block (32 or 256). */
export function quantBlockElements(dtype: QuantDType): number {
  return QUANT_BLOCK[GGUF_TYPE[dtype]].elements;
}

/** Bytes of one row of `cols` elements in the GPU layout. */
export function quantGpuRowBytes(dtype: QuantDType, cols: number): number {
  return (cols / quantBlockElements(dtype)) * QUANT_BLOCK_WORDS[dtype] * 4;
}

/** Throws unless `byteLength` bytes are `rows` rows of `cols` elements in whole `dtype` blocks. */
export function checkQuantRows(
  dtype: QuantDType,
  byteLength: number,
  rows: number,
  cols: number,
  label: string,
): void {
  const block = QUANT_BLOCK[GGUF_TYPE[dtype]];
  if (!Number.isInteger(cols) || cols < 1 || cols % block.elements !== 0) {
    throw new KernelError(
      "weights.bad_quant_cols",
      `${label}: ${cols} columns is not a whole number of ${dtype} blocks of ${block.elements}`,
    );
  }
  const want = ((rows * cols) / block.elements) * block.bytes;
  if (byteLength !== want) {
    throw new KernelError(
      "weights.bad_length",
      `${label}: ${byteLength} bytes for ${rows} rows of ${cols} ${dtype} (${want} expected)`,
    );
  }
}

/**
 * Repacks `rows` GGUF-layout rows (`bytes`, blocks back to back) into the GPU layout (see
 * {@link MOVES}): the one definition of that layout, used by the upload and by tests.
 */
export function packQuantRows(
  dtype: QuantDType,
  bytes: Uint8Array,
  rows: number,
  cols: number,
  label: string = dtype,
): Uint32Array {
  checkQuantRows(dtype, bytes.byteLength, rows, cols, label);
  const block = QUANT_BLOCK[GGUF_TYPE[dtype]];
  const numBlocks = (rows * cols) / block.elements;
  const words = QUANT_BLOCK_WORDS[dtype];
  const out = new Uint32Array(numBlocks * words);
  const outBytes = new Uint8Array(out.buffer);
  const moves = MOVES[dtype];
  for (let b = 0; b < numBlocks; b++) {
    const src = b * block.bytes;
    const dst = b * words * 4;
    for (const [from, to, length] of moves) {
      outBytes.set(bytes.subarray(src + from, src + from + length), dst + to);
    }
  }
  return out;
}

/** The inverse of {@link packQuantRows}: GPU-layout words back to GGUF block bytes. */
export function unpackQuantRows(dtype: QuantDType, words: Uint32Array): Uint8Array {
  const block = QUANT_BLOCK[GGUF_TYPE[dtype]];
  const blockWords = QUANT_BLOCK_WORDS[dtype];
  const numBlocks = Math.floor(words.length / blockWords);
  const src = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  const out = new Uint8Array(numBlocks * block.bytes);
  for (let b = 0; b < numBlocks; b++) {
    for (const [from, to, length] of MOVES[dtype]) {
      const at = b * blockWords * 4 + to;
      out.set(src.subarray(at, at + length), b * block.bytes + from);
    }
  }
  return out;
}
