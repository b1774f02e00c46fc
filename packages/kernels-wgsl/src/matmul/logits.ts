import { encodeGatherRows } from "../ops/elementwise.js";
import { encodeRmsNorm } from "../ops/rms-norm.js";
import type { BufferRef, KernelContext } from "../runtime/kernel-context.js";
import type { WeightMatrix } from "../runtime/weights.js";
import { encodeMatmul, type MatmulTuning } from "./matmul.js";

/** Arguments of {@link encodeLogits}. */
export interface LogitsArgs {
  readonly numSeqs: number;
  /** `[numSeqs]` u32: the row of each sequence's last scheduled token in `hidden`. */
  readonly lastTokenIndex: BufferRef;
  /** `[numTokens, width]` output of the last layer. */
  readonly hidden: BufferRef;
  /** `[numTokens, width]` residual stream, added to `hidden` before the norm when given. */
  readonly residual?: BufferRef;
  readonly width: number;
  /** `[width]` f32 final norm weight. */
  readonly normWeight: BufferRef;
  readonly eps: number;
  /** `[vocab, width]` (often the tied embedding table), split by rows when large. */
  readonly lmHead: WeightMatrix;
  /** Scratch, `[numSeqs, width]` f32 each. */
  readonly gathered: BufferRef;
  readonly normed: BufferRef;
  /** `[numSeqs, vocab]` f32. */
  readonly out: BufferRef;
  readonly tuning?: MatmulTuning;
}

/**
 * Records the logits of only the last token of each sequence: gather those rows (adding the
 * residual), apply the final RMSNorm, then the LM head matmul — the norm and the vocab-sized
 * matmul never touch the other tokens of a prefill.
 */
export function encodeLogits(pass: GPUComputePassEncoder, ctx: KernelContext, args: LogitsArgs): void {
  const { numSeqs, width } = args;
  encodeGatherRows(pass, ctx, {
    index: args.lastTokenIndex,
    numRows: numSeqs,
    width,
    src: args.hidden,
    ...(args.residual ? { residual: args.residual } : {}),
    out: args.gathered,
  });
  encodeRmsNorm(pass, ctx, {
    numTokens: numSeqs,
    width,
    weight: args.normWeight,
    eps: args.eps,
    x: args.gathered,
    out: args.normed,
  });
  encodeMatmul(pass, ctx, {
    numRows: numSeqs,
    x: args.normed,
    weight: args.lmHead,
    out: args.out,
    ...(args.tuning ? { tuning: args.tuning } : {}),
  });
}
