import { grid } from "../runtime/grid.js";
import { type BufferRef, type KernelContext, requireBytes } from "../runtime/kernel-context.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { RMS_NORM_WG, type RmsNormMode, rmsNormWgsl } from "./rms-norm.wgsl.js";

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
  dispatchNorm(pass, ctx, mode, args.numTokens, 1, args.width, args.width, 0, args.eps, [args.weight, ...io]);
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
}

/** Records per-head RMSNorm over `headDim`, in place (Qwen3 `q_norm` / `k_norm`). */
export function encodeHeadRmsNorm(pass: GPUComputePassEncoder, ctx: KernelContext, args: HeadRmsNormArgs) {
  const { numTokens, numHeads, headDim } = args;
  const stride = args.rowStride ?? numHeads * headDim;
  const offset = args.colOffset ?? 0;
  dispatchNorm(pass, ctx, "inplace", numTokens * numHeads, numHeads, headDim, stride, offset, args.eps, [
    args.weight,
    args.x,
  ]);
}

function dispatchNorm(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  mode: RmsNormMode,
  rows: number,
  heads: number,
  width: number,
  rowStride: number,
  colOffset: number,
  eps: number,
  resources: BufferRef[],
): void {
  const pipeline = getShaderPipeline(ctx.device, `ops.rms_norm/${mode}/wg${RMS_NORM_WG}`, () =>
    rmsNormWgsl(mode),
  );
  const uniforms = new UniformWriter().u32(rows).u32(heads).u32(width).u32(rowStride).u32(colOffset).f32(eps);
  ctx.dispatch(pass, pipeline, uniforms.finish(), resources, grid(rows));
}
