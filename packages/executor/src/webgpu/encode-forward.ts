import {
  encodeEmbedding,
  encodeHeadRmsNorm,
  encodeLogits,
  encodeMatmul,
  encodePagedAttention,
  encodeReshapeAndCache,
  encodeRmsNorm,
  encodeRope,
  encodeSwiglu,
  type KernelContext,
} from "@pagoda/kernels-wgsl";
import type { ModelShape } from "../model/shape.js";
import type { Activations } from "./activations.js";
import type { GpuWeights } from "./gpu-weights.js";
import type { GpuKvCache } from "./kv-cache.js";
import type { StepRegions } from "./step-inputs.js";

/** What a forward pass reads and writes; built once per executor. */
export interface ForwardResources {
  readonly shape: ModelShape;
  readonly weights: GpuWeights;
  readonly cache: GpuKvCache;
  readonly acts: Activations;
  readonly inputs: StepRegions;
}

/** The host-side numbers of one step that size its dispatches. */
export interface StepShape {
  readonly numTokens: number;
  readonly numSeqs: number;
  /** Sequences that sample this step (their rows are gathered for the LM head). */
  readonly numSampled: number;
  readonly maxSeqLen: number;
  readonly maxQueryLen: number;
  /** Block-table columns uploaded this step. */
  readonly tableWidth: number;
}

/**
 * Records one forward pass over the flattened batch into `pass`, the order of the CPU reference:
 * embed → per layer [RMSNorm → fused q|k|v (+bias) → Qwen3 per-head q/k norm → RoPE on q and k
 * in one dispatch → K/V into the paged cache → paged attention → o-proj → residual add fused into
 * the next RMSNorm → gate|up → SwiGLU → down] → the sampling rows gathered (residual added),
 * final RMSNorm and LM head into `acts.logits`.
 */
export function encodeForward(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  res: ForwardResources,
  step: StepShape,
): void {
  const { shape, weights: w, cache, acts, inputs } = res;
  const { hiddenSize: hidden, numHeads, numKvHeads, headDim, rmsNormEps: eps } = shape;
  const n = step.numTokens;
  const qkvWidth = (numHeads + 2 * numKvHeads) * headDim;
  const layout = { numKvHeads, headDim, blockSize: cache.blockSize };
  encodeEmbedding(pass, ctx, { ids: inputs.tokenIds, numTokens: n, table: w.embed, out: acts.residual });
  w.layers.forEach((layer, l) => {
    // Layer 0 normalises the embeddings; later layers first add the previous MLP output.
    encodeRmsNorm(pass, ctx, {
      numTokens: n,
      width: hidden,
      weight: layer.inputNorm,
      eps,
      ...(l === 0 ? { x: acts.residual } : { x: acts.delta, residual: acts.residual }),
      out: acts.normed,
    });
    encodeMatmul(pass, ctx, {
      numRows: n,
      x: acts.normed,
      weight: layer.qkv,
      ...(layer.qkvBias && { bias: layer.qkvBias }),
      out: acts.qkv,
    });
    const heads = { numTokens: n, headDim, eps, x: acts.qkv, rowStride: qkvWidth };
    if (layer.qNorm) encodeHeadRmsNorm(pass, ctx, { ...heads, numHeads, weight: layer.qNorm, colOffset: 0 });
    if (layer.kNorm) {
      const colOffset = numHeads * headDim;
      encodeHeadRmsNorm(pass, ctx, { ...heads, numHeads: numKvHeads, weight: layer.kNorm, colOffset });
    }
    // q and k heads are adjacent in each row, so one dispatch rotates both.
    encodeRope(pass, ctx, {
      numTokens: n,
      numHeads: numHeads + numKvHeads,
      headDim,
      invFreq: w.invFreq,
      positions: inputs.positions,
      x: acts.qkv,
      rowStride: qkvWidth,
    });
    const keyCache = cache.keys[l] as GPUBuffer;
    const valueCache = cache.values[l] as GPUBuffer;
    encodeReshapeAndCache(pass, ctx, {
      ...layout,
      key: acts.qkv,
      value: acts.qkv,
      rowStride: qkvWidth,
      keyColOffset: numHeads * headDim,
      valueColOffset: (numHeads + numKvHeads) * headDim,
      slotMapping: inputs.slotMapping,
      numTokens: n,
      keyCache,
      valueCache,
    });
    encodePagedAttention(pass, ctx, {
      ...layout,
      numHeads,
      maxBlocksPerSeq: step.tableWidth,
      scale: 1 / Math.sqrt(headDim),
      q: acts.qkv,
      qRowStride: qkvWidth,
      keyCache,
      valueCache,
      blockTables: inputs.blockTables,
      seqLens: inputs.seqLens,
      queryStartLoc: inputs.queryStartLoc,
      out: acts.attn,
      numSeqs: step.numSeqs,
      numTokens: n,
      maxSeqLen: step.maxSeqLen,
      maxQueryLen: step.maxQueryLen,
      workspace: acts.decodeWorkspace,
    });
    encodeMatmul(pass, ctx, { numRows: n, x: acts.attn, weight: layer.o, out: acts.delta });
    encodeRmsNorm(pass, ctx, {
      numTokens: n,
      width: hidden,
      weight: layer.postAttnNorm,
      eps,
      x: acts.delta,
      residual: acts.residual,
      out: acts.normed,
    });
    encodeMatmul(pass, ctx, { numRows: n, x: acts.normed, weight: layer.gateUp, out: acts.gateUp });
    encodeSwiglu(pass, ctx, {
      numTokens: n,
      ffn: shape.intermediateSize,
      gateUp: acts.gateUp,
      out: acts.act,
    });
    encodeMatmul(pass, ctx, { numRows: n, x: acts.act, weight: layer.down, out: acts.delta });
  });
  encodeLogits(pass, ctx, {
    numSeqs: step.numSampled,
    lastTokenIndex: inputs.sampleRows,
    hidden: acts.delta,
    residual: acts.residual,
    width: hidden,
    normWeight: w.finalNorm,
    eps,
    lmHead: w.lmHead,
    gathered: acts.lastHidden,
    normed: acts.lastNormed,
    out: acts.logits,
  });
}
