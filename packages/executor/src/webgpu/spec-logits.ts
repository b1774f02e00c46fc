import type { FlatBatch } from "../batch/flat-batch.js";
import type { RequestState } from "../batch/request-states.js";
import { draftState, takesPicks } from "../batch/verify-drafts.js";
import type { GpuBuffers } from "./gpu-buffers.js";

/** How the drafts of one step's spec sequences get verified; see {@link GpuSpecLogits.plan}. */
export interface SpecPlan {
  /** [specSeqs.length] true: the GPU sampling kernels pick row by row; false: the rows come back. */
  readonly picked: boolean[];
  /**
   * The sampling rows after the step's own, one per spec row (`draftState` of its position), when
   * some sequence is picked on the GPU; empty otherwise. Every spec row is sampled then (the rows
   * are contiguous), though only the picked sequences' choices are used.
   */
  readonly rowStates: RequestState[];
}

/**
 * The drafts' logits rows on their way to the host verifier, with no round trip of their own: a
 * greedy request without log-probabilities only needs each row's greedy choice, which the
 * sampling kernels make on the GPU (k + 1 records instead of k + 1 rows of logits); the other
 * requests' rows are copied into a read-back buffer in the step's own command buffer and mapped
 * with the sampled records. The read-back buffer is made, and grown, on first need.
 */
export class GpuSpecLogits {
  private readback: GPUBuffer | null = null;
  /** Where each spec sequence's rows start in the read-back buffer (-1: not copied). */
  private copiedAt: number[] = [];
  private copiedRows = 0;
  private numSpecRows = 0;

  constructor(
    private readonly buffers: GpuBuffers,
    private readonly logits: GPUBuffer,
    private readonly vocab: number,
  ) {}

  /** Decides, per spec sequence of `batch`, whether the GPU picks its tokens. */
  static plan(batch: FlatBatch): SpecPlan {
    const picked = batch.specSeqs.map((s) => takesPicks(batch.requests[s] as RequestState));
    if (!picked.some(Boolean)) return { picked, rowStates: [] };
    const rowStates = batch.specSeqs.flatMap((s, i) => {
      const r = batch.requests[s] as RequestState;
      const drafts = batch.specTokens[i] ?? [];
      return Array.from({ length: drafts.length + 1 }, (_, j) => draftState(r, drafts, j));
    });
    return { picked, rowStates };
  }

  /**
   * Records the copy of the rows of every sequence not picked on the GPU (spec rows start at
   * logits row `firstRow`) into the read-back buffer; after the forward pass, before `read`.
   */
  recordCopy(encoder: GPUCommandEncoder, batch: FlatBatch, plan: SpecPlan, firstRow: number): void {
    const rowBytes = this.vocab * 4;
    const starts = batch.specRowStart;
    this.numSpecRows = starts[starts.length - 1] ?? 0;
    this.copiedRows = 0;
    this.copiedAt = plan.picked.map((picked, i) => {
      if (picked) return -1;
      const at = this.copiedRows;
      this.copiedRows += (starts[i + 1] as number) - (starts[i] as number);
      return at;
    });
    if (this.copiedRows === 0) return;
    const readback = this.readbackFor(this.copiedRows * rowBytes);
    plan.picked.forEach((picked, i) => {
      if (picked) return;
      const rows = (starts[i + 1] as number) - (starts[i] as number);
      const src = (firstRow + (starts[i] as number)) * rowBytes;
      encoder.copyBufferToBuffer(
        this.logits,
        src,
        readback,
        (this.copiedAt[i] as number) * rowBytes,
        rows * rowBytes,
      );
    });
  }

  /**
   * The spec rows `[numSpecRows, vocab]` laid out as `batch.specRowStart` says, once the step's
   * work is done; only the copied sequences' rows are filled (empty when none was copied).
   */
  async read(batch: FlatBatch): Promise<Float32Array> {
    if (this.copiedRows === 0 || !this.readback) return new Float32Array(0);
    const { vocab } = this;
    const bytes = this.copiedRows * vocab * 4;
    const out = new Float32Array(this.numSpecRows * vocab);
    await this.readback.mapAsync(GPUMapMode.READ, 0, bytes);
    try {
      const mapped = new Float32Array(this.readback.getMappedRange(0, bytes));
      this.copiedAt.forEach((at, i) => {
        if (at < 0) return;
        const start = batch.specRowStart[i] as number;
        const rows = (batch.specRowStart[i + 1] as number) - start;
        out.set(mapped.subarray(at * vocab, (at + rows) * vocab), start * vocab);
      });
    } finally {
      this.readback.unmap();
    }
    return out;
  }

  private readbackFor(bytes: number): GPUBuffer {
    if (this.readback && this.readback.size >= bytes) return this.readback;
    // Doubling: a few buffers over a run whose batches of drafts grow, not one per new size.
    const size = Math.max(bytes, 2 * (this.readback?.size ?? 0));
    if (this.readback) this.buffers.release(this.readback);
    this.readback = this.buffers.readback("specLogits.readback", size);
    return this.readback;
  }
}
