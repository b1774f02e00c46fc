import type { ModelShape, ModelWeights } from "../model/shape.js";

/** Deterministic pseudo-random numbers in [-scale, scale) (mulberry32), for test weights. */
export function seededUniform(seed: number, scale: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  };
}

/** A tiny random model of the given shape (Qwen2 biases and Qwen3 q/k norms when asked). */
export function randomWeights(
  shape: ModelShape,
  seed: number,
  opts: { bias?: boolean; qkNorm?: boolean } = {},
): ModelWeights {
  const rand = seededUniform(seed, 0.5);
  const fill = (n: number, around = 0) => Float32Array.from({ length: n }, () => around + rand());
  const { hiddenSize: h, numHeads, numKvHeads, headDim: d, intermediateSize: f, vocabSize: v } = shape;
  const embed = fill(v * h);
  return {
    embedTokens: embed,
    layers: Array.from({ length: shape.numLayers }, () => ({
      inputNorm: fill(h, 1),
      q: fill(numHeads * d * h),
      k: fill(numKvHeads * d * h),
      v: fill(numKvHeads * d * h),
      o: fill(h * numHeads * d),
      ...(opts.bias
        ? { qBias: fill(numHeads * d), kBias: fill(numKvHeads * d), vBias: fill(numKvHeads * d) }
        : {}),
      ...(opts.qkNorm ? { qNorm: fill(d, 1), kNorm: fill(d, 1) } : {}),
      postAttnNorm: fill(h, 1),
      gate: fill(f * h),
      up: fill(f * h),
      down: fill(h * f),
    })),
    finalNorm: fill(h, 1),
    lmHead: embed,
  };
}
