import { grid } from "../runtime/grid.js";
import { type BufferRef, type KernelContext, requireBytes } from "../runtime/kernel-context.js";
import { KernelError } from "../runtime/kernel-error.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { COPY_PER_THREAD, COPY_WG, COPY_WGSL } from "./copy.wgsl.js";

/** Arguments of {@link encodeCopy}. */
export interface CopyArgs {
  readonly src: BufferRef;
  readonly dst: BufferRef;
  /** f32 elements to copy; a multiple of 4. */
  readonly count: number;
}

/** Records `dst[0..count) = src[0..count)` (f32, vec4 loads): the benchmark's bandwidth ceiling. */
export function encodeCopy(pass: GPUComputePassEncoder, ctx: KernelContext, args: CopyArgs): void {
  if (args.count % 4 !== 0) {
    throw new KernelError("copy.bad_count", `copy count ${args.count} is not a multiple of 4`);
  }
  requireBytes(args.src, args.count * 4, "copy src");
  requireBytes(args.dst, args.count * 4, "copy dst");
  const pipeline = getShaderPipeline(
    ctx.device,
    `ops.copy/vec4x${COPY_PER_THREAD}/wg${COPY_WG}`,
    () => COPY_WGSL,
  );
  const uniforms = new UniformWriter().u32(args.count / 4).finish();
  ctx.dispatch(
    pass,
    pipeline,
    uniforms,
    [args.src, args.dst],
    grid(Math.ceil(args.count / 4 / (COPY_WG * COPY_PER_THREAD))),
  );
}
