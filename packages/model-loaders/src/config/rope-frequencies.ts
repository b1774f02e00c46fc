import type { Llama3RopeScaling } from "./rope-scaling.js";

/**
 * RoPE inverse frequencies for the rotate-half layout, `headDim / 2` of them, with llama3
 * scaling: long wavelengths are slowed by `factor`, short ones kept, the band between blended.
 */
export function ropeInvFreq(headDim: number, theta: number, scaling: Llama3RopeScaling | null): Float64Array {
  const half = headDim / 2;
  const freqs = new Float64Array(half);
  for (let i = 0; i < half; i++) freqs[i] = 1 / theta ** ((2 * i) / headDim);
  if (!scaling) return freqs;
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: oldCtx } = scaling;
  const lowFreqWavelen = oldCtx / lowFreqFactor;
  const highFreqWavelen = oldCtx / highFreqFactor;
  for (let i = 0; i < half; i++) {
    const f = freqs[i] as number;
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highFreqWavelen) continue;
    if (wavelen > lowFreqWavelen) {
      freqs[i] = f / factor;
      continue;
    }
    const smooth = (oldCtx / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    freqs[i] = (1 - smooth) * (f / factor) + smooth * f;
  }
  return freqs;
}
