import type { ModelConfig } from "@pagoda/model-loaders";

/** The architecture numbers a forward pass needs (a subset of the loaders' `ModelConfig`). */
export type ModelShape = Pick<
  ModelConfig,
  | "hiddenSize"
  | "numLayers"
  | "numHeads"
  | "numKvHeads"
  | "headDim"
  | "intermediateSize"
  | "vocabSize"
  | "ropeTheta"
  | "ropeScaling"
  | "rmsNormEps"
>;

/** One decoder layer's weights as F32, HF layout (`[out, in]` row-major). */
export interface LayerWeights {
  inputNorm: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  o: Float32Array;
  qBias?: Float32Array;
  kBias?: Float32Array;
  vBias?: Float32Array;
  /** Qwen3: per-head RMSNorm weights, [headDim]. */
  qNorm?: Float32Array;
  kNorm?: Float32Array;
  postAttnNorm: Float32Array;
  gate: Float32Array;
  up: Float32Array;
  down: Float32Array;
}

/** A whole model's weights as F32 arrays, for the CPU reference executor. */
export interface ModelWeights {
  embedTokens: Float32Array;
  layers: LayerWeights[];
  finalNorm: Float32Array;
  /** The same array as `embedTokens` when embeddings are tied. */
  lmHead: Float32Array;
}
