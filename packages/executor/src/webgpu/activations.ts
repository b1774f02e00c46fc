import { planDecode } from "@pagoda/kernels-wgsl";
import { ExecutorError } from "../errors.js";
import type { ModelShape } from "../model/shape.js";
import type { GpuBuffers } from "./gpu-buffers.js";
import type { ExecutorSizes } from "./options.js";

/**
 * The forward pass's working buffers, sized once for `maxNumBatchedTokens` rows (and
 * `maxNumSeqs` sampling rows) and always bound whole, so the same bind groups serve every step.
 */
export interface Activations {
  /** `[T, hidden]` residual stream. */
  readonly residual: GPUBuffer;
  /** `[T, hidden]` normalised input of the attention or MLP block. */
  readonly normed: GPUBuffer;
  /** `[T, (H + 2·Hkv)·D]` fused q | k | v. */
  readonly qkv: GPUBuffer;
  /** `[T, H·D]` attention output. */
  readonly attn: GPUBuffer;
  /** `[T, hidden]` output of o-proj or down-proj, added to the residual by the next norm. */
  readonly delta: GPUBuffer;
  /** `[T, 2·F]` gate | up. */
  readonly gateUp: GPUBuffer;
  /** `[T, F]` silu(gate) · up. */
  readonly act: GPUBuffer;
  /** `[S, hidden]` the sampling rows, gathered then normalised. */
  readonly lastHidden: GPUBuffer;
  readonly lastNormed: GPUBuffer;
  /** `[S, vocab]` raw logits. */
  readonly logits: GPUBuffer;
  /** Split-K decode attention partials for `maxNumSeqs` sequences of `maxModelLen`. */
  readonly decodeWorkspace: GPUBuffer;
}

/** Allocates the activations; throws when one would pass the device's binding limit. */
export function allocateActivations(
  buffers: GpuBuffers,
  shape: ModelShape,
  sizes: ExecutorSizes,
): Activations {
  const { hiddenSize: h, numHeads, numKvHeads, headDim: d, intermediateSize: f, vocabSize: v } = shape;
  const t = sizes.maxNumBatchedTokens;
  const s = sizes.maxNumSeqs;
  const limit = buffers.device.limits.maxStorageBufferBindingSize;
  const make = (label: string, floats: number) => {
    if (floats * 4 > limit) {
      throw new ExecutorError(
        "executor.batch_too_large",
        `activation ${label} needs ${floats * 4} B, over the device's binding limit of ${limit} B; lower maxNumBatchedTokens or maxNumSeqs`,
        { details: { label, bytes: floats * 4, limit } },
      );
    }
    return buffers.storage(`act.${label}`, floats * 4);
  };
  const plan = planDecode({ numHeads, numKvHeads, headDim: d }, s, sizes.maxModelLen);
  return {
    residual: make("residual", t * h),
    normed: make("normed", t * h),
    qkv: make("qkv", t * (numHeads + 2 * numKvHeads) * d),
    attn: make("attn", t * numHeads * d),
    delta: make("delta", t * h),
    gateUp: make("gate_up", t * 2 * f),
    act: make("act", t * f),
    lastHidden: make("last_hidden", s * h),
    lastNormed: make("last_normed", s * h),
    logits: make("logits", s * v),
    decodeWorkspace: make("decode_workspace", Math.max(1, plan.workspaceBytes / 4)),
  };
}
