import { grid } from "../runtime/grid.js";
import type { KernelContext } from "../runtime/kernel-context.js";
import { getShaderPipeline } from "../runtime/pipeline-cache.js";
import { UniformWriter } from "../runtime/uniforms.js";
import { rowChunks } from "./row-chunks.js";
import type { SamplingBuffers } from "./sampling-buffers.js";
import { SamplingError } from "./sampling-error.js";
import { SAMPLING_WG } from "./wgsl/common.wgsl.js";
import { LOGPROBS_WGSL } from "./wgsl/logprobs.wgsl.js";
import { PENALIZE_WGSL } from "./wgsl/penalize.wgsl.js";
import { SAMPLE_WGSL } from "./wgsl/sample.wgsl.js";

/** Arguments of {@link encodeSampling}. */
export interface SamplingArgs {
  /** Raw logits `[numSeqs, vocab]` f32, row 0 at byte 0. */
  readonly logits: GPUBuffer;
  /** Inputs written by `writeSamplingInputs`, workspaces and the output. */
  readonly buffers: SamplingBuffers;
  readonly numSeqs: number;
  /** Largest binding to use; defaults to the device limit (tests force splits). */
  readonly maxBindingBytes?: number;
  /**
   * False skips the logprobs pass when no row asks for log-probabilities: the records' logprob,
   * rank and top fields are then left as they were (a full vocabulary scan saved). Default true.
   */
  readonly logprobs?: boolean;
}

/**
 * Records sampling for a batch: penalties (+ temperature) into `buffers.scores`, the token
 * choice, then raw logprobs, into `buffers.output` (`SampleOut` records, see `layout.ts`).
 * Rows are split into several dispatches when `[numSeqs, vocab]` outgrows one binding.
 *
 * @example
 * writeSamplingInputs(device, buffers, params, histories);
 * ctx.submit((pass) => encodeSampling(pass, ctx, { logits, buffers, numSeqs: params.length }));
 * const results = await readSamplingOutput(device, buffers, params.length);
 */
export function encodeSampling(pass: GPUComputePassEncoder, ctx: KernelContext, args: SamplingArgs): void {
  const { logits, buffers, numSeqs } = args;
  const { vocab } = buffers;
  if (!Number.isInteger(numSeqs) || numSeqs < 0 || numSeqs > buffers.maxSeqs) {
    throw new SamplingError("sampling.bad_batch", `numSeqs ${numSeqs} is not in [0, ${buffers.maxSeqs}]`);
  }
  if (logits.size < numSeqs * vocab * 4) {
    throw new SamplingError(
      "sampling.logits_too_small",
      `${logits.label}: ${logits.size} B for ${numSeqs} × ${vocab} f32 logits`,
    );
  }
  const { device } = ctx;
  const wg = `wg${SAMPLING_WG}`;
  const penalize = getShaderPipeline(device, `sampling.penalize/${wg}`, () => PENALIZE_WGSL);
  const sample = getShaderPipeline(device, `sampling.sample/${wg}`, () => SAMPLE_WGSL);
  const logprobs = getShaderPipeline(device, `sampling.logprobs/${wg}`, () => LOGPROBS_WGSL);
  const maxBinding = args.maxBindingBytes ?? device.limits.maxStorageBufferBindingSize;
  const align = device.limits.minStorageBufferOffsetAlignment;
  for (const chunk of rowChunks(numSeqs, vocab, maxBinding, align)) {
    const uniforms = new UniformWriter()
      .u32(chunk.numSeqs)
      .u32(vocab)
      .u32(chunk.seqStart)
      .u32(chunk.rowBase)
      .finish();
    const range = (buffer: GPUBuffer) => ({ buffer, offset: chunk.byteOffset, size: chunk.byteSize });
    const workgroups = grid(chunk.numSeqs);
    const { params, history, scores, counts, output } = buffers;
    ctx.dispatch(
      pass,
      penalize,
      uniforms,
      [range(logits), params, history, range(scores), range(counts)],
      workgroups,
    );
    ctx.dispatch(pass, sample, uniforms, [range(scores), params, output], workgroups);
    if (args.logprobs !== false)
      ctx.dispatch(pass, logprobs, uniforms, [range(logits), params, output, history], workgroups);
  }
}
