export { type AttentionArgs, checkAttentionArgs } from "./attention-args.js";
export { type AttentionShape, checkAttentionShape, groupSize } from "./attention-shape.js";
export {
  type DecodeAttentionArgs,
  type DecodeKernel,
  defaultDecodeKernel,
  encodeDecodeAttention,
} from "./decode-attention.js";
export { DEFAULT_DECODE_PARTITION, type DecodePlan, planDecode, workspaceLayout } from "./decode-plan.js";
export { encodePagedAttention, type PagedAttentionArgs } from "./paged-attention.js";
export { type PagedAttentionReferenceInput, pagedAttentionReference } from "./paged-attention-reference.js";
export { choosePrefillTile, encodePrefillAttention, type PrefillAttentionArgs } from "./prefill-attention.js";
export type { PrefillTile } from "./prefill-attention.wgsl.js";
