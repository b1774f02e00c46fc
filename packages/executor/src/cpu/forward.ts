import type { FlatBatch } from "../batch/flat-batch.js";
import type { LayerWeights, ModelShape, ModelWeights } from "../model/shape.js";
import { pagedAttention } from "./attention.js";
import { addInPlace, applyRope, matmul, rmsNorm, swiglu } from "./ops.js";
import type { PagedKvCache } from "./paged-kv-cache.js";

/**
 * One forward pass of a Llama-family decoder (Llama, Mistral, Qwen2 with q/k/v bias, Qwen3 with
 * per-head q/k RMSNorm) over a flattened batch. Writes the batch's K/V into the cache and
 * returns logits `[batch.sampleRows.length, vocab]` for the rows that sample.
 */
export function forward(
  shape: ModelShape,
  weights: ModelWeights,
  cache: PagedKvCache,
  batch: FlatBatch,
  invFreq: Float64Array,
): Float32Array {
  const { hiddenSize: hidden, rmsNormEps: eps } = shape;
  const x = new Float32Array(batch.numTokens * hidden);
  for (let t = 0; t < batch.numTokens; t++) {
    const id = batch.tokenIds[t] as number;
    x.set(weights.embedTokens.subarray(id * hidden, (id + 1) * hidden), t * hidden);
  }
  weights.layers.forEach((w, layer) => {
    attentionBlock(shape, w, x, cache, layer, batch, invFreq);
    const h = rmsNorm(x, hidden, w.postAttnNorm, eps);
    const gate = matmul(h, batch.numTokens, hidden, w.gate, shape.intermediateSize);
    const up = matmul(h, batch.numTokens, hidden, w.up, shape.intermediateSize);
    const act = swiglu(gate, up);
    addInPlace(x, matmul(act, batch.numTokens, shape.intermediateSize, w.down, hidden));
  });
  const last = new Float32Array(batch.sampleRows.length * hidden);
  batch.sampleRows.forEach((row, i) => {
    last.set(x.subarray(row * hidden, (row + 1) * hidden), i * hidden);
  });
  const normed = rmsNorm(last, hidden, weights.finalNorm, eps);
  return matmul(normed, batch.sampleRows.length, hidden, weights.lmHead, shape.vocabSize);
}

function attentionBlock(
  shape: ModelShape,
  w: LayerWeights,
  x: Float32Array,
  cache: PagedKvCache,
  layer: number,
  batch: FlatBatch,
  invFreq: Float64Array,
): void {
  const { hiddenSize: hidden, numHeads, numKvHeads, headDim, rmsNormEps: eps } = shape;
  const n = batch.numTokens;
  const h = rmsNorm(x, hidden, w.inputNorm, eps);
  let q = matmul(h, n, hidden, w.q, numHeads * headDim, w.qBias);
  let k = matmul(h, n, hidden, w.k, numKvHeads * headDim, w.kBias);
  const v = matmul(h, n, hidden, w.v, numKvHeads * headDim, w.vBias);
  if (w.qNorm) q = rmsNorm(q, headDim, w.qNorm, eps);
  if (w.kNorm) k = rmsNorm(k, headDim, w.kNorm, eps);
  applyRope(q, batch.positions, numHeads, headDim, invFreq);
  applyRope(k, batch.positions, numKvHeads, headDim, invFreq);
  cache.write(layer, k, v, batch.slotMapping);
  const attn = pagedAttention(q, cache, layer, batch, numHeads);
  addInPlace(x, matmul(attn, n, numHeads * headDim, w.o, hidden));
}
