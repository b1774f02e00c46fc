// Packs F32 rows into GGUF blocks. Blocks run along a row, so a whole tensor of whole-block rows
// is just its blocks one after the other; the row length only has to fit the blocks.

import { quantFail } from "./quant-error.js";
import { QUANT_BLOCK, type QuantType } from "./quant-types.js";
import { quantizeQ4_KBlock } from "./quantize-q4-k.js";
import { quantizeQ6_KBlock } from "./quantize-q6-k.js";
import { quantizeQ4_0Block, quantizeQ8_0Block } from "./quantize-q8-q4.js";

type BlockEncoder = (x: Float32Array, xo: number, out: Uint8Array, o: number) => void;

const BLOCK_ENCODERS: Record<QuantType, BlockEncoder> = {
  Q8_0: quantizeQ8_0Block,
  Q4_0: quantizeQ4_0Block,
  Q4_K: quantizeQ4_KBlock,
  Q6_K: quantizeQ6_KBlock,
};

/**
 * The packed blocks of `values`, a row-major matrix with rows of `cols` elements.
 *
 * @example const packed = quantize("Q4_K", weights, 4096); // quantRowBytes("Q4_K", 4096) per row
 */
export function quantize(type: QuantType, values: Float32Array, cols: number): Uint8Array {
  const block = QUANT_BLOCK[type];
  if (!Number.isInteger(cols) || cols <= 0 || cols % block.elements !== 0) {
    quantFail("bad_cols", `${type}: rows of ${cols} values are not whole ${block.elements}-value blocks`, {
      type,
      cols,
    });
  }
  if (values.length % cols !== 0) {
    quantFail("bad_length", `${type}: ${values.length} values are not whole rows of ${cols}`, { type, cols });
  }
  const blocks = values.length / block.elements;
  const out = new Uint8Array(blocks * block.bytes);
  const encode = BLOCK_ENCODERS[type];
  for (let i = 0; i < blocks; i++) encode(values, i * block.elements, out, i * block.bytes);
  return out;
}
