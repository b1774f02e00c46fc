import { SamplingError } from "./sampling-error.js";

/** A run of whole `[vocab]` rows small enough for one storage binding. */
export interface RowChunk {
  /** First row (sequence) of the chunk. */
  readonly seqStart: number;
  readonly numSeqs: number;
  /** Binding range in bytes; the offset is a multiple of the device's offset alignment. */
  readonly byteOffset: number;
  readonly byteSize: number;
  /** f32 index of the chunk's first row inside the bound range. */
  readonly rowBase: number;
}

/**
 * Splits `numSeqs` rows of `vocab` f32 into chunks whose binding fits `maxBindingBytes`
 * (256 sequences × 151,936 logits is 155 MB, over the 128 MiB the software adapter binds).
 */
export function rowChunks(
  numSeqs: number,
  vocab: number,
  maxBindingBytes: number,
  alignment: number,
): RowChunk[] {
  const rowBytes = vocab * 4;
  if (rowBytes + alignment > maxBindingBytes) {
    throw new SamplingError(
      "sampling.row_too_large",
      `a row of ${vocab} logits (${rowBytes} B) does not fit one binding of ${maxBindingBytes} B`,
    );
  }
  const chunks: RowChunk[] = [];
  for (let seqStart = 0; seqStart < numSeqs; ) {
    const start = seqStart * rowBytes;
    const byteOffset = Math.floor(start / alignment) * alignment;
    const lead = start - byteOffset;
    const rows = Math.min(numSeqs - seqStart, Math.floor((maxBindingBytes - lead) / rowBytes));
    chunks.push({ seqStart, numSeqs: rows, byteOffset, byteSize: lead + rows * rowBytes, rowBase: lead / 4 });
    seqStart += rows;
  }
  return chunks;
}
