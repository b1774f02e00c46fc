import { isCpuAdapter } from "../runtime/adapter.js";
import { grid } from "../runtime/grid.js";
import { type BufferRef, type KernelContext, requireBytes } from "../runtime/kernel-context.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import {
  RMS_NORM_ROWS_PER_WG,
  RMS_NORM_WG,
  type RmsNormLayout,
  type RmsNormMode,
  rmsNormWgsl,
} from "./rms-norm.wgsl.js";

/** Arguments of {@link encodeRmsNorm}: rows of `width` f32 in `[numTokens, width]` buffers. */
export interface RmsNormArgs {
  readonly numTokens: number;
  readonly width: number;
  /** `[width]` f32 weight. */
  readonly weight: BufferRef;
  readonly eps: number;
  readonly x: BufferRef;
  /** When given: `residual = x + residual`, then the norm reads `residual` (vLLM's fused add). */
  readonly residual?: BufferRef;
  /** Output, a different buffer from `x` and `residual`. */
  readonly out: BufferRef;
  /** Overrides the adapter's default (thread per row on CPU adapters, else workgroup per row). */
  readonly layout?: RmsNormLayout;
}

/**
 * Records `out = rmsnorm(x) * weight` per row, or with `residual` the fused pre-norm residual
 * step `residual += x; out = rmsnorm(residual) * weight`.
 */
export function encodeRmsNorm(pass: GPUComputePassEncoder, ctx: KernelContext, args: RmsNormArgs): void {
  const mode: RmsNormMode = args.residual ? "residual" : "out";
  const bytes = args.numTokens * args.width * 4;
  for (const [ref, what] of [
    [args.x, "x"],
    [args.out, "out"],
    [args.residual, "residual"],
  ] as const) {
    if (ref) requireBytes(ref, bytes, `rms_norm ${what}`);
  }
  requireBytes(args.weight, args.width * 4, "rms_norm weight");
  const io = args.residual ? [args.x, args.residual, args.out] : [args.x, args.out];
  const shape = { rows: args.numTokens, heads: 1, width: args.width, rowStride: args.width, colOffset: 0 };
  dispatchNorm(pass, ctx, mode, shape, args, [args.weight, ...io]);
}

/** Arguments of {@link encodeHeadRmsNorm} (Qwen3's q/k norm). */
export interface HeadRmsNormArgs {
  readonly numTokens: number;
  readonly numHeads: number;
  readonly headDim: number;
  /** `[headDim]` f32 weight shared by all heads. */
  readonly weight: BufferRef;
  readonly eps: number;
  /** Normalised in place: token t's heads start at `t * rowStride + colOffset`. */
  readonly x: BufferRef;
  /** Floats per token in `x`; defaults to `numHeads * headDim` (a q or k buffer of its own). */
  readonly rowStride?: number;
  /** Where the heads start in each token's row (e.g. the k slice of a fused QKV buffer). */
  readonly colOffset?: number;
  /** Overrides the adapter's default, as in {@link RmsNormArgs}. */
  readonly layout?: RmsNormLayout;
}

/** Records per-head RMSNorm over `headDim`, in place (Qwen3 `q_norm` / `k_norm`). */
export function encodeHeadRmsNorm(pass: GPUComputePassEncoder, ctx: KernelContext, args: HeadRmsNormArgs) {
  const { numTokens, numHeads, headDim } = args;
  const stride = args.rowStride ?? numHeads * headDim;
  const offset = args.colOffset ?? 0;
  const shape = {
    rows: numTokens * numHeads,
    heads: numHeads,
    width: headDim,
    rowStride: stride,
    colOffset: offset,
  };
  dispatchNorm(pass, ctx, "inplace", shape, args, [args.weight, args.x]);
}

interface NormShape {
  readonly rows: number;
  readonly heads: number;
  readonly width: number;
  readonly rowStride: number;
  readonly colOffset: number;
}

function dispatchNorm(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  mode: RmsNormMode,
  shape: NormShape,
  options: { readonly eps: number; readonly layout?: RmsNormLayout | undefined },
  resources: BufferRef[],
): void {
  const layout = options.layout ?? (isCpuAdapter(ctx.gpu) ? "thread-per-row" : "workgroup-per-row");
  const perThread = layout === "thread-per-row";
  const key = `ops.rms_norm/${mode}/${perThread ? `rows${RMS_NORM_ROWS_PER_WG}` : `wg${RMS_NORM_WG}`}`;
  const pipeline = getShaderPipeline(ctx.device, key, () => rmsNormWgsl(mode, layout));
  const uniforms = new UniformWriter()
    .u32(shape.rows)
    .u32(shape.heads)
    .u32(shape.width)
    .u32(shape.rowStride)
    .u32(shape.colOffset)
    .f32(options.eps)
    .finish();
  const groups = perThread ? grid(Math.ceil(shape.rows / RMS_NORM_ROWS_PER_WG)) : grid(shape.rows);
  ctx.dispatch(pass, pipeline, uniforms, resources, groups);
}
