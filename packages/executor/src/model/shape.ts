/** llama3-style RoPE frequency scaling (the only `rope_scaling` kind Pagoda supports). */
export interface Llama3RopeScaling {
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositionEmbeddings: number;
}

/** The architecture numbers a forward pass needs (a subset of the loaders' `ModelConfig`). */
export interface ModelShape {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  vocabSize: number;
  ropeTheta: number;
  ropeScaling: Llama3RopeScaling | null;
  rmsNormEps: number;
}

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
