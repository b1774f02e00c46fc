import { createWasmKernels } from "@pagoda/kernels-wasm";
import type { KvCacheDtype } from "@pagoda/kv-paging";
import type { LoadedWeights } from "@pagoda/model-loaders";
import { ropeInvFreq } from "@pagoda/model-loaders";
import type { Sampler } from "../batch/sample-batch.js";
import { sampleOnCpu } from "../batch/sampling.js";
import { buildForwardPlan } from "../model/plan.js";
import { planFeatures } from "../model/plan-tensors.js";
import type { WeightsProgress } from "../model/read-weights.js";
import { resolveSizes } from "../model/sizes.js";
import { allocateWasmBuffers } from "./wasm-buffers.js";
import { WasmExecutor } from "./wasm-executor.js";
import { loadWasmWeights, type WasmWeightDtype } from "./wasm-weights.js";

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
 * Builds a {@link WasmExecutor}: starts the kernels' thread pool, copies the weights into its
 * memory once and allocates the KV cache and every per-step buffer for the largest batch.
 *
 * @example
 * const model = await loadModelWeights("../shared/models/stories260K");
 * const executor = await createWasmExecutor({ model, blockSize: 16, kvCacheBytes: 64 << 20,
 *   maxNumBatchedTokens: 512, maxNumSeqs: 64 });
 * await model.close(); // the weights are in the executor's memory now
 */
export async function createWasmExecutor(options: WasmExecutorOptions): Promise<WasmExecutor> {
  const { config, weights } = options.model;
  const sizes = resolveSizes(config, options);
  const kernels = await createWasmKernels({
    ...(options.threads !== undefined && { threads: options.threads }),
    ...(options.parallelMinWork !== undefined && { parallelMinWork: options.parallelMinWork }),
  });
  try {
    const plan = buildForwardPlan(config, planFeatures(weights));
    const invFreq = ropeInvFreq(config.headDim, config.ropeTheta, config.ropeScaling);
    const loaded = await loadWasmWeights(
      kernels,
      plan,
      weights,
      options.weightDtype ?? "auto",
      options.onProgress,
    );
    // Last: without shared memory a later allocation would grow the memory and detach these views.
    const buffers = allocateWasmBuffers(kernels, plan, sizes, invFreq);
    return new WasmExecutor({
      forward: { kernels, plan, weights: loaded, buffers },
      sizes,
      sampler: options.sampler ?? sampleOnCpu,
    });
  } catch (err) {
    await kernels.close();
    throw err;
  }
}
