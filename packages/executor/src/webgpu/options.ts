import type { PagodaDevice, WeightDType } from "@pagoda/kernels-wgsl";
import { planKVCache } from "@pagoda/kv-paging";
import type { LoadedWeights, ModelConfig } from "@pagoda/model-loaders";
import { ExecutorError } from "../errors.js";

/** Weight storage on the GPU: F32, F16, or F16 where the checkpoint is half and the device has shader-f16. */
export type WeightDtypeChoice = WeightDType | "auto";

/** Options of `createWebGpuExecutor`. */
export interface WebGpuExecutorOptions {
  /** A loaded model (`loadModelWeights`); the executor reads each tensor once and never closes it. */
  model: Pick<LoadedWeights, "config" | "weights">;
  /** The device to run on; default: `requestDevice()` (then `close()` destroys it). */
  gpu?: PagodaDevice;
  blockSize: number;
  /** KV cache blocks, the null block 0 included; or give `kvCacheBytes` and let the planner divide it. */
  numBlocks?: number;
  kvCacheBytes?: number;
  /** Host-memory blocks for swapped-out KV (the scheduler's swap space); default 0. */
  numSwapBlocks?: number;
  /** Most tokens in one step (activation buffers are sized for it). */
  maxNumBatchedTokens: number;
  /** Most sequences in one step (metadata, logits and sampling buffers are sized for it). */
  maxNumSeqs: number;
  /** Longest sequence; default the model's `maxPositionEmbeddings`, capped by the cache. */
  maxModelLen?: number;
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

/** The sizes everything is allocated for, resolved from the options and the model. */
export interface ExecutorSizes {
  readonly blockSize: number;
  readonly numBlocks: number;
  readonly numSwapBlocks: number;
  readonly maxNumBatchedTokens: number;
  readonly maxNumSeqs: number;
  readonly maxModelLen: number;
  /** Block-table row capacity: `ceil(maxModelLen / blockSize)`. */
  readonly maxBlocksPerSeq: number;
}

function count(name: string, value: number | undefined, min: number): number {
  if (value === undefined || !Number.isInteger(value) || value < min) {
    throw new ExecutorError("executor.bad_option", `${name} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/** Resolves and checks the sizes; the block count comes from `kvCacheBytes` through the memory planner. */
export function resolveSizes(config: ModelConfig, options: WebGpuExecutorOptions): ExecutorSizes {
  const blockSize = count("blockSize", options.blockSize, 1);
  let numBlocks: number;
  if (options.numBlocks !== undefined) {
    numBlocks = count("numBlocks", options.numBlocks, 2);
  } else if (options.kvCacheBytes !== undefined) {
    const shape = { numLayers: config.numLayers, numKVHeads: config.numKvHeads, headDim: config.headDim };
    const plan = planKVCache({ ...shape, kvDtypeBytes: 4 }, blockSize, {
      kvCacheBytes: options.kvCacheBytes,
    });
    numBlocks = count(`numBlocks planned from kvCacheBytes ${options.kvCacheBytes}`, plan.numBlocks, 2);
  } else {
    throw new ExecutorError("executor.bad_option", "give numBlocks or kvCacheBytes");
  }
  const cacheTokens = (numBlocks - 1) * blockSize;
  const maxModelLen = count(
    "maxModelLen",
    options.maxModelLen ?? Math.min(config.maxPositionEmbeddings, cacheTokens),
    1,
  );
  return {
    blockSize,
    numBlocks,
    numSwapBlocks: count("numSwapBlocks", options.numSwapBlocks ?? 0, 0),
    maxNumBatchedTokens: count("maxNumBatchedTokens", options.maxNumBatchedTokens, 1),
    maxNumSeqs: count("maxNumSeqs", options.maxNumSeqs, 1),
    maxModelLen,
    maxBlocksPerSeq: Math.ceil(maxModelLen / blockSize),
  };
}

/**
 * The weight dtype to upload: F32 unless F16 is asked for (or "auto" meets a half-precision
 * checkpoint) and the device has shader-f16.
 */
export function chooseWeightDtype(
  choice: WeightDtypeChoice,
  gpu: PagodaDevice,
  storedDtype: string,
): WeightDType {
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
