import type { Llama3RopeScaling } from "../../config/rope-scaling.js";

/**
 * llama.cpp's `rope_freqs.weight` for llama3 RoPE scaling: one divisor per rotary pair
 * (`headDim / 2`), by which llama.cpp divides the unscaled frequency `theta^(-2i/headDim)`. Long
 * wavelengths are divided by `factor`, short ones by 1, the band between blended smoothly, the
 * same frequencies the executor's own RoPE uses.
 */
export function llama3RopeFreqFactors(headDim: number, theta: number, s: Llama3RopeScaling): Float32Array {
  const half = headDim / 2;
  const out = new Float32Array(half);
  const lowFreqWavelen = s.originalMaxPositionEmbeddings / s.lowFreqFactor;
  const highFreqWavelen = s.originalMaxPositionEmbeddings / s.highFreqFactor;
  for (let i = 0; i < half; i++) {
    const wavelen = 2 * Math.PI * theta ** ((2 * i) / headDim);
    if (wavelen < highFreqWavelen) out[i] = 1;
    else if (wavelen > lowFreqWavelen) out[i] = s.factor;
    else {
      const smooth =
        (s.originalMaxPositionEmbeddings / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
      // new frequency = f · ((1 − smooth) / factor + smooth), so the divisor is its inverse
      out[i] = 1 / ((1 - smooth) / s.factor + smooth);
    }
  }
  return out;
}
