import { createWasmKernels, type WasmKernels } from "@pagoda/kernels-wasm";
import type { KvCacheDtype } from "@pagoda/kv-paging";
import type { LoadedWeights } from "@pagoda/model-loaders";
import { ropeInvFreq } from "@pagoda/model-loaders";
import type { Sampler } from "../batch/sample-batch.js";
import { sampleOnCpu } from "../batch/sampling.js";
import { ExecutorError } from "../errors.js";
import { buildForwardPlan } from "../model/plan.js";
import { planFeatures } from "../model/plan-tensors.js";
import type { WeightsProgress } from "../model/read-weights.js";
import { resolveSizes } from "../model/sizes.js";
import { allocateWasmBuffers, wasmBufferBytes } from "./wasm-buffers.js";
import { WasmExecutor } from "./wasm-executor.js";
import { loadWasmWeights, type WasmWeightDtype, wasmWeightBytes } from "./wasm-weights.js";

/** Options of {@link createWasmExecutor}. */
export interface WasmExecutorOptions {
  /** A loaded model (`loadModelWeights`); the executor copies each tensor once and never closes it. */
  model: Pick<LoadedWeights, "config" | "weights">;
  blockSize: number;
  /** KV cache blocks, the null block 0 included; or give `kvCacheBytes` and let the planner divide it. */
  numBlocks?: number;
  kvCacheBytes?: number;
  /** Host-memory blocks for swapped-out KV (the scheduler's swap space); default 0. */
  numSwapBlocks?: number;
  /** Element type of the KV cache: "f32" (default), "f16" or "int8" (one f32 scale per token and kv head). */
  kvCacheDtype?: KvCacheDtype;
  /** Most tokens in one step (activations are sized for it). */
  maxNumBatchedTokens: number;
  /** Most sequences in one step. */
  maxNumSeqs: number;
  /** Longest sequence; default the model's `maxPositionEmbeddings`, capped by the cache. */
  maxModelLen?: number;
  /**
   * Build on these kernels (another executor's: `executor.kernels`) instead of starting new ones:
   * one thread pool and one memory, with this model's weights and buffers allocated beside the
   * other's. The executor then never closes them (their creator does). Excludes `threads` and
   * `parallelMinWork`, which are the kernels' own.
   */
  kernels?: WasmKernels;
  /** Threads, the calling one included; default the machine's cores. 1 = no workers. */
  threads?: number;
  /** Work below which a kernel stays on the calling thread (kernels-wasm's `parallelMinWork`). */
  parallelMinWork?: number;
  /** Default `auto`: matrices as the checkpoint stores them (F32, F16, BF16 or packed Q8_0/Q4_0/Q4_K/Q6_K). */
  weightDtype?: WasmWeightDtype;
  onProgress?: WeightsProgress;
  /** Defaults to the sampling kernels' TypeScript reference, so every executor samples alike. */
  sampler?: Sampler;
  /**
   * Most draft tokens a request may bring to verify in one step (speculative decoding); default
   * 0. The logits buffers hold a row per draft too (`sizes.maxLogitRows`).
   */
  numSpeculativeTokens?: number;
}

/**
 * Builds a {@link WasmExecutor}: starts the kernels' thread pool (or takes `options.kernels`),
 * copies the weights into its memory once and allocates the KV cache and every per-step buffer
 * for the largest batch.
 *
 * @example
 * const model = await loadModelWeights("../shared/models/stories260K");
 * const executor = await createWasmExecutor({ model, blockSize: 16, kvCacheBytes: 64 << 20,
 *   maxNumBatchedTokens: 512, maxNumSeqs: 64 });
 * await model.close(); // the weights are in the executor's memory now
 * // A second model (a speculative draft) on the same threads and memory:
 * const draft = await createWasmExecutor({ model: small, kernels: executor.kernels, ... });
 */
export async function createWasmExecutor(options: WasmExecutorOptions): Promise<WasmExecutor> {
  const { config, weights } = options.model;
  const sizes = resolveSizes(config, options);
  checkSharedKernels(options);
  const ownsKernels = options.kernels === undefined;
  const kernels = options.kernels ?? (await startKernels(options));
  try {
    const plan = buildForwardPlan(config, planFeatures(weights));
    const invFreq = ropeInvFreq(config.headDim, config.ropeTheta, config.ropeScaling);
    const dtype = options.weightDtype ?? "auto";
    // The allocator never frees: on shared kernels a model that does not fit must fail before it
    // takes memory from the other model.
    if (!ownsKernels) {
      checkFits(
        kernels,
        wasmWeightBytes(plan, weights, dtype) + wasmBufferBytes(plan, sizes, invFreq.length),
      );
    }
    const loaded = await loadWasmWeights(kernels, plan, weights, dtype, options.onProgress);
    // The executor keeps pointers only and makes every view when it reads: a non-shared memory
    // (threads = 1) that grows later, for scratch or for another model's weights, detaches old
    // views, and none of them is kept.
    const buffers = allocateWasmBuffers(kernels, plan, sizes, invFreq);
    return new WasmExecutor({
      forward: { kernels, plan, weights: loaded, buffers },
      sizes,
      sampler: options.sampler ?? sampleOnCpu,
      ownsKernels,
    });
  } catch (err) {
    if (ownsKernels) await kernels.close();
    throw err;
  }
}

function startKernels(options: WasmExecutorOptions): Promise<WasmKernels> {
  return createWasmKernels({
    ...(options.threads !== undefined && { threads: options.threads }),
    ...(options.parallelMinWork !== undefined && { parallelMinWork: options.parallelMinWork }),
  });
}

/** Refuses `kernels` with options that only new kernels take, naming them. */
function checkSharedKernels(options: WasmExecutorOptions): void {
  if (options.kernels === undefined) return;
  const clash = (["threads", "parallelMinWork"] as const).filter((k) => options[k] !== undefined);
  if (clash.length > 0) {
    throw new ExecutorError(
      "executor.bad_option",
      `createWasmExecutor: ${clash.join(" and ")} cannot be given with kernels (they are the shared kernels' own)`,
    );
  }
}

/** Throws `executor.out_of_memory` unless `bytes` more fit in the shared kernels' memory. */
function checkFits(kernels: WasmKernels, bytes: number): void {
  const { usedBytes: used, maxBytes: max } = kernels;
  if (used + bytes <= max) return;
  throw new ExecutorError(
    "executor.out_of_memory",
    `createWasmExecutor: the model needs ${bytes} bytes on the shared kernels, which hold ${used} of at most ${max}`,
    { details: { requested: bytes, used, maximum: max } },
  );
}
