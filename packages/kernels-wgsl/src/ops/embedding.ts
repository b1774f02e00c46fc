import { grid } from "../runtime/grid.js";
import { type BufferRef, type KernelContext, requireBytes } from "../runtime/kernel-context.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { halfLoads, weightKey } from "../runtime/weight-wgsl.js";
import type { WeightMatrix } from "../runtime/weights.js";
import { embeddingWgsl } from "./embedding.wgsl.js";

/** Arguments of {@link encodeEmbedding}. */
export interface EmbeddingArgs {
  /** `[numTokens]` i32 token ids. */
  readonly ids: BufferRef;
  readonly numTokens: number;
  /** `[vocab, hidden]`, F32, F16 or block-quantized, possibly split by rows. */
  readonly table: WeightMatrix;
  /** `[numTokens, hidden]` f32 output. Rows of ids outside `[0, vocab)` are zeroed. */
  readonly out: BufferRef;
}

/** Records `out[t, :] = table[ids[t], :]`, one dispatch per part of the table. */
export function encodeEmbedding(pass: GPUComputePassEncoder, ctx: KernelContext, args: EmbeddingArgs): void {
  const { table, numTokens } = args;
  const half = halfLoads(ctx.gpu.features);
  const count = numTokens * table.cols;
  requireBytes(args.ids, numTokens * 4, `embedding ${table.label} ids`);
  requireBytes(args.out, count * 4, `embedding ${table.label} out`);
  table.parts.forEach((part, i) => {
    // Per part: a table joined from segments may mix dtypes.
    const key = `ops.embedding/${weightKey(part.dtype, half)}/wg64x4`;
    const pipeline = getShaderPipeline(ctx.device, key, () => embeddingWgsl(part.dtype, half));
    const uniforms = new UniformWriter()
      .u32(count)
      .u32(table.cols)
      .u32(part.rowStart)
      .u32(part.rows)
      .u32(table.rows)
      .u32(i === 0 ? 1 : 0)
      .finish();
    ctx.dispatch(pass, pipeline, uniforms, [args.ids, part.buffer, args.out], grid(Math.ceil(count / 256)));
  });
}
