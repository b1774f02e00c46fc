import { KernelError } from "../runtime/kernel-error.js";
import type { AttentionShape } from "./attention-shape.js";
import { DECODE_MAX_PARTITION, DECODE_SCORES, DECODE_WORKGROUP } from "./decode-attention.wgsl.js";

/** The default context tokens per decode partition (flash-decoding split). */
export const DEFAULT_DECODE_PARTITION = 256;

/** How split-K decode attention divides a batch's context and where its partials go. */
export interface DecodePlan {
  /** Context tokens per partition (one workgroup per sequence, kv head and partition). */
  readonly partSize: number;
  readonly numParts: number;
  /** Partial rows (sequence × head × partition) the split needs; 0 with one partition. */
  readonly partialRows: number;
  /** Workspace bytes for the partial outputs and statistics (0 with one partition). */
  readonly workspaceBytes: number;
}

/** Bytes of one partial row: `headDim` f32 outputs and the (max, sum) pair. */
function partialRowBytes(headDim: number): number {
  return headDim * 4 + 8;
}

/**
 * How a workspace of `bytes` is split into partial outputs and statistics. It depends on the
 * buffer's size alone, not on the batch, so a step reuses the last step's bind group.
 */
export function workspaceLayout(bytes: number, headDim: number) {
  const rows = Math.max(0, Math.floor((bytes - 256) / partialRowBytes(headDim)));
  const statsOffset = Math.ceil((rows * headDim * 4) / 256) * 256;
  return { rows, statsOffset, statsBytes: bytes - statsOffset };
}

type PlanShape = Pick<AttentionShape, "numHeads" | "numKvHeads" | "headDim">;

/**
 * Plans decode attention over `numSeqs` sequences of at most `maxSeqLen` tokens. The partition
 * is `partitionSize` (default 256) capped so the GQA group's scores fit workgroup memory.
 */
export function planDecode(
  shape: PlanShape,
  numSeqs: number,
  maxSeqLen: number,
  partitionSize = DEFAULT_DECODE_PARTITION,
): DecodePlan {
  const group = shape.numHeads / shape.numKvHeads;
  if (group > DECODE_WORKGROUP) {
    throw new KernelError(
      "attention.bad_heads",
      `GQA group of ${group} query heads per kv head is over the decode kernel's ${DECODE_WORKGROUP}`,
    );
  }
  if (!Number.isInteger(partitionSize) || partitionSize <= 0) {
    throw new KernelError("attention.bad_partition", `partitionSize must be positive, got ${partitionSize}`);
  }
  const partSize = Math.min(partitionSize, DECODE_MAX_PARTITION, Math.floor(DECODE_SCORES / group));
  const numParts = Math.max(1, Math.ceil(maxSeqLen / partSize));
  if (numParts === 1) return { partSize, numParts, partialRows: 0, workspaceBytes: 0 };
  const partialRows = numSeqs * shape.numHeads * numParts;
  // 256 spare bytes let the statistics start 256-aligned (a storage binding's offset rule).
  return {
    partSize,
    numParts,
    partialRows,
    workspaceBytes: partialRows * partialRowBytes(shape.headDim) + 256,
  };
}
