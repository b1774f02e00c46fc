import {
  type ModelParamCounts,
  type ModelShape,
  modelParamCounts,
  type StepBatchShape,
  type StepCost,
  stepCost,
  validateModelShape,
} from "@pagoda/metrics";
import type { SimDevice } from "./sim-device.js";

/** The predicted time of one step and where it comes from. */
export interface StepTiming {
  readonly seconds: number;
  readonly cost: StepCost;
  /** flops ÷ the device's FLOP/s. */
  readonly computeSeconds: number;
  /** bytes ÷ the device's bandwidth. */
  readonly memorySeconds: number;
  /** Step plus per-sequence overhead. */
  readonly overheadSeconds: number;
  /** Swap-outs and swap-ins before the compute (0 unless the step moves blocks). */
  readonly swapSeconds: number;
}

/**
 * Step time from the roofline: `overhead + numSeqs · seqOverhead + max(flops / FLOP/s,
 * bytes / bandwidth)`, with FLOPs and bytes (weights, KV reads and writes) from
 * `@pagoda/metrics`' `stepCost`. Compute and memory traffic overlap within a step, so the slower
 * of the two sets the pace; the fixed costs do not overlap with either.
 *
 * @example
 * const m = new CostModel(LLAMA_2_7B, resolveDevice("a100-80gb"));
 * m.time({ numNewTokens: [1], numContextTokens: [1000] }).seconds; // ≈ 8.4 ms: memory-bound
 */
export class CostModel {
  private readonly params: ModelParamCounts;

  constructor(
    readonly shape: ModelShape,
    readonly device: SimDevice,
  ) {
    validateModelShape(shape);
    this.params = modelParamCounts(shape);
  }

  /** The time of one step over `batch`. */
  time(batch: StepBatchShape): StepTiming {
    const cost = stepCost(this.shape, batch, this.params);
    const d = this.device;
    const computeSeconds = cost.flops / d.peakFlopsPerSecond;
    const memorySeconds = cost.bytes / d.memoryBytesPerSecond;
    const overheadSeconds = d.stepOverheadSeconds + cost.numSeqs * d.seqOverheadSeconds;
    return {
      seconds: overheadSeconds + Math.max(computeSeconds, memorySeconds),
      cost,
      computeSeconds,
      memorySeconds,
      overheadSeconds,
      swapSeconds: 0,
    };
  }

  /**
   * Seconds to move `numBlocks` KV blocks of `blockSize` tokens between device and host (swap
   * out or in): their bytes over the device's swap link, `swapBytesPerSecond`, or, when the
   * profile has none (a CPU engine swaps within RAM), a read and a write at memory bandwidth.
   */
  swapSeconds(numBlocks: number, blockSize: number): number {
    if (numBlocks === 0) return 0;
    const s = this.shape;
    const bytes = numBlocks * blockSize * s.numLayers * 2 * s.numKvHeads * s.headDim * s.kvBytesPerElement;
    return bytes / (this.device.swapBytesPerSecond ?? this.device.memoryBytesPerSecond / 2);
  }

  /** Bytes of all weights: what a step reads whatever its batch. */
  get weightBytes(): number {
    return this.params.total * this.shape.weightBytesPerParam;
  }
}
