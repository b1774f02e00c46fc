import { philox4x32, SAMPLE_STREAM, seedKey, uniformFromBits } from "../philox.js";

const fround = Math.fround;

/**
 * Tokens more than this far below the largest kept logit cannot win the Gumbel-max draw: noise
 * lies in [−log(−log 2^−24), −log(−log(1 − 2^−24))] ≈ [−2.81, 16.64], a spread of 19.45, and the
 * largest logit is always kept. Skipping their noise changes no result; the margin covers
 * rounding and the GPU's approximate log.
 */
export const GUMBEL_SPAN = 20;

/**
 * Gumbel-max draw over the kept tokens: argmax of z + g with g = −log(−log(u)), where token i's
 * uniform u is word i mod 4 of Philox(counter = [⌊i/4⌋, step, SAMPLE_STREAM, 0], key = seed).
 * Every step rounds to f32 as the GPU does; the lowest id wins a tie.
 */
export function gumbelArgmax(z: Float32Array, kept: Uint8Array, seed: number, step: number): number {
  let zmax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < z.length; i++) if (kept[i]) zmax = Math.max(zmax, z[i] as number);
  const key = seedKey(seed);
  const words = new Uint32Array(4);
  let group = -1;
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < z.length; i++) {
    if (!kept[i] || (z[i] as number) < zmax - GUMBEL_SPAN) continue;
    if (i >>> 2 !== group) {
      group = i >>> 2;
      philox4x32([group, step, SAMPLE_STREAM, 0], key, words);
    }
    const u = uniformFromBits(words[i & 3] as number);
    const score = fround((z[i] as number) + fround(-Math.log(fround(-Math.log(u)))));
    if (best < 0 || score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}
