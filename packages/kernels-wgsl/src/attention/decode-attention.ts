import { vec4Count } from "../cache/kv-cache-layout.js";
import type { PagodaDevice } from "../device/request-device.js";
import { isCpuAdapter } from "../runtime/adapter.js";
import { grid } from "../runtime/grid.js";
import type { KernelContext } from "../runtime/kernel-context.js";
import { KernelError } from "../runtime/kernel-error.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { type AttentionArgs, checkAttentionArgs } from "./attention-args.js";
import { DECODE_WORKGROUP, decodeAttentionWgsl, decodeHeadsPerThread } from "./decode-attention.wgsl.js";
import { planDecode, workspaceLayout } from "./decode-plan.js";
import { decodeReduceWgsl, REDUCE_WORKGROUP } from "./decode-reduce.wgsl.js";
import { DECODE_THREAD_WORKGROUP, decodeThreadWgsl } from "./decode-thread.wgsl.js";

/** Decode kernel kind: split-K workgroups per kv head (GPUs) or a thread per query head (CPU adapters). */
export type DecodeKernel = "split-k" | "thread-per-head";

/**
 * The decode kernel for `gpu`: on a CPU adapter (lavapipe) a thread per (sequence, query head)
 * avoids the barriers that dominate split-K's short-context cost there; GPUs want split-K.
 */
export function defaultDecodeKernel(gpu: PagodaDevice): DecodeKernel {
  return isCpuAdapter(gpu) ? "thread-per-head" : "split-k";
}

/** Arguments of {@link encodeDecodeAttention}. */
export interface DecodeAttentionArgs extends AttentionArgs {
  /**
   * Scratch for split-K partials, at least `planDecode(shape, numSeqs, maxSeqLen).workspaceBytes`
   * (size it once with the largest batch and context: the plan grows with both). Needed only
   * when the context spans more than one partition.
   */
  readonly workspace?: GPUBuffer;
  /** Context tokens per partition; default 256. Smaller means more workgroups in flight. */
  readonly partitionSize?: number;
  /** Overrides {@link defaultDecodeKernel}; thread-per-head needs no workspace. */
  readonly decodeKernel?: DecodeKernel;
}

/**
 * Records paged attention for the sequences whose query length is 1 (decode). Split-K: one
 * workgroup per (kv head, sequence, context partition), then, when the context spans several
 * partitions, a merge of the partitions' softmax statistics. Thread-per-head: one invocation per
 * (sequence, query head) over the whole context. Rows of longer queries are left untouched.
 *
 * @example
 * const plan = planDecode(shape, maxNumSeqs, maxModelLen);
 * const workspace = createStorageBuffer(device, "attn.workspace", plan.workspaceBytes);
 * encodeDecodeAttention(pass, ctx, { ...shape, q, keyCache, valueCache, blockTables, seqLens,
 *   queryStartLoc, out, numSeqs, numTokens: numSeqs, maxSeqLen, workspace });
 */
export function encodeDecodeAttention(
  pass: GPUComputePassEncoder,
  ctx: KernelContext,
  args: DecodeAttentionArgs,
): void {
  checkAttentionArgs(args);
  const { numSeqs, numHeads, numKvHeads, headDim, blockSize, maxBlocksPerSeq, scale } = args;
  if (numSeqs === 0 || args.maxSeqLen === 0) return;
  const plan = planDecode(args, numSeqs, args.maxSeqLen, args.partitionSize);
  const split = plan.numParts > 1;
  const uniforms = new UniformWriter()
    .u32(numSeqs)
    .u32(numHeads)
    .u32(numKvHeads)
    .u32(headDim / 4)
    .u32(blockSize)
    .u32(maxBlocksPerSeq)
    .u32(plan.partSize)
    .u32(plan.numParts)
    .f32(scale)
    .u32(vec4Count("qRowStride", args.qRowStride ?? numHeads * headDim))
    .u32(vec4Count("qColOffset", args.qColOffset ?? 0))
    .finish();
  const inputs = [args.q, args.keyCache, args.valueCache, args.blockTables, args.seqLens, args.queryStartLoc];
  const dtype = args.cacheDtype ?? "f32";
  if ((args.decodeKernel ?? defaultDecodeKernel(ctx.gpu)) === "thread-per-head") {
    const key = `attention.decode_thread/kv-${dtype}/vec4/wg${DECODE_THREAD_WORKGROUP}`;
    const pipeline = getShaderPipeline(ctx.device, key, () => decodeThreadWgsl(dtype));
    const groups = Math.ceil((numSeqs * numHeads) / DECODE_THREAD_WORKGROUP);
    ctx.dispatch(pass, pipeline, uniforms, [...inputs, args.out], grid(groups));
    return;
  }
  const heads = decodeHeadsPerThread(numHeads / numKvHeads);
  const variant = `attention.decode/kv-${dtype}/vec4/h${heads}/wg${DECODE_WORKGROUP}`;
  if (!split) {
    const pipeline = getShaderPipeline(ctx.device, `${variant}/direct`, () =>
      decodeAttentionWgsl(false, dtype, heads),
    );
    ctx.dispatch(pass, pipeline, uniforms, [...inputs, args.out], [numKvHeads, numSeqs, 1]);
    return;
  }
  const workspace = args.workspace;
  const layout = workspaceLayout(workspace?.size ?? 0, headDim);
  if (!workspace || layout.rows < plan.partialRows) {
    throw new KernelError(
      "attention.workspace_too_small",
      `decode attention over ${plan.numParts} partitions needs a workspace of ${plan.workspaceBytes} bytes, ` +
        `got ${workspace ? workspace.size : "none"}`,
      { details: { ...plan } },
    );
  }
  const partOut = { buffer: workspace, offset: 0, size: layout.statsOffset };
  const partStats = { buffer: workspace, offset: layout.statsOffset, size: layout.statsBytes };
  const pipeline = getShaderPipeline(ctx.device, `${variant}/split`, () =>
    decodeAttentionWgsl(true, dtype, heads),
  );
  ctx.dispatch(
    pass,
    pipeline,
    uniforms,
    [...inputs, partOut, partStats],
    [numKvHeads, numSeqs, plan.numParts],
  );
  const reduce = getShaderPipeline(ctx.device, `attention.decode_reduce/f32/vec4/wg${REDUCE_WORKGROUP}`, () =>
    decodeReduceWgsl(),
  );
  const reduceUniforms = new UniformWriter()
    .u32(numSeqs)
    .u32(numHeads)
    .u32(headDim / 4)
    .u32(plan.numParts)
    .u32(plan.partSize)
    .finish();
  ctx.dispatch(
    pass,
    reduce,
    reduceUniforms,
    [partOut, partStats, args.seqLens, args.queryStartLoc, args.out],
    [numHeads, numSeqs],
  );
}
