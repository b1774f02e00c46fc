import type { BufferRef } from "../runtime/kernel-context.js";
import { KernelError } from "../runtime/kernel-error.js";
import { type AttentionShape, checkAttentionShape } from "./attention-shape.js";

/**
 * Buffers and counts every paged-attention launcher takes. The per-step metadata (i32) are
 * those the executor builds: `blockTables [numSeqs, maxBlocksPerSeq]` padded with 0,
 * `seqLens [numSeqs]` (cached tokens after this step), `queryStartLoc [numSeqs + 1]`.
 */
export interface AttentionArgs extends AttentionShape {
  /** f32 queries, RoPE applied: token t's heads start at `t * qRowStride + qColOffset`. */
  readonly q: BufferRef;
  /** Elements between two tokens' q rows; default `numHeads * headDim` (e.g. `(H + 2 Hkv) * D` in a fused QKV). */
  readonly qRowStride?: number;
  /** Column where q starts in its row; default 0. */
  readonly qColOffset?: number;
  /** `[numBlocks, numKvHeads, blockSize, headDim]` of `cacheDtype`, this step's keys already written. */
  readonly keyCache: BufferRef;
  /** `[numBlocks, numKvHeads, blockSize, headDim]` of `cacheDtype`, this step's values already written. */
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
