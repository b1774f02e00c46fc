import type { Llama3RopeScaling } from "../config/rope-scaling.js";
import { llama3RopeFreqFactors } from "../tools/gguf/rope-freqs.js";

/**
 * The llama3 RoPE scaling whose `rope_freqs.weight` factors are `factors`, or null when they
 * describe none (all 1) or nothing llama3 scaling makes. llama.cpp's files keep only the
 * factors; every factor depends on the parameters through `smooth = orig/wavelen·k − b`, so
 * parameters are recovered up to that line (low_freq_factor taken as 1, and high_freq_factor as
 * 4 where one blended factor cannot pin it) and accepted only if they reproduce every factor.
 */
export function llama3ScalingFromFactors(
  factors: Float32Array,
  headDim: number,
  theta: number,
): Llama3RopeScaling | null {
  const factor = Math.max(...factors);
  if (factors.length !== headDim / 2 || !(factor >= 1)) return null;
  if (factor === 1) return null;
  const wavelen = (i: number) => 2 * Math.PI * theta ** ((2 * i) / headDim);
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, b);
  const blended: [x: number, smooth: number][] = [];
  let lastKept = -1;
  let firstScaled = factors.length;
  factors.forEach((s, i) => {
    if (near(s, 1)) lastKept = i;
    else if (near(s, factor)) firstScaled = Math.min(firstScaled, i);
    else blended.push([1 / wavelen(i), (1 / s - 1 / factor) / (1 - 1 / factor)]);
  });
  let scaling: Llama3RopeScaling;
  const base = { type: "llama3" as const, factor, lowFreqFactor: 1 };
  const first = blended[0];
  const last = blended.at(-1);
  if (first && last && blended.length >= 2) {
    // smooth = orig·x / (high − 1) − 1 / (high − 1): slope and intercept give both.
    const slope = (last[1] - first[1]) / (last[0] - first[0]);
    const intercept = first[1] - slope * first[0];
    if (!(intercept < 0 && slope > 0)) return null;
    const high = 1 - 1 / intercept;
    scaling = { ...base, highFreqFactor: high, originalMaxPositionEmbeddings: slope * (high - 1) };
  } else if (first) {
    scaling = { ...base, highFreqFactor: 4, originalMaxPositionEmbeddings: (3 * first[1] + 1) / first[0] };
  } else {
    // No blended band: any original context between 4× the last kept wavelength and the first
    // scaled one reproduces the factors.
    const lo = lastKept >= 0 ? 4 * wavelen(lastKept) : 0;
    const hi = firstScaled < factors.length ? wavelen(firstScaled) : lo * 2;
    if (!(hi > lo)) return null;
    scaling = { ...base, highFreqFactor: 4, originalMaxPositionEmbeddings: (lo + hi) / 2 };
  }
  const again = llama3RopeFreqFactors(headDim, theta, scaling);
  return again.every((s, i) => Math.abs(s - (factors[i] as number)) <= 1e-4 * s) ? scaling : null;
}
