import type { KernelContext, PagodaDevice } from "@pagoda/kernels-wgsl";
import { encodeLmHeadRows, type ForwardResources } from "./encode-forward.js";
import type { GpuBuffers } from "./gpu-buffers.js";

// The read-back buffer holds at most this many bytes of logits: with a large vocabulary a pass
// takes fewer rows rather than a buffer of maxNumSeqs full rows.
const MAX_READBACK_BYTES = 16 * 1024 * 1024;

/**
 * The LM head over batch rows that do not sample (prompt log-probabilities), after a step:
 * each pass writes its rows into the step's sampling-row region (so the forward pass's bind
 * groups stay valid), projects them from the step's last activations, and reads the logits
 * back. The read-back buffer is made on first use: executors never asked for prompt
 * log-probabilities make none.
 */
export class GpuPromptLogits {
  /** Rows one pass takes. */
  readonly maxRows: number;
  private readback: GPUBuffer | null = null;

  constructor(
    private readonly gpu: PagodaDevice,
    private readonly ctx: KernelContext,
    private readonly buffers: GpuBuffers,
    private readonly forward: ForwardResources,
    private readonly vocab: number,
    maxNumSeqs: number,
  ) {
    this.maxRows = Math.max(1, Math.min(maxNumSeqs, Math.floor(MAX_READBACK_BYTES / (vocab * 4))));
  }

  /**
   * `[rows.length, vocab]` logits of batch rows `rows` (at most {@link maxRows}) of the step
   * that just ran; call only once that step's work was read back.
   */
  async logitsOf(rows: Int32Array): Promise<Float32Array> {
    const { device } = this.gpu;
    const region = this.forward.inputs.sampleRows;
    device.queue.writeBuffer(region.buffer, region.offset ?? 0, rows);
    const bytes = rows.length * this.vocab * 4;
    this.readback ??= this.buffers.readback("promptLogits.readback", this.maxRows * this.vocab * 4);
    this.ctx.reset();
    const encoder = device.createCommandEncoder({ label: "promptLogits" });
    const pass = encoder.beginComputePass({ label: "promptLogits.lmHead" });
    encodeLmHeadRows(pass, this.ctx, this.forward, undefined, rows.length, region);
    pass.end();
    encoder.copyBufferToBuffer(this.forward.acts.logits, 0, this.readback, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await this.readback.mapAsync(GPUMapMode.READ, 0, bytes);
    try {
      return new Float32Array(this.readback.getMappedRange(0, bytes).slice(0));
    } finally {
      this.readback.unmap();
    }
  }
}
