import {
  encodeEmbedding,
  encodeHeadRmsNorm,
  encodeLogits,
  encodeMatmul,
  encodePagedAttention,
  encodeRmsNorm,
  encodeSwiglu,
  type KernelContext,
} from "@pagoda/kernels-wgsl";
import type { ModelShape } from "../model/shape.js";
import type { Activations } from "./activations.js";
import type { GpuWeights } from "./gpu-weights.js";
import type { GpuKvCache } from "./kv-cache.js";
import { encodeRopeThenCache } from "./rope-then-cache.js";
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
 * and K/V into the paged cache (one dispatch; two when head_dim is not a multiple of 8) → paged
 * attention → o-proj → residual add fused into the next RMSNorm → gate|up → SwiGLU → down] →
 * the sampling rows gathered (residual added), final RMSNorm and LM head into `acts.logits`.
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
    const keyCache = cache.keys[l] as GPUBuffer;
    const valueCache = cache.values[l] as GPUBuffer;
    encodeRopeThenCache(pass, ctx, {
      ...layout,
      numTokens: n,
      numHeads,
      invFreq: w.invFreq,
      positions: inputs.positions,
      qkv: acts.qkv,
      rowStride: qkvWidth,
      slotMapping: inputs.slotMapping,
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
