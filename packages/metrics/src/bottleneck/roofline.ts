import type { StepBatchShape } from "../events.js";
import { type DeviceProfile, ridgePoint } from "./device-profiles.js";
import type { ModelParamCounts, ModelShape } from "./model-shape.js";
import { type StepCost, stepCost } from "./step-cost.js";

/** Whether a step's speed is limited by the device's arithmetic or by its memory bandwidth. */
export type Bound = "compute" | "memory";

/** The roofline verdict on one step; JSON-serialisable. */
export interface StepBottleneck {
  readonly device: string;
  readonly flops: number;
  readonly bytes: number;
  /** FLOPs per byte moved. */
  readonly arithmeticIntensity: number;
  /** The device's peak FLOP/s ÷ bandwidth, in FLOP/byte. */
  readonly ridgePoint: number;
  /** "compute" when the intensity reaches the ridge point, else "memory". */
  readonly bound: Bound;
  /** flops ÷ peak FLOP/s: the step time if only arithmetic counted. */
  readonly computeSeconds: number;
  /** bytes ÷ bandwidth: the step time if only memory traffic counted. */
  readonly memorySeconds: number;
  /** The roofline's lower bound on the step time: the larger of the two. */
  readonly minStepSeconds: number;
}

/** Places a step's cost on a device's roofline. */
export function classifyStep(cost: Pick<StepCost, "flops" | "bytes">, device: DeviceProfile): StepBottleneck {
  const ridge = ridgePoint(device);
  const arithmeticIntensity = cost.bytes === 0 ? 0 : cost.flops / cost.bytes;
  const computeSeconds = cost.flops / device.peakFlopsPerSecond;
  const memorySeconds = cost.bytes / device.memoryBytesPerSecond;
  return {
    device: device.name,
    flops: cost.flops,
    bytes: cost.bytes,
    arithmeticIntensity,
    ridgePoint: ridge,
    bound: arithmeticIntensity >= ridge ? "compute" : "memory",
    computeSeconds,
    memorySeconds,
    minStepSeconds: Math.max(computeSeconds, memorySeconds),
  };
}

/**
 * The bottleneck report of one step: its cost on `shape` over `batch`, classified on `device`.
 *
 * @example
 * // One Llama-2-7B sequence decoding at context 1000 on an A100: memory-bound (intensity ≈ 1).
 * analyzeStep(llama7b, DEVICE_PROFILES["A100-80GB"], { numNewTokens: [1], numContextTokens: [1000] });
 */
export function analyzeStep(
  shape: ModelShape,
  device: DeviceProfile,
  batch: StepBatchShape,
  params?: ModelParamCounts,
): StepBottleneck {
  return classifyStep(stepCost(shape, batch, params), device);
}
