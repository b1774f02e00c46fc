import { f32ToF16, QUANT_BLOCK, type QuantType } from "@pagoda/model-loaders";
import { seededRandom } from "./random.js";

// Byte offsets of each block's f16 scale fields (d, and dmin for Q4_K), and the scale range that
// keeps |value| ≤ ~1.3 whatever the quant and sub-scale bytes (Q8_0 127, Q4_0 8, Q4_K 63·15,
// Q6_K 128·32 at most).
const HALF_FIELDS: Readonly<Record<QuantType, { readonly at: readonly number[]; readonly max: number }>> = {
  Q8_0: { at: [0], max: 0.01 },
  Q4_0: { at: [0], max: 0.16 },
  Q4_K: { at: [0, 2], max: 0.0014 },
  Q6_K: { at: [208], max: 0.0003 },
};

/**
 * `rows` rows of `cols` elements of random GGUF blocks: every quant and sub-scale byte uniform
 * (all bit patterns reach the kernels), f16 scales uniform in [max / 10, max) so values stay O(1).
 */
export function randomQuantBlocks(type: QuantType, rows: number, cols: number, seed: number): Uint8Array {
  const block = QUANT_BLOCK[type];
  const numBlocks = (rows * cols) / block.elements;
  const next = seededRandom(seed);
  const bytes = new Uint8Array(numBlocks * block.bytes);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
  const view = new DataView(bytes.buffer);
  for (let b = 0; b < numBlocks; b++) {
    const { at: fields, max } = HALF_FIELDS[type];
    for (const at of fields) {
      const half = f32ToF16(Float32Array.of(max * (0.1 + 0.9 * next())))[0] as number;
      view.setUint16(b * block.bytes + at, half, true);
    }
  }
  return bytes;
}
