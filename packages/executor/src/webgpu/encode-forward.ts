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
import type { StepShape } from "../batch/step-shape.js";
import type { ForwardPlan, PlanOp } from "../model/plan.js";
import type { Activations } from "./activations.js";
import { type GpuWeights, gpuMatrix, gpuVector } from "./gpu-weights.js";
import type { GpuKvCache } from "./kv-cache.js";
import { encodeRopeThenCache } from "./rope-then-cache.js";
import type { StepRegions } from "./step-inputs.js";

/** What a forward pass reads and writes; built once per executor. */
export interface ForwardResources {
  readonly plan: ForwardPlan;
  readonly weights: GpuWeights;
  readonly cache: GpuKvCache;
  readonly acts: Activations;
  readonly inputs: StepRegions;
}

/**
 * Records the forward plan over the flattened batch into `pass`, each op with the WGSL kernels;
 * the logits of the batch's `logitRows` land in `acts.logits`.
 */
export function encodeForward(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  res: ForwardResources,
  step: StepShape,
): void {
  for (const op of res.plan.ops) encodeOp(pass, ctx, res, step, op);
}

function encodeOp(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  res: ForwardResources,
  step: StepShape,
  op: PlanOp,
): void {
  const { plan, weights: w, cache, acts, inputs } = res;
  const { hiddenSize: hidden, numHeads, numKvHeads, headDim, rmsNormEps: eps } = plan.shape;
  const n = step.numTokens;
  switch (op.op) {
    case "embed":
      encodeEmbedding(pass, ctx, {
        ids: inputs.tokenIds,
        numTokens: n,
        table: gpuMatrix(w, op.table),
        out: acts[op.out],
      });
      return;
    case "rmsNorm":
      // With a residual the kernel adds `x` into it (stored) and normalises the sum.
      encodeRmsNorm(pass, ctx, {
        numTokens: n,
        width: hidden,
        weight: gpuVector(w, op.weight),
        eps,
        x: acts[op.x],
        ...(op.residual !== undefined && { residual: acts[op.residual] }),
        out: acts[op.out],
      });
      return;
    case "linear":
      encodeMatmul(pass, ctx, {
        numRows: n,
        x: acts[op.x],
        weight: gpuMatrix(w, op.weight),
        ...(op.bias !== undefined && { bias: gpuVector(w, op.bias) }),
        out: acts[op.out],
      });
      return;
    case "ropeAndCache": {
      const heads = { numTokens: n, headDim, eps, x: acts[op.qkv], rowStride: plan.widths[op.qkv] };
      if (op.qNorm !== undefined) {
        encodeHeadRmsNorm(pass, ctx, { ...heads, numHeads, weight: gpuVector(w, op.qNorm), colOffset: 0 });
      }
      if (op.kNorm !== undefined) {
        const weight = gpuVector(w, op.kNorm);
        encodeHeadRmsNorm(pass, ctx, {
          ...heads,
          numHeads: numKvHeads,
          weight,
          colOffset: numHeads * headDim,
        });
      }
      // One dispatch; two when head_dim is not a multiple of 8.
      encodeRopeThenCache(pass, ctx, {
        numKvHeads,
        headDim,
        blockSize: cache.blockSize,
        cacheDtype: cache.dtype,
        numTokens: n,
        numHeads,
        invFreq: w.invFreq,
        positions: inputs.positions,
        qkv: acts[op.qkv],
        rowStride: plan.widths[op.qkv],
        slotMapping: inputs.slotMapping,
        keyCache: cache.keys[op.layer] as GPUBuffer,
        valueCache: cache.values[op.layer] as GPUBuffer,
      });
      return;
    }
    case "attention":
      encodePagedAttention(pass, ctx, {
        numKvHeads,
        headDim,
        blockSize: cache.blockSize,
        cacheDtype: cache.dtype,
        numHeads,
        maxBlocksPerSeq: step.tableWidth,
        scale: 1 / Math.sqrt(headDim),
        q: acts[op.qkv],
        qRowStride: plan.widths[op.qkv],
        keyCache: cache.keys[op.layer] as GPUBuffer,
        valueCache: cache.values[op.layer] as GPUBuffer,
        blockTables: inputs.blockTables,
        seqLens: inputs.seqLens,
        queryStartLoc: inputs.queryStartLoc,
        out: acts[op.out],
        numSeqs: step.numSeqs,
        numTokens: n,
        maxSeqLen: step.maxSeqLen,
        maxQueryLen: step.maxQueryLen,
        workspace: acts.decodeWorkspace,
      });
      return;
    case "swiglu":
      encodeSwiglu(pass, ctx, {
        numTokens: n,
        ffn: plan.widths[op.gateUp] / 2,
        gateUp: acts[op.gateUp],
        out: acts[op.out],
      });
      return;
    case "logits":
      // The sampling rows, then the drafts' rows, are gathered (residual added), normalised and
      // projected in one launcher.
      encodeLmHeadRows(pass, ctx, res, op, step.numLogitRows, inputs.sampleRows);
      return;
  }
}

type LogitsOp = Extract<PlanOp, { op: "logits" }>;

/**
 * Records the plan's LM head over the `numRows` batch rows listed in `rows` (u32, at most
 * `maxNumSeqs`): the sampling rows in a step, or rows scored for prompt log-probabilities after
 * it (`op` defaults to the plan's logits op). Logits land in `acts.logits`.
 */
export function encodeLmHeadRows(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  res: ForwardResources,
  op: LogitsOp | undefined,
  numRows: number,
  rows: GPUBufferBinding,
): void {
  const { plan, weights: w, acts } = res;
  const logits = op ?? plan.ops.find((o): o is LogitsOp => o.op === "logits");
  if (!logits) throw new Error("forward plan: no logits op");
  encodeLogits(pass, ctx, {
    numSeqs: numRows,
    lastTokenIndex: rows,
    hidden: acts[logits.hidden],
    residual: acts[logits.residual],
    width: plan.shape.hiddenSize,
    normWeight: gpuVector(w, logits.norm),
    eps: plan.shape.rmsNormEps,
    lmHead: gpuMatrix(w, logits.lmHead),
    gathered: acts.lastHidden,
    normed: acts.lastNormed,
    out: acts[logits.out],
  });
}
