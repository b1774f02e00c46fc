import type { FlatBatch } from "../batch/flat-batch.js";
import type { ExecutorSizes } from "../model/sizes.js";
import type { GpuBuffers } from "./gpu-buffers.js";

/** Where the kernels read one step's metadata: fixed ranges of one buffer, so bind groups never change. */
export interface StepRegions {
  /** `[numTokens]` i32 */
  readonly tokenIds: GPUBufferBinding;
  /** `[numTokens]` i32 */
  readonly positions: GPUBufferBinding;
  /** `[numTokens]` i32 */
  readonly slotMapping: GPUBufferBinding;
  /** `[numSeqs + 1]` i32 */
  readonly queryStartLoc: GPUBufferBinding;
  /** `[numSeqs]` i32 */
  readonly seqLens: GPUBufferBinding;
  /** `[numSeqs, tableWidth]` i32, padded with the null block 0 */
  readonly blockTables: GPUBufferBinding;
  /** `[numLogitRows]` u32: the batch rows that reach the LM head (`FlatBatch.logitRows`) */
  readonly sampleRows: GPUBufferBinding;
}

/** Sampling inputs that travel in the same upload, to land in the sampling kernels' buffers. */
export interface SamplingUpload {
  readonly params: Uint32Array;
  readonly history: Uint32Array;
  readonly paramsBuffer: GPUBuffer;
  readonly historyBuffer: GPUBuffer;
}

interface Section {
  readonly data: ArrayLike<number>;
  readonly dst: GPUBuffer;
  readonly dstOffset: number;
}

/**
 * One step's host metadata: packed back to back into one staging `ArrayBuffer`, uploaded with a
 * single `writeBuffer`, then spread by GPU copies (recorded first in the step's command buffer)
 * into the fixed regions the kernels bind and into the sampling buffers.
 */
export class StepInputs {
  readonly regions: StepRegions;
  private readonly meta: GPUBuffer;
  private upload: GPUBuffer;
  private staging = new Int32Array(0);

  constructor(
    private readonly buffers: GpuBuffers,
    sizes: ExecutorSizes,
  ) {
    const align = buffers.device.limits.minStorageBufferOffsetAlignment;
    const { maxNumBatchedTokens: t, maxNumSeqs: s } = sizes;
    const words = [t, t, t, s + 1, s, s * sizes.maxBlocksPerSeq, sizes.maxLogitRows];
    const offsets: number[] = [];
    let end = 0;
    for (const n of words) {
      offsets.push(end);
      end = Math.ceil((end + n * 4) / align) * align;
    }
    this.meta = buffers.storage("step.metadata", end);
    const at = (i: number): GPUBufferBinding => ({
      buffer: this.meta,
      offset: offsets[i] as number,
      size: (words[i] as number) * 4,
    });
    this.regions = {
      tokenIds: at(0),
      positions: at(1),
      slotMapping: at(2),
      queryStartLoc: at(3),
      seqLens: at(4),
      blockTables: at(5),
      sampleRows: at(6),
    };
    this.upload = buffers.upload("step.upload", end);
  }

  /**
   * Packs `batch` (block tables cut to `tableWidth` columns) and the sampling inputs, uploads
   * them, and records the copies into place on `encoder`.
   */
  write(encoder: GPUCommandEncoder, batch: FlatBatch, tableWidth: number, sampling: SamplingUpload): void {
    const r = this.regions;
    const sections: Section[] = [
      { data: batch.tokenIds, dst: this.meta, dstOffset: r.tokenIds.offset ?? 0 },
      { data: batch.positions, dst: this.meta, dstOffset: r.positions.offset ?? 0 },
      { data: batch.slotMapping, dst: this.meta, dstOffset: r.slotMapping.offset ?? 0 },
      { data: batch.queryStartLoc, dst: this.meta, dstOffset: r.queryStartLoc.offset ?? 0 },
      { data: batch.seqLens, dst: this.meta, dstOffset: r.seqLens.offset ?? 0 },
      { data: cutTables(batch, tableWidth), dst: this.meta, dstOffset: r.blockTables.offset ?? 0 },
      { data: batch.logitRows, dst: this.meta, dstOffset: r.sampleRows.offset ?? 0 },
      { data: sampling.params, dst: sampling.paramsBuffer, dstOffset: 0 },
      { data: sampling.history, dst: sampling.historyBuffer, dstOffset: 0 },
    ];
    const total = sections.reduce((n, s) => n + s.data.length, 0);
    if (this.staging.length < total) this.staging = new Int32Array(Math.max(total, 2 * this.staging.length));
    if (this.upload.size < total * 4) {
      this.buffers.release(this.upload);
      this.upload = this.buffers.upload("step.upload", Math.max(total * 4, 2 * this.upload.size));
    }
    let word = 0;
    for (const s of sections) {
      this.staging.set(s.data, word);
      word += s.data.length;
    }
    this.buffers.device.queue.writeBuffer(this.upload, 0, this.staging.buffer, 0, total * 4);
    word = 0;
    for (const s of sections) {
      const bytes = s.data.length * 4;
      if (bytes > 0) encoder.copyBufferToBuffer(this.upload, word * 4, s.dst, s.dstOffset, bytes);
      word += s.data.length;
    }
  }
}

// FlatBatch pads every row to the longest block table; attention needs only the blocks that hold
// the sequence's tokens, so rows are cut to `width` columns.
function cutTables(batch: FlatBatch, width: number): Int32Array {
  if (width === batch.maxBlocksPerSeq) return batch.blockTables;
  const out = new Int32Array(batch.numSeqs * width);
  for (let s = 0; s < batch.numSeqs; s++) {
    const row = s * batch.maxBlocksPerSeq;
    out.set(batch.blockTables.subarray(row, row + width), s * width);
  }
  return out;
}
