import { assertCount, MetricsError } from "../errors.js";

/**
 * What the roofline needs to know of a decoder-only transformer (Llama / Qwen family): the sizes
 * from its `config.json` and the storage width of weights and KV cache entries.
 */
export interface ModelShape {
  readonly numLayers: number;
  readonly hiddenSize: number;
  readonly numHeads: number;
  /** Key/value heads (grouped-query attention shares them between query heads). */
  readonly numKvHeads: number;
  readonly headDim: number;
  /** FFN inner size (`intermediate_size`). */
  readonly intermediateSize: number;
  readonly vocabSize: number;
  /** 2 for F16/BF16 weights, 1 for 8-bit, 0.5 for 4-bit. */
  readonly weightBytesPerParam: number;
  /** Bytes per stored K or V element: 2 for an F16 cache, 4 for F32. */
  readonly kvBytesPerElement: number;
  /** Gated FFN (SwiGLU: gate, up, down = 3 matrices) or plain (up, down = 2); default true. */
  readonly gatedFfn?: boolean;
}

/** Parameters read by one forward step: all layers' matrices plus the LM head. */
export interface ModelParamCounts {
  /** Matrix parameters of one layer (attention projections + FFN); norms are left out. */
  readonly perLayer: number;
  /** `vocabSize × hiddenSize`: the LM head (the embedding is a gather of a few rows). */
  readonly lmHead: number;
  /** `numLayers × perLayer + lmHead`. */
  readonly total: number;
}

/** Throws a `metrics.bad_model_shape` error unless every size is a positive integer. */
export function validateModelShape(shape: ModelShape): void {
  const sizes = [
    "numLayers",
    "hiddenSize",
    "numHeads",
    "numKvHeads",
    "headDim",
    "intermediateSize",
    "vocabSize",
  ];
  for (const key of sizes) {
    const value = shape[key as keyof ModelShape] as number;
    assertCount(value, `model.${key}`);
    if (value === 0) {
      throw new MetricsError("metrics.bad_model_shape", `model.${key} must be > 0`, { details: { key } });
    }
  }
  for (const key of ["weightBytesPerParam", "kvBytesPerElement"] as const) {
    const value = shape[key];
    if (!(value > 0 && Number.isFinite(value))) {
      throw new MetricsError("metrics.bad_model_shape", `model.${key} must be a number > 0, got ${value}`, {
        details: { key },
      });
    }
  }
  if (shape.numHeads % shape.numKvHeads !== 0) {
    throw new MetricsError(
      "metrics.bad_model_shape",
      `numHeads (${shape.numHeads}) must be a multiple of numKvHeads (${shape.numKvHeads})`,
    );
  }
}

/** Parameter counts of the matrices a step multiplies with. */
export function modelParamCounts(shape: ModelShape): ModelParamCounts {
  const { hiddenSize: d, headDim, numHeads, numKvHeads } = shape;
  // Q and O are d × (heads·headDim); K and V are d × (kvHeads·headDim).
  const attention = d * headDim * (2 * numHeads + 2 * numKvHeads);
  const ffn = (shape.gatedFfn === false ? 2 : 3) * d * shape.intermediateSize;
  const perLayer = attention + ffn;
  const lmHead = shape.vocabSize * d;
  return { perLayer, lmHead, total: shape.numLayers * perLayer + lmHead };
}

/** Bytes of K and V that one token occupies in the cache, over all layers. */
export function kvBytesPerToken(shape: ModelShape): number {
  return 2 * shape.numLayers * shape.numKvHeads * shape.headDim * shape.kvBytesPerElement;
}
