import type { PagodaDevice } from "@pagoda/kernels-wgsl";
import type { LoadedWeights } from "@pagoda/model-loaders";
import { ExecutorError } from "../errors.js";
import type { SizeOptions } from "../model/sizes.js";
import type { FloatWeightDType } from "./upload-matrix-segments.js";

/**
 * Float weight storage on the GPU: F32, F16, or F16 where the checkpoint is half and the device
 * has shader-f16. Quantized (GGUF Q8_0 / Q4_0 / Q4_K / Q6_K) tensors keep their own blocks.
 */
export type WeightDtypeChoice = FloatWeightDType | "auto";

/** Options of `createWebGpuExecutor`. */
export interface WebGpuExecutorOptions extends SizeOptions {
  /** A loaded model (`loadModelWeights`); the executor reads each tensor once and never closes it. */
  model: Pick<LoadedWeights, "config" | "weights">;
  /** The device to run on; default: `requestDevice()` (then `close()` destroys it). */
  gpu?: PagodaDevice;
  /** Default "auto". "f16" needs the device's shader-f16 feature and falls back to F32 without it. */
  weightDtype?: WeightDtypeChoice;
  /** Called after each tensor is uploaded, with stored (checkpoint) bytes. */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  /**
   * Sleep through most of a step's expected GPU time instead of letting Dawn poll for it (see
   * `GpuWait`); default: on for software adapters, whose work runs on the host's cores.
   */
  sleepWhileWaiting?: boolean;
  /**
   * Wait for the GPU before the read-back, so `lastStepTimings` splits GPU time from read-back
   * time (costs one extra round trip per step; for benchmarks).
   */
  profile?: boolean;
}

/**
 * The weight dtype to upload: F32 unless F16 is asked for (or "auto" meets a half-precision
 * checkpoint) and the device has shader-f16.
 */
export function chooseWeightDtype(
  choice: WeightDtypeChoice,
  gpu: PagodaDevice,
  storedDtype: string,
): FloatWeightDType {
  if (choice !== "f32" && choice !== "f16" && choice !== "auto") {
    throw new ExecutorError(
      "executor.bad_option",
      `weightDtype must be "f32", "f16" or "auto", got ${choice}`,
    );
  }
  if (!gpu.features.has("shader-f16")) return "f32";
  if (choice === "auto") return storedDtype === "F16" || storedDtype === "BF16" ? "f16" : "f32";
  return choice;
}
