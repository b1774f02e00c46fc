import type { Executor, ExecutorOutput, SchedulerOutput, TokenLogprobs } from "@pagoda/scheduler";
import { flattenBatch } from "../batch/flat-batch.js";
import { type RequestState, RequestStates } from "../batch/request-states.js";
import { sampleOnCpu } from "../batch/sampling.js";
import { ExecutorError } from "../errors.js";
import { buildForwardPlan, type ForwardPlan } from "../model/plan.js";
import { planFeatures } from "../model/plan-tensors.js";
import { ropeInvFreq } from "../model/rope.js";
import type { ModelShape, ModelWeights } from "../model/shape.js";
import { PagedKvCache } from "./paged-kv-cache.js";
import { referenceWeights, runReferencePlan } from "./reference-plan.js";

/** Picks the next token of one request from its logits row. */
export type Sampler = (
  logits: Float32Array,
  request: RequestState,
) => { tokenId: number; logprobs?: TokenLogprobs };

/** Sizes of the KV cache a CPU executor allocates. */
export interface CpuExecutorOptions {
  numBlocks: number;
  blockSize: number;
  /** Host-side swap blocks (the scheduler's swap space); 0 = no swapping. */
  numSwapBlocks?: number;
  /** Defaults to the sampling kernels' TypeScript reference, so CPU and GPU sample alike. */
  sampler?: Sampler;
}

/**
 * The exact CPU reference executor: plain TypeScript in F32 over the same paged layout as the
 * WebGPU executor. The oracle for tests, and the fallback where no WebGPU adapter exists.
 */
export class CpuExecutor implements Executor {
  private readonly cache: PagedKvCache;
  private readonly swap: Array<Float32Array | undefined>;
  private readonly states = new RequestStates();
  private readonly invFreq: Float64Array;
  private readonly sampler: Sampler;
  private readonly plan: ForwardPlan;
  private readonly planWeights: Map<string, Float32Array>;
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
    );
    this.swap = new Array(options.numSwapBlocks ?? 0);
    this.invFreq = ropeInvFreq(shape.headDim, shape.ropeTheta, shape.ropeScaling);
    this.sampler = options.sampler ?? sampleOnCpu;
  }

  async execute(step: SchedulerOutput): Promise<ExecutorOutput> {
    if (this.closed) throw new ExecutorError("executor.closed", "the executor was closed");
    const requests = this.states.apply(step);
    this.moveBlocks(step);
    const output: ExecutorOutput = { sampledTokenIds: {}, logprobs: {} };
    for (const r of requests) output.sampledTokenIds[r.requestId] = [];
    if (requests.length === 0) return output;

    const batch = flattenBatch(step, requests, this.options.blockSize);
    const logits = runReferencePlan(this.plan, this.planWeights, this.cache, batch, this.invFreq);
    const vocab = this.shape.vocabSize;
    for (const r of requests) r.numComputedTokens += step.numScheduledTokens[r.requestId] ?? 0;
    batch.sampleSeqs.forEach((s, i) => {
      const r = requests[s] as RequestState;
      const { tokenId, logprobs } = this.sampler(logits.subarray(i * vocab, (i + 1) * vocab), r);
      r.tokenIds.push(tokenId);
      output.sampledTokenIds[r.requestId] = [tokenId];
      if (logprobs) output.logprobs[r.requestId] = [logprobs];
    });
    return output;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private moveBlocks(step: SchedulerOutput): void {
    for (const [device, host] of step.swapOut) this.swap[this.hostIndex(host)] = this.cache.readBlock(device);
    for (const [host, device] of step.swapIn) {
      const data = this.swap[this.hostIndex(host)];
      if (!data)
        throw new ExecutorError("executor.bad_step", `swap-in of host block ${host}, which holds nothing`);
      this.cache.writeBlock(device, data);
      this.swap[host] = undefined;
    }
    this.cache.copyBlocks(step.blockCopies);
  }

  private hostIndex(host: number): number {
    if (!Number.isInteger(host) || host < 0 || host >= this.swap.length) {
      throw new ExecutorError(
        "executor.bad_step",
        `host block ${host} is outside the swap space of ${this.swap.length}`,
      );
    }
    return host;
  }
}
