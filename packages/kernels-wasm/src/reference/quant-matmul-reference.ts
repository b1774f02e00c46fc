// Test-side references for the quantized matmul: random packed blocks, their exact values
// (through @pagoda/model-loaders' dequantize, the one TS definition of the formats), and the
// quantized GEMV's int8 rounding of x replayed in f64 (the kernel's f32 steps via Math.fround).
import { dequantize, type QuantType } from "@pagoda/model-loaders";
import { WEIGHT_BLOCK, WeightType } from "../weight-type.js";

/** The model-loaders name of a quantized WeightType. */
export const QUANT_NAME = {
  [WeightType.Q8_0]: "Q8_0",
  [WeightType.Q4_0]: "Q4_0",
  [WeightType.Q4_K]: "Q4_K",
  [WeightType.Q6_K]: "Q6_K",
} as const satisfies Record<number, QuantType>;

/** A quantized WeightType. */
export type QuantWeightType = keyof typeof QUANT_NAME;

/** Byte offsets of the f16 scales in a block of each type (the rest may be any bits). */
const HALF_FIELDS: Record<QuantWeightType, readonly number[]> = {
  [WeightType.Q8_0]: [0],
  [WeightType.Q4_0]: [0],
  [WeightType.Q4_K]: [0, 2],
  [WeightType.Q6_K]: [208],
};

/**
 * `rows` random rows of `cols` elements packed in `type`: every quant/scale byte uniform, every
 * f16 scale a positive normal in [2^-10, 2^-6) (finite values of a typical checkpoint's range).
 */
export function randomQuantRows(
  rand: () => number,
  type: QuantWeightType,
  rows: number,
  cols: number,
): Uint8Array {
  const block = WEIGHT_BLOCK[type];
  const blocks = (rows * cols) / block.elements;
  const bytes = new Uint8Array(blocks * block.bytes);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  for (let b = 0; b < blocks; b++) {
    for (const at of HALF_FIELDS[type]) {
      // Exponent 5..8 (2^-10..2^-7 · (1 + m)), random mantissa.
      const h = ((5 + Math.floor(rand() * 4)) << 10) | Math.floor(rand() * 1024);
      bytes[b * block.bytes + at] = h & 255;
      bytes[b * block.bytes + at + 1] = h >> 8;
    }
  }
  return bytes;
}

/** The exact values of packed `bytes` (`n` elements) of `type`, as f64. */
export function dequantizeReference(type: QuantWeightType, bytes: Uint8Array, n: number): Float64Array {
  return Float64Array.from(dequantize(QUANT_NAME[type], bytes, new Float32Array(n)));
}

/** Round half to even (f32x4.nearest). */
function nearestEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The GEMV's view of the f32 rows x (each row a multiple of 32 elements): per block of 32,
 * d = f32(max|x| / 127), x_q = nearest(f32(x · f32(1 / d))); returns x̂ = d · x_q and each
 * block's d (for the rounding bound d / 2 per element).
 */
export function quantizeXReference(x: Float32Array): { xHat: Float64Array; scales: Float64Array } {
  const xHat = new Float64Array(x.length);
  const scales = new Float64Array(x.length / 32);
  for (let b = 0; b < x.length / 32; b++) {
    let amax = 0;
    for (let i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[b * 32 + i] as number));
    const d = Math.fround(amax / 127);
    const id = d > 0 ? Math.fround(1 / d) : 0;
    scales[b] = d;
    for (let i = 0; i < 32; i++) {
      const q = nearestEven(Math.fround((x[b * 32 + i] as number) * id));
      xHat[b * 32 + i] = d * q;
    }
  }
  return { xHat, scales };
}

/**
 * For each (t, o): Σ_b (d_b / 2) · Σ_{i ∈ b} |w[o, i]|, the most x's int8 rounding can move
 * the exact dot (|x − x̂| ≤ d / 2 per element, block b of row t).
 */
export function xRoundingBound(
  scales: Float64Array,
  w: Float64Array,
  numRows: number,
  inDim: number,
  outDim: number,
): Float64Array {
  const bound = new Float64Array(numRows * outDim);
  const nb = inDim / 32;
  for (let t = 0; t < numRows; t++) {
    for (let o = 0; o < outDim; o++) {
      let s = 0;
      for (let b = 0; b < nb; b++) {
        let wb = 0;
        for (let i = 0; i < 32; i++) wb += Math.abs(w[o * inDim + b * 32 + i] as number);
        s += ((scales[t * nb + b] as number) / 2) * wb;
      }
      bound[t * outDim + o] = s;
    }
  }
  return bound;
}
