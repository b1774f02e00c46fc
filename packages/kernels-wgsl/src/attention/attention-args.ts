import type { BufferRef } from "../runtime/kernel-context.js";
import { KernelError } from "../runtime/kernel-error.js";
import { type AttentionShape, checkAttentionShape } from "./attention-shape.js";

/**
 * Buffers and counts every paged-attention launcher takes. The per-step metadata (i32) are
 * those the executor builds: `blockTables [numSeqs, maxBlocksPerSeq]` padded with 0,
 * `seqLens [numSeqs]` (cached tokens after this step), `queryStartLoc [numSeqs + 1]`.
 */
export interface AttentionArgs extends AttentionShape {
  /** `[numTokens, numHeads * headDim]` f32 queries, RoPE applied. */
  readonly q: BufferRef;
  /** `[numBlocks, numKvHeads, blockSize, headDim]` f32, this step's keys already written. */
  readonly keyCache: BufferRef;
  /** `[numBlocks, numKvHeads, blockSize, headDim]` f32, this step's values already written. */
  readonly valueCache: BufferRef;
  readonly blockTables: BufferRef;
  readonly seqLens: BufferRef;
  readonly queryStartLoc: BufferRef;
  /** `[numTokens, numHeads * headDim]` f32 attention output. */
  readonly out: BufferRef;
  readonly numSeqs: number;
  readonly numTokens: number;
  /** The longest `seqLens` entry (host-side copy): sizes the decode grid. */
  readonly maxSeqLen: number;
}

/** Throws a KernelError naming the bad value unless the shape and counts are usable. */
export function checkAttentionArgs(args: AttentionArgs): void {
  checkAttentionShape(args);
  const { numSeqs, numTokens, maxSeqLen, maxBlocksPerSeq, blockSize } = args;
  for (const [name, value] of Object.entries({ numSeqs, numTokens, maxSeqLen })) {
    if (!Number.isInteger(value) || value < 0) {
      throw new KernelError("attention.bad_count", `${name} must be a count, got ${value}`);
    }
  }
  if (maxSeqLen > maxBlocksPerSeq * blockSize) {
    throw new KernelError(
      "attention.bad_seq_len",
      `maxSeqLen ${maxSeqLen} does not fit ${maxBlocksPerSeq} blocks of ${blockSize} tokens`,
      { details: { maxSeqLen, maxBlocksPerSeq, blockSize } },
    );
  }
}
