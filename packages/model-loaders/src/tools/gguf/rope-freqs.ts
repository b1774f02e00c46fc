import { ropeInvFreq } from "../../config/rope-frequencies.js";
import type { Llama3RopeScaling } from "../../config/rope-scaling.js";

/**
 * llama.cpp's `rope_freqs.weight` for llama3 RoPE scaling: one divisor per rotary pair
 * (`headDim / 2`), by which llama.cpp divides the unscaled frequency `theta^(-2i/headDim)`: the
 * unscaled frequencies over the scaled ones the executors use.
 */
export function llama3RopeFreqFactors(headDim: number, theta: number, s: Llama3RopeScaling): Float32Array {
  const plain = ropeInvFreq(headDim, theta, null);
  const scaled = ropeInvFreq(headDim, theta, s);
  return Float32Array.from(plain, (f, i) => f / (scaled[i] as number));
}
