import type { PagodaDevice } from "@pagoda/kernels-wgsl";
import type { GpuBuffers } from "./gpu-buffers.js";

// The read-back buffer holds at most this many bytes of logits: with a large vocabulary the rows
// come back in several copies rather than through one buffer of every draft row.
const MAX_READBACK_BYTES = 16 * 1024 * 1024;

/**
 * Reads back the logits rows of requests with drafts after a step, for the host to verify the
 * drafts with the shared verifier (the sampling kernels stay one row per sequence). The rows lie
 * after the sampling rows in the step's `logits` buffer, which stays valid until the next step.
 * The read-back buffer is made on first use: executors never given drafts make none.
 */
export class GpuSpecLogits {
  private readonly rowsPerCopy: number;
  private readback: GPUBuffer | null = null;

  constructor(
    private readonly gpu: PagodaDevice,
    private readonly buffers: GpuBuffers,
    private readonly logits: GPUBuffer,
    private readonly vocab: number,
  ) {
    this.rowsPerCopy = Math.max(1, Math.floor(MAX_READBACK_BYTES / (vocab * 4)));
  }

  /** `[numRows, vocab]` logits from row `firstRow` of the step just submitted. */
  async read(firstRow: number, numRows: number): Promise<Float32Array> {
    const { device } = this.gpu;
    const rowBytes = this.vocab * 4;
    const out = new Float32Array(numRows * this.vocab);
    this.readback ??= this.buffers.readback("specLogits.readback", this.rowsPerCopy * rowBytes);
    const readback = this.readback;
    for (let at = 0; at < numRows; at += this.rowsPerCopy) {
      const rows = Math.min(this.rowsPerCopy, numRows - at);
      const encoder = device.createCommandEncoder({ label: "specLogits" });
      encoder.copyBufferToBuffer(this.logits, (firstRow + at) * rowBytes, readback, 0, rows * rowBytes);
      device.queue.submit([encoder.finish()]);
      await readback.mapAsync(GPUMapMode.READ, 0, rows * rowBytes);
      try {
        out.set(new Float32Array(readback.getMappedRange(0, rows * rowBytes)), at * this.vocab);
      } finally {
        readback.unmap();
      }
    }
    return out;
  }
}
