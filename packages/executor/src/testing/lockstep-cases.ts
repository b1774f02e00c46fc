import type { FloatDType, ModelFamily, RandomModelShapes } from "@pagoda/model-loaders";

/** A tiny random model of one family and the batch shape to run it with. */
export interface LockstepCase {
  name: string;
  family: ModelFamily;
  dtype: FloatDType;
  shapes: RandomModelShapes;
  blockSize: number;
  chunk: number;
  longPrompt?: number;
}

/**
 * The random models every executor is run in lockstep against the reference on: each family,
 * each checkpoint dtype, awkward sizes (hidden 30, head_dim 12), GQA groups of 2–4, a long prompt.
 */
export const LOCKSTEP_CASES: LockstepCase[] = [
  {
    name: "Mistral (GQA 2, F32 checkpoint)",
    family: "mistral",
    dtype: "F32",
    shapes: {
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      headDim: 16,
      intermediateSize: 96,
      vocabSize: 256,
    },
    blockSize: 16,
    chunk: 8,
  },
  {
    name: "Qwen2 (q/k/v bias, hidden 30: scalar matmul paths, tied, F16 checkpoint)",
    family: "qwen2",
    dtype: "F16",
    shapes: {
      hiddenSize: 30,
      numLayers: 2,
      numHeads: 6,
      numKvHeads: 2,
      headDim: 8,
      intermediateSize: 50,
      vocabSize: 200,
      tieWordEmbeddings: true,
    },
    blockSize: 8,
    chunk: 5,
  },
  {
    name: "Qwen3 (q/k norm, GQA 4, head_dim 32, BF16 checkpoint, a 300-token prompt)",
    family: "qwen3",
    dtype: "BF16",
    shapes: {
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 1,
      headDim: 32,
      intermediateSize: 128,
      vocabSize: 300,
    },
    blockSize: 32,
    chunk: 16,
    longPrompt: 300,
  },
  {
    // head_dim 12: RoPE and the cache write run as two kernels (the fused one needs 8 | head_dim).
    name: "Llama (head_dim 12: unfused RoPE + cache write, F32 checkpoint)",
    family: "llama",
    dtype: "F32",
    shapes: {
      hiddenSize: 48,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      headDim: 12,
      intermediateSize: 80,
      vocabSize: 192,
    },
    blockSize: 8,
    chunk: 6,
  },
];
