import { grid } from "../runtime/grid.js";
import type { BufferRef, KernelContext } from "../runtime/kernel-context.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { ROPE_WGSL } from "./rope.wgsl.js";

/** Arguments of {@link encodeRope}: one tensor of heads (call it for q, then for k). */
export interface RopeArgs {
  readonly numTokens: number;
  readonly numHeads: number;
  readonly headDim: number;
  /** `[headDim / 2]` f32 inverse frequencies (model-loaders' `ropeInvFreq`, llama3 scaling applied). */
  readonly invFreq: BufferRef;
  /** `[numTokens]` i32 position of each token in its own sequence. */
  readonly positions: BufferRef;
  /** Rotated in place: token t's heads start at `t * rowStride + colOffset`. */
  readonly x: BufferRef;
  /** Floats per token in `x`; defaults to `numHeads * headDim`. */
  readonly rowStride?: number;
  /** Where the heads start in each row (e.g. the k slice of a fused QKV buffer). */
  readonly colOffset?: number;
}

/** Records rotate-half (GPT-NeoX / HF Llama) RoPE with per-token positions, in place. */
export function encodeRope(pass: GPUComputePassEncoder, ctx: KernelContext, args: RopeArgs): void {
  const { numTokens, numHeads, headDim } = args;
  const half = headDim / 2;
  const count = numTokens * numHeads * half;
  const pipeline = getShaderPipeline(ctx.device, "ops.rope/rotate_half/wg256", () => ROPE_WGSL);
  const uniforms = new UniformWriter()
    .u32(count)
    .u32(numHeads)
    .u32(half)
    .u32(args.rowStride ?? numHeads * headDim)
    .u32(args.colOffset ?? 0)
    .finish();
  const resources = [args.invFreq, args.positions, args.x];
  ctx.dispatch(pass, pipeline, uniforms, resources, grid(Math.ceil(count / 256)));
}
