import { checkKvCacheLayout, type KvCacheLayout } from "../cache/kv-cache-layout.js";
import { KernelError } from "../runtime/kernel-error.js";

/**
 * Model and batch dimensions of one paged-attention call. q is `[numTokens, numHeads*headDim]`,
 * the caches `[numBlocks, numKvHeads, blockSize, headDim]`, block tables `[numSeqs, maxBlocksPerSeq]`.
 */
export interface AttentionShape extends KvCacheLayout {
  readonly numHeads: number;
  /** Row stride of the block table (entries past a sequence's blocks are padding, 0). */
  readonly maxBlocksPerSeq: number;
  /** Softmax scale applied to q·k; a model usually passes `1 / Math.sqrt(headDim)`. */
  readonly scale: number;
}

/** Query heads that share one kv head (the GQA group size). */
export function groupSize(shape: AttentionShape): number {
  return shape.numHeads / shape.numKvHeads;
}

/** Throws a KernelError naming the bad value unless the shape is one the kernels handle. */
export function checkAttentionShape(shape: AttentionShape): void {
  checkKvCacheLayout(shape);
  const { numHeads, numKvHeads, maxBlocksPerSeq, scale } = shape;
  if (!Number.isInteger(numHeads) || numHeads <= 0 || numHeads % numKvHeads !== 0) {
    throw new KernelError(
      "attention.bad_heads",
      `numHeads ${numHeads} must be a positive multiple of numKvHeads ${numKvHeads}`,
      { details: { numHeads, numKvHeads } },
    );
  }
  if (!Number.isInteger(maxBlocksPerSeq) || maxBlocksPerSeq <= 0) {
    throw new KernelError(
      "attention.bad_block_table",
      `maxBlocksPerSeq must be positive, got ${maxBlocksPerSeq}`,
    );
  }
  if (!Number.isFinite(scale)) {
    throw new KernelError("attention.bad_scale", `scale must be a finite number, got ${scale}`);
  }
}
