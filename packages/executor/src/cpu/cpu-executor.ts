import type { KvCacheDtype } from "@pagoda/kv-paging";
import { ropeInvFreq } from "@pagoda/model-loaders";
import type { Executor, ExecutorOutput, SchedulerOutput } from "@pagoda/scheduler";
import { flattenBatch } from "../batch/flat-batch.js";
import { promptRuns, runRows, scorePromptRuns } from "../batch/prompt-logprobs.js";
import { RequestStates } from "../batch/request-states.js";
import { type Sampler, sampleBatch } from "../batch/sample-batch.js";
import { sampleOnCpu } from "../batch/sampling.js";
import { ExecutorError } from "../errors.js";
import { buildForwardPlan, type ForwardPlan } from "../model/plan.js";
import { planFeatures } from "../model/plan-tensors.js";
import type { ModelShape, ModelWeights } from "../model/shape.js";
import { speculativeTokensOption } from "../model/sizes.js";
import { HostSwap } from "./host-swap.js";
import { PagedKvCache } from "./paged-kv-cache.js";
import { referenceWeights, runReferencePlan } from "./reference-plan.js";

/** Sizes of the KV cache a CPU executor allocates. */
export interface CpuExecutorOptions {
  numBlocks: number;
  blockSize: number;
  /** Host-side swap blocks (the scheduler's swap space); 0 = no swapping. */
  numSwapBlocks?: number;
  /** Element type of the KV cache; default "f32". Rows are rounded exactly as the kernels round them. */
  kvCacheDtype?: KvCacheDtype;
  /** Defaults to the sampling kernels' TypeScript reference, so CPU and GPU sample alike. */
  sampler?: Sampler;
  /** Most draft tokens a request may bring to verify in one step (speculative decoding); default 0. */
  numSpeculativeTokens?: number;
}

/**
 * The exact CPU reference executor: plain TypeScript in F32 over the same paged layout as the
 * WebGPU executor (KV stored in the chosen cache dtype, as the kernels store it). The oracle for tests, and the fallback where no WebGPU adapter exists.
 */
export class CpuExecutor implements Executor {
  private readonly cache: PagedKvCache;
  private readonly swap: HostSwap;
  private readonly states = new RequestStates();
  private readonly invFreq: Float64Array;
  private readonly sampler: Sampler;
  private readonly plan: ForwardPlan;
  private readonly planWeights: Map<string, Float32Array>;
  private readonly numSpeculativeTokens: number;
  private closed = false;

  constructor(
    private readonly shape: ModelShape,
    weights: ModelWeights,
    private readonly options: CpuExecutorOptions,
  ) {
    this.plan = buildForwardPlan(shape, planFeatures(weights));
    this.planWeights = referenceWeights(this.plan, weights);
    this.cache = new PagedKvCache(
      shape.numLayers,
      options.numBlocks,
      options.blockSize,
      shape.numKvHeads,
      shape.headDim,
      options.kvCacheDtype ?? "f32",
    );
    this.swap = new HostSwap(options.numSwapBlocks ?? 0);
    this.invFreq = ropeInvFreq(shape.headDim, shape.ropeTheta, shape.ropeScaling);
    this.sampler = options.sampler ?? sampleOnCpu;
    this.numSpeculativeTokens = speculativeTokensOption(options.numSpeculativeTokens);
  }

  async execute(step: SchedulerOutput): Promise<ExecutorOutput> {
    if (this.closed) throw new ExecutorError("executor.closed", "the executor was closed");
    const requests = this.states.apply(step);
    this.swap.moveBlocks(this.cache, step);
    if (requests.length === 0) return { sampledTokenIds: {}, logprobs: {} };
    const vocab = this.shape.vocabSize;
    const batch = flattenBatch(step, requests, this.options.blockSize, {
      numSpeculativeTokens: this.numSpeculativeTokens,
      vocab,
    });
    const runs = promptRuns(batch);
    const rows = runRows(runs);
    const logits = runReferencePlan(this.plan, this.planWeights, this.cache, batch, this.invFreq, rows);
    const sampledRows = batch.logitRows.length * vocab;
    const output = sampleBatch(step, batch, logits.subarray(0, sampledRows), vocab, this.sampler);
    if (runs.length === 0) return output;
    const prompt = await scorePromptRuns(runs, vocab, rows.length, () => logits.subarray(sampledRows));
    return { ...output, promptLogprobs: prompt };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
