import type { RandomModelShapes } from "./random-model.js";

/**
 * SmolLM2-135M's shape (Llama: 30 layers, hidden 576, 9 heads / 3 KV heads, head_dim 64, FFN
 * 1536, tied embeddings, vocab 49,152): the realistic small model the speed benchmarks write with
 * random weights, since no model can be downloaded here.
 */
export const SMOLLM2_135M_SHAPE: RandomModelShapes = {
  hiddenSize: 576,
  numLayers: 30,
  numHeads: 9,
  numKvHeads: 3,
  headDim: 64,
  intermediateSize: 1536,
  vocabSize: 49_152,
  maxPositionEmbeddings: 2048,
  tieWordEmbeddings: true,
  ropeTheta: 100_000,
  rmsNormEps: 1e-5,
  bosTokenId: 1,
  eosTokenIds: [2],
};
