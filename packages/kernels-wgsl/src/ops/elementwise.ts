import { grid } from "../runtime/grid.js";
import { type BufferRef, type KernelContext, requireBytes } from "../runtime/kernel-context.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { ADD_WGSL, ELEMENTWISE_BLOCK, gatherRowsWgsl, SWIGLU_WGSL } from "./elementwise.wgsl.js";

/** Arguments of {@link encodeSwiglu}. */
export interface SwigluArgs {
  readonly numTokens: number;
  /** Intermediate size F. */
  readonly ffn: number;
  /** `[numTokens, 2F]`: gate in columns [0, F), up in [F, 2F) — one fused gate_up matmul. */
  readonly gateUp: BufferRef;
  /** `[numTokens, F]`. */
  readonly out: BufferRef;
}

/** Records `out = silu(gate) * up` from a fused gate|up activation. */
export function encodeSwiglu(pass: GPUComputePassEncoder, ctx: KernelContext, args: SwigluArgs): void {
  const count = args.numTokens * args.ffn;
  requireBytes(args.gateUp, 2 * count * 4, "swiglu gate_up");
  requireBytes(args.out, count * 4, "swiglu out");
  const pipeline = getShaderPipeline(ctx.device, "ops.swiglu/fused_gate_up/wg64x4", () => SWIGLU_WGSL);
  const uniforms = new UniformWriter().u32(count).u32(args.ffn).finish();
  ctx.dispatch(pass, pipeline, uniforms, [args.gateUp, args.out], grid(Math.ceil(count / ELEMENTWISE_BLOCK)));
}

/** Arguments of {@link encodeAdd}. */
export interface AddArgs {
  readonly count: number;
  /** Accumulated into, in place. */
  readonly x: BufferRef;
  readonly y: BufferRef;
}

/** Records the residual add `x += y` over `count` f32. */
export function encodeAdd(pass: GPUComputePassEncoder, ctx: KernelContext, args: AddArgs): void {
  const pipeline = getShaderPipeline(ctx.device, "ops.add/inplace/wg64x4", () => ADD_WGSL);
  const uniforms = new UniformWriter().u32(args.count).finish();
  ctx.dispatch(pass, pipeline, uniforms, [args.x, args.y], grid(Math.ceil(args.count / ELEMENTWISE_BLOCK)));
}

/** Arguments of {@link encodeGatherRows}. */
export interface GatherRowsArgs {
  /** `[numRows]` u32 row indices, e.g. `lastTokenIndex[numSeqs]`. */
  readonly index: BufferRef;
  readonly numRows: number;
  readonly width: number;
  readonly src: BufferRef;
  /** Added to the gathered rows when given (the residual stream before the final norm). */
  readonly residual?: BufferRef;
  /** `[numRows, width]`. */
  readonly out: BufferRef;
}

/** Records `out[s, :] = src[index[s], :] (+ residual[index[s], :])`. */
export function encodeGatherRows(pass: GPUComputePassEncoder, ctx: KernelContext, args: GatherRowsArgs) {
  const withResidual = args.residual !== undefined;
  const key = `ops.gather_rows/${withResidual ? "residual" : "plain"}/wg64x4`;
  const pipeline = getShaderPipeline(ctx.device, key, () => gatherRowsWgsl(withResidual));
  const count = args.numRows * args.width;
  requireBytes(args.out, count * 4, "gather_rows out");
  requireBytes(args.index, args.numRows * 4, "gather_rows index");
  const uniforms = new UniformWriter().u32(count).u32(args.width).finish();
  const resources = [args.index, args.src, args.out, ...(args.residual ? [args.residual] : [])];
  ctx.dispatch(pass, pipeline, uniforms, resources, grid(Math.ceil(count / ELEMENTWISE_BLOCK)));
}
