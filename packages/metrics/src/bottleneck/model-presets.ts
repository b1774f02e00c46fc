import type { ModelShape } from "./model-shape.js";

/** Llama-2-7B's `config.json` with F16 weights and an F16 KV cache: the paging papers' yardstick. */
export const LLAMA_2_7B: ModelShape = {
  numLayers: 32,
  hiddenSize: 4096,
  numHeads: 32,
  numKvHeads: 32,
  headDim: 128,
  intermediateSize: 11008,
  vocabSize: 32000,
  weightBytesPerParam: 2,
  kvBytesPerElement: 2,
};
