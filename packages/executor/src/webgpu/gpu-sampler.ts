import {
  createSamplingBuffers,
  decodeSamplingOutput,
  encodeSampling,
  type KernelContext,
  NO_HISTORY,
  OUTPUT_WORDS,
  packSamplingInputs,
  type SampleResult,
  type SamplingBuffers,
  type TokenHistory,
} from "@pagoda/kernels-wgsl";
import type { RequestState } from "../batch/request-states.js";
import { kernelParams } from "../batch/sampling.js";
import type { GpuBuffers } from "./gpu-buffers.js";
import type { SamplingUpload } from "./step-inputs.js";

// History tokens the buffer starts with; it doubles when a batch with penalties needs more.
const INITIAL_HISTORY_TOKENS = 64 * 1024;

/**
 * Sampling on the GPU with the sampling kernels, and the one read-back of a step: the `SampleOut`
 * records of the sampled rows, copied into a mappable buffer made once.
 */
export class GpuSampler {
  private sampling: SamplingBuffers;
  private readonly readback: GPUBuffer;

  constructor(
    private readonly buffers: GpuBuffers,
    private readonly vocab: number,
    maxSeqs: number,
  ) {
    this.sampling = createSamplingBuffers(buffers.device, {
      maxSeqs,
      vocab,
      maxHistoryTokens: INITIAL_HISTORY_TOKENS,
      label: "sampling",
    });
    const { params, history, scores, counts, output } = this.sampling;
    for (const b of [params, history, scores, counts, output]) buffers.adopt(b);
    this.readback = buffers.readback("sampling.readback", maxSeqs * OUTPUT_WORDS * 4);
  }

  /**
   * The sampling inputs of `requests` (in sampling-row order) for the step's upload. Only
   * requests with a penalty send their token history: without one the kernels never read it.
   */
  pack(requests: readonly RequestState[]): SamplingUpload {
    // A grammar's mask reaches the kernels as its packed bitmask (vocab / 32 words in the
    // history buffer), which they apply before anything else.
    const params = requests.map((r) =>
      r.tokenMask ? { ...kernelParams(r), tokenMask: r.tokenMask } : kernelParams(r),
    );
    const histories = requests.map((r): TokenHistory => {
      const p = r.params;
      const penalized = p.repetitionPenalty !== 1 || p.presencePenalty !== 0 || p.frequencyPenalty !== 0;
      return penalized ? { tokens: r.tokenIds, numPromptTokens: r.numPromptTokens } : NO_HISTORY;
    });
    const packed = packSamplingInputs(params, histories, this.vocab);
    if (packed.history.length > this.sampling.maxHistoryTokens) this.growHistory(packed.history.length);
    return {
      params: packed.params,
      history: packed.history,
      paramsBuffer: this.sampling.params,
      historyBuffer: this.sampling.history,
    };
  }

  /**
   * Uploads `requests`' sampling inputs straight through the queue, for a sampling pass
   * submitted after the forward pass (late token masks): queue order puts the writes after the
   * step's first submission and before the sampling one.
   */
  upload(requests: readonly RequestState[]): void {
    const { params, history, paramsBuffer, historyBuffer } = this.pack(requests);
    const { queue } = this.buffers.device;
    queue.writeBuffer(paramsBuffer, 0, params);
    if (history.length > 0) queue.writeBuffer(historyBuffer, 0, history);
  }

  /**
   * Records penalties, the token choice and, when `logprobs`, log-probabilities for the first
   * `numSeqs` rows of `logits`.
   */
  encode(
    pass: GPUComputePassEncoder,
    ctx: KernelContext,
    logits: GPUBuffer,
    numSeqs: number,
    logprobs: boolean,
  ): void {
    if (numSeqs > 0) encodeSampling(pass, ctx, { logits, buffers: this.sampling, numSeqs, logprobs });
  }

  /** Records the copy of `numSeqs` output records into the read-back buffer (after the pass). */
  recordReadback(encoder: GPUCommandEncoder, numSeqs: number): void {
    if (numSeqs > 0)
      encoder.copyBufferToBuffer(this.sampling.output, 0, this.readback, 0, this.bytes(numSeqs));
  }

  /** Maps the read-back buffer once the step's work is done and decodes the records. */
  async read(numSeqs: number): Promise<SampleResult[]> {
    if (numSeqs === 0) return [];
    const bytes = this.bytes(numSeqs);
    await this.readback.mapAsync(GPUMapMode.READ, 0, bytes);
    try {
      return decodeSamplingOutput(this.readback.getMappedRange(0, bytes), numSeqs);
    } finally {
      this.readback.unmap();
    }
  }

  private bytes(numSeqs: number): number {
    return numSeqs * OUTPUT_WORDS * 4;
  }

  private growHistory(tokens: number): void {
    const size = Math.max(tokens, 2 * this.sampling.maxHistoryTokens);
    this.buffers.release(this.sampling.history);
    const history = this.buffers.storage("sampling.history", size * 4);
    this.sampling = { ...this.sampling, history, maxHistoryTokens: size };
  }
}
