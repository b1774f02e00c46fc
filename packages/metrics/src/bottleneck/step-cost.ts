import { badValue, isCount, MetricsError } from "../errors.js";
import type { StepBatchShape } from "../events.js";
import { kvBytesPerToken, type ModelParamCounts, type ModelShape, modelParamCounts } from "./model-shape.js";

/** FLOPs and DRAM bytes of one forward step, by where they come from. */
export interface StepCost {
  readonly numSeqs: number;
  /** Tokens computed in the step (Σ numNewTokens). */
  readonly numTokens: number;
  /** 2 FLOPs per parameter per token through the layers, plus the LM head once per sequence. */
  readonly linearFlops: number;
  /** QKᵀ and PV over every (query, visible key) pair under the causal mask. */
  readonly attentionFlops: number;
  readonly flops: number;
  /** Every weight matrix read once per step, whatever the batch. */
  readonly weightBytes: number;
  /** K and V of every position each sequence attends to (its context and its new tokens). */
  readonly kvReadBytes: number;
  /** K and V of the new tokens written to the cache. */
  readonly kvWriteBytes: number;
  readonly bytes: number;
}

/**
 * The cost of one step over `batch` on a model of `shape`. Activations are left out of the bytes:
 * for decode they are tiny next to the weights, and where they are not (long prefills) the step
 * is compute-bound anyway, so the classification does not change. `params` may be passed to avoid
 * recounting the model's parameters on every step.
 */
export function stepCost(
  shape: ModelShape,
  batch: StepBatchShape,
  params: ModelParamCounts = modelParamCounts(shape),
): StepCost {
  const numSeqs = batch.numNewTokens.length;
  if (batch.numContextTokens.length !== numSeqs) {
    throw new MetricsError(
      "metrics.bad_batch",
      `batch has ${numSeqs} numNewTokens but ${batch.numContextTokens.length} numContextTokens`,
    );
  }
  let numTokens = 0;
  let attendedPairs = 0; // Σ over sequences of (query, key) pairs the causal mask lets through
  let attendedPositions = 0;
  for (let i = 0; i < numSeqs; i++) {
    const q = batch.numNewTokens[i] ?? 0;
    const c = batch.numContextTokens[i] ?? 0;
    if (!isCount(q)) throw badValue(`batch.numNewTokens[${i}]`, q, "an integer ≥ 0");
    if (!isCount(c)) throw badValue(`batch.numContextTokens[${i}]`, c, "an integer ≥ 0");
    numTokens += q;
    // New token j (0-based) sees the c cached positions and new positions 0..j.
    attendedPairs += q * c + (q * (q + 1)) / 2;
    attendedPositions += c + q;
  }
  const linearFlops = 2 * numTokens * shape.numLayers * params.perLayer + 2 * numSeqs * params.lmHead;
  // Per head and pair: a headDim dot product for QKᵀ and a headDim axpy for PV, 2 FLOPs each.
  const attentionFlops = 4 * shape.numLayers * shape.numHeads * shape.headDim * attendedPairs;
  const weightBytes = params.total * shape.weightBytesPerParam;
  const perToken = kvBytesPerToken(shape);
  const kvReadBytes = perToken * attendedPositions;
  const kvWriteBytes = perToken * numTokens;
  return {
    numSeqs,
    numTokens,
    linearFlops,
    attentionFlops,
    flops: linearFlops + attentionFlops,
    weightBytes,
    kvReadBytes,
    kvWriteBytes,
    bytes: weightBytes + kvReadBytes + kvWriteBytes,
  };
}
