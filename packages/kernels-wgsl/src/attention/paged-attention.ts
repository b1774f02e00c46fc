import type { KernelContext } from "../runtime/kernel-context.js";
import { type DecodeAttentionArgs, encodeDecodeAttention } from "./decode-attention.js";
import { encodePrefillAttention } from "./prefill-attention.js";

/** Arguments of {@link encodePagedAttention}. */
export interface PagedAttentionArgs extends DecodeAttentionArgs {
  /** The longest query of the batch (host-side): 1 means a decode-only batch. */
  readonly maxQueryLen: number;
}

/**
 * Records attention for a whole batch, any mix of decodes and (chunked) prefills: sequences with
 * one query token go to split-K decode attention, which reads each kv head's cache once for its
 * whole GQA group; the others to the tiled prefill kernel. A decode-only batch records the
 * decode kernel alone. Run {@link encodeReshapeAndCache} for the step's keys and values first.
 */
export function encodePagedAttention(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  args: PagedAttentionArgs,
): void {
  if (args.maxQueryLen > 1) encodePrefillAttention(pass, ctx, { ...args, skipDecode: true });
  encodeDecodeAttention(pass, ctx, args);
}
