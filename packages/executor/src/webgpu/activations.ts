import { planDecode } from "@pagoda/kernels-wgsl";
import { ExecutorError } from "../errors.js";
import type { Activation, ForwardPlan } from "../model/plan.js";
import type { ExecutorSizes } from "../model/sizes.js";
import type { GpuBuffers } from "./gpu-buffers.js";

/**
 * The forward pass's working buffers, sized once for `maxNumBatchedTokens` rows (and
 * `maxLogitRows` LM-head rows: the sampling rows and any drafts' rows) and always bound whole, so the same bind groups serve every step.
 * The plan's activations are found by name (`acts[op.out]`); the rest is kernels' scratch.
 */
export interface Activations extends Readonly<Record<Activation, GPUBuffer>> {
  /** `[maxLogitRows, hidden]` the LM-head rows, gathered then normalised, inside the `logits` op. */
  readonly lastHidden: GPUBuffer;
  readonly lastNormed: GPUBuffer;
  /** Split-K decode attention partials for `maxNumSeqs` sequences of `maxModelLen`. */
  readonly decodeWorkspace: GPUBuffer;
}

/** Allocates the activations; throws when one would pass the device's binding limit. */
export function allocateActivations(
  buffers: GpuBuffers,
  plan: ForwardPlan,
  sizes: ExecutorSizes,
): Activations {
  const { numHeads, numKvHeads, headDim, hiddenSize } = plan.shape;
  const t = sizes.maxNumBatchedTokens;
  const s = sizes.maxNumSeqs;
  const rows = sizes.maxLogitRows;
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
  const w = plan.widths;
  // `logits` has a row per LM-head row, every other activation a row per batch token.
  const byToken = (name: Activation) => make(name, t * w[name]);
  const decode = planDecode({ numHeads, numKvHeads, headDim }, s, sizes.maxModelLen);
  return {
    residual: byToken("residual"),
    normed: byToken("normed"),
    qkv: byToken("qkv"),
    attn: byToken("attn"),
    delta: byToken("delta"),
    gateUp: byToken("gateUp"),
    act: byToken("act"),
    logits: make("logits", rows * w.logits),
    lastHidden: make("lastHidden", rows * hiddenSize),
    lastNormed: make("lastNormed", rows * hiddenSize),
    decodeWorkspace: make("decodeWorkspace", Math.max(1, decode.workspaceBytes / 4)),
  };
}
