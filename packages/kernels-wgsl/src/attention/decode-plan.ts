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
  /** Workspace bytes for the partial outputs and statistics (0 with one partition). */
  readonly workspaceBytes: number;
  /** Byte offset of the (max, sum) statistics in the workspace, 256-aligned. */
  readonly statsOffset: number;
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
  if (numParts === 1) return { partSize, numParts, workspaceBytes: 0, statsOffset: 0 };
  const rows = numSeqs * shape.numHeads * numParts;
  const statsOffset = Math.ceil((rows * shape.headDim * 4) / 256) * 256;
  return { partSize, numParts, workspaceBytes: statsOffset + rows * 8, statsOffset };
}
