import { checkAttentionShape, KernelContext, requestDevice } from "@pagoda/kernels-wgsl";
import { ExecutorError } from "../errors.js";
import { buildForwardPlan } from "../model/plan.js";
import { planFeatures } from "../model/plan-tensors.js";
import { resolveSizes } from "../model/sizes.js";
import { allocateActivations } from "./activations.js";
import { BlockMover } from "./block-moves.js";
import { GpuBuffers } from "./gpu-buffers.js";
import { GpuSampler } from "./gpu-sampler.js";
import { GpuWait, isSoftwareAdapter } from "./gpu-wait.js";
import { uploadWeights } from "./gpu-weights.js";
import { GpuKvCache } from "./kv-cache.js";
import { chooseWeightDtype, type WebGpuExecutorOptions } from "./options.js";
import { StepInputs } from "./step-inputs.js";
import { WebGpuExecutor } from "./webgpu-executor.js";

/**
 * Builds a {@link WebGpuExecutor}: uploads the weights once, allocates the paged KV cache and
 * every per-step buffer for the largest batch, so steps create no buffers or bind groups.
 *
 * @example
 * const model = await loadModelWeights("../shared/models/stories260K");
 * const executor = await createWebGpuExecutor({ model, blockSize: 16, kvCacheBytes: 64 << 20,
 *   maxNumBatchedTokens: 512, maxNumSeqs: 64 });
 * await model.close(); // the weights are on the GPU now
 * const scheduler = new Scheduler({ numBlocks: executor.sizes.numBlocks, ... });
 */
export async function createWebGpuExecutor(options: WebGpuExecutorOptions): Promise<WebGpuExecutor> {
  const { config, weights } = options.model;
  checkModel(config);
  const sizes = resolveSizes(config, options);
  const gpu = options.gpu ?? (await requestDevice());
  const buffers = new GpuBuffers(gpu.device);
  try {
    const dtype = chooseWeightDtype(options.weightDtype ?? "auto", gpu, weights.embedTokens.dtype);
    const cache = new GpuKvCache(buffers, config, sizes.numBlocks, sizes.blockSize, sizes.kvCacheDtype);
    const plan = buildForwardPlan(config, planFeatures(weights));
    const acts = allocateActivations(buffers, plan, sizes);
    const inputs = new StepInputs(buffers, sizes);
    // Draft rows are sampled too (greedy drafts are verified from the kernels' choices).
    const sampler = new GpuSampler(buffers, config.vocabSize, sizes.maxLogitRows);
    const mover = new BlockMover(buffers, cache, sizes.numSwapBlocks);
    const gpuWeights = await uploadWeights(buffers, plan, weights, dtype, options.onProgress);
    await gpu.device.queue.onSubmittedWorkDone();
    return new WebGpuExecutor({
      gpu,
      ownsDevice: options.gpu === undefined,
      ctx: new KernelContext(gpu),
      buffers,
      sizes,
      forward: { plan, weights: gpuWeights, cache, acts, inputs: inputs.regions },
      inputs,
      mover,
      sampler,
      wait: new GpuWait(options.sleepWhileWaiting ?? isSoftwareAdapter(gpu)),
      profile: options.profile ?? false,
    });
  } catch (err) {
    buffers.destroyAll();
    if (options.gpu === undefined) gpu.device.destroy();
    throw err;
  }
}

// The kernels read heads as vec4 and hold a GQA group in one decode workgroup.
function checkModel(config: WebGpuExecutorOptions["model"]["config"]): void {
  try {
    checkAttentionShape({
      numHeads: config.numHeads,
      numKvHeads: config.numKvHeads,
      headDim: config.headDim,
      blockSize: 1,
      maxBlocksPerSeq: 1,
      scale: 1,
    });
  } catch (cause) {
    throw new ExecutorError(
      "executor.unsupported_model",
      `the WebGPU kernels cannot run this model's attention shape (${config.numHeads} heads, ${config.numKvHeads} kv heads, head_dim ${config.headDim})`,
      { cause },
    );
  }
}
