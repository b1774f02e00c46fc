import {
  cachedPipelineCount,
  type KernelContext,
  type PagodaDevice,
  type WeightDType,
} from "@pagoda/kernels-wgsl";
import type { Executor, ExecutorOutput, LateStepInputs, SchedulerOutput } from "@pagoda/scheduler";
import { flattenBatch } from "../batch/flat-batch.js";
import { promptRuns, scorePromptRuns } from "../batch/prompt-logprobs.js";
import { type RequestState, RequestStates, setTokenMasks } from "../batch/request-states.js";
import { verifySpecSeqs } from "../batch/sample-batch.js";
import { toTokenLogprobs } from "../batch/sampling.js";
import { planStep } from "../batch/step-shape.js";
import { ExecutorError } from "../errors.js";
import type { ExecutorSizes } from "../model/sizes.js";
import type { BlockMover } from "./block-moves.js";
import { encodeForward, type ForwardResources } from "./encode-forward.js";
import type { GpuBuffers } from "./gpu-buffers.js";
import type { GpuSampler } from "./gpu-sampler.js";
import type { GpuWait } from "./gpu-wait.js";
import { GpuPromptLogits } from "./prompt-logits.js";
import { GpuSpecLogits, type SpecPlan } from "./spec-logits.js";
import type { StepInputs } from "./step-inputs.js";

/** Where the last step's time went, in milliseconds. */
export interface StepTimings {
  /** Host: apply diffs, flatten, pack and upload metadata, record the command buffer, submit. */
  prepareMs: number;
  /**
   * Submit → GPU done (with `profile`); without it, submit → sampled records mapped and decoded.
   * Includes the sleep of a software adapter's wait (see `GpuWait`).
   */
  gpuMs: number;
  /** GPU done → sampled records mapped and decoded (with `profile`); 0 without it. */
  readbackMs: number;
  /** Host: appending the sampled tokens and building the output (prompt log-probabilities included). */
  outputMs: number;
}

/** Everything a {@link WebGpuExecutor} runs with; `createWebGpuExecutor` builds it. */
export interface WebGpuExecutorParts {
  readonly gpu: PagodaDevice;
  /** Destroy the device on close (the executor requested it). */
  readonly ownsDevice: boolean;
  readonly ctx: KernelContext;
  readonly buffers: GpuBuffers;
  readonly sizes: ExecutorSizes;
  readonly forward: ForwardResources;
  readonly inputs: StepInputs;
  readonly mover: BlockMover;
  readonly sampler: GpuSampler;
  readonly wait: GpuWait;
  readonly profile: boolean;
}

/**
 * Runs each scheduled step on WebGPU: one metadata upload, block copies and swap-ins, the whole
 * forward pass and sampling in one command buffer, one read-back of the sampled tokens.
 * Build it with `createWebGpuExecutor`.
 */
export class WebGpuExecutor implements Executor {
  /** Timings of the most recent step that ran a forward pass. */
  lastStepTimings: StepTimings = { prepareMs: 0, gpuMs: 0, readbackMs: 0, outputMs: 0 };
  /** Wait for the GPU before the read-back, to split `lastStepTimings` (one extra round trip a step). */
  profile: boolean;
  private readonly states = new RequestStates();
  private closed = false;
  /** Made when a request first asks for prompt log-probabilities. */
  private promptLogits: GpuPromptLogits | null = null;
  /** Made when a step first brings drafts to verify. */
  private specLogits: GpuSpecLogits | null = null;

  constructor(private readonly parts: WebGpuExecutorParts) {
    this.profile = parts.profile;
  }

  /** The sizes buffers were made for; `numBlocks` is what the scheduler's block pool must use. */
  get sizes(): ExecutorSizes {
    return this.parts.sizes;
  }

  /** The dtype the weight matrices were uploaded in. */
  get weightDtype(): WeightDType {
    return this.parts.forward.weights.dtype;
  }

  /** Bind groups, pipelines and buffers created so far: constant across steps of the same shape. */
  resourceCounts(): { bindGroups: number; pipelines: number; buffers: number } {
    const { ctx, gpu, buffers } = this.parts;
    return {
      bindGroups: ctx.bindGroupsCreated,
      pipelines: cachedPipelineCount(gpu.device),
      buffers: buffers.created,
    };
  }

  /** Token masks may come late: the grammar matchers then run while the forward pass does. */
  readonly takesLateMasks = true;

  async execute(step: SchedulerOutput, late?: LateStepInputs): Promise<ExecutorOutput> {
    if (this.closed) throw new ExecutorError("executor.closed", "the executor was closed");
    const { ctx, gpu, sizes, forward, inputs, mover, sampler, wait } = this.parts;
    const start = performance.now();
    const requests = this.states.apply(step);
    await mover.swapOut(step.swapOut);
    const output: ExecutorOutput = { sampledTokenIds: {}, logprobs: {} };
    for (const r of requests) output.sampledTokenIds[r.requestId] = [];
    const vocab = forward.plan.shape.vocabSize;
    const limits = { numSpeculativeTokens: sizes.numSpeculativeTokens, vocab };
    const batch = requests.length > 0 ? flattenBatch(step, requests, sizes.blockSize, limits) : null;
    const shape = batch ? planStep(batch, sizes, vocab) : null;
    const sampled = batch ? batch.sampleSeqs.map((s) => requests[s] as RequestState) : [];
    // Drafts: greedy ones are picked by the sampling kernels on their rows (after the sampling
    // rows), the others' rows copied for the host verifier; both come back with the records.
    const spec: SpecPlan | null = batch && batch.specSeqs.length > 0 ? GpuSpecLogits.plan(batch) : null;
    const rows = spec ? [...sampled, ...spec.rowStates] : sampled;

    const encoder = gpu.device.createCommandEncoder({ label: `step${step.step}` });
    if (batch && shape) inputs.write(encoder, batch, shape.tableWidth, sampler.pack(rows));
    mover.record(encoder, step.swapIn, step.blockCopies);
    if (shape) {
      ctx.reset();
      const pass = encoder.beginComputePass({ label: `step${step.step}.forward` });
      encodeForward(pass, ctx, forward, shape);
      if (!late) this.encodeSampling(pass, rows);
      pass.end();
      if (batch && spec) this.specRows().recordCopy(encoder, batch, spec, sampled.length);
      if (!late) sampler.recordReadback(encoder, rows.length);
    }
    gpu.device.queue.submit([encoder.finish()]);
    if (!shape) return output;

    const submitted = performance.now();
    if (late) await this.sampleLate(late, sampled, rows, step.step);
    if (shape.numLogitRows > 0) await wait.settle(shape.numTokens, performance.now() - submitted);
    const profiled = this.profile;
    if (profiled) await gpu.device.queue.onSubmittedWorkDone();
    const gpuDone = performance.now();
    // One wait for both read-backs: they were filled by the same submissions.
    const [results, specLogits] = await Promise.all([
      sampler.read(rows.length),
      batch && spec ? this.specRows().read(batch) : null,
    ]);
    const readDone = performance.now();
    if (shape.numLogitRows > 0) wait.record(shape.numTokens, readDone - submitted);
    for (const r of requests) r.numComputedTokens += step.numScheduledTokens[r.requestId] ?? 0;
    sampled.forEach((r, i) => {
      const result = results[i];
      if (!result) throw new ExecutorError("executor.readback", `no sampled record for row ${i}`);
      r.tokenIds.push(result.token);
      output.sampledTokenIds[r.requestId] = [result.token];
      const logprobs = toTokenLogprobs(r, result);
      if (logprobs) output.logprobs[r.requestId] = [logprobs];
    });
    if (batch && spec && specLogits) {
      // Picked sequences' choices: the records after the sampling rows, in spec-row order.
      const picksOf = (i: number) => {
        if (!spec.picked[i]) return undefined;
        const from = sampled.length + (batch.specRowStart[i] as number);
        const to = sampled.length + (batch.specRowStart[i + 1] as number);
        return results.slice(from, to).map((x) => x.token);
      };
      verifySpecSeqs(batch, specLogits, vocab, output, picksOf);
    }
    const runs = batch ? promptRuns(batch) : [];
    if (runs.length > 0) {
      this.promptLogits ??= new GpuPromptLogits(
        gpu,
        ctx,
        this.parts.buffers,
        forward,
        vocab,
        sizes.maxNumSeqs,
      );
      const head = this.promptLogits;
      output.promptLogprobs = await scorePromptRuns(runs, vocab, head.maxRows, (rows) => head.logitsOf(rows));
    }
    this.lastStepTimings = {
      prepareMs: submitted - start,
      gpuMs: (profiled ? gpuDone : readDone) - submitted,
      readbackMs: profiled ? readDone - gpuDone : 0,
      outputMs: performance.now() - readDone,
    };
    return output;
  }

  // Late token masks: computed on this thread while the GPU runs the submitted forward pass,
  // then uploaded with the sampling inputs (`rows`: the sampled requests, then any spec rows)
  // ahead of a sampling pass of their own.
  private async sampleLate(
    late: LateStepInputs,
    sampled: RequestState[],
    rows: RequestState[],
    index: number,
  ): Promise<void> {
    const { gpu, sampler } = this.parts;
    setTokenMasks(sampled, await late.tokenMasks());
    if (rows.length === 0) return;
    sampler.upload(rows);
    const encoder = gpu.device.createCommandEncoder({ label: `step${index}.sampling` });
    const pass = encoder.beginComputePass({ label: `step${index}.sampling` });
    this.encodeSampling(pass, rows);
    pass.end();
    sampler.recordReadback(encoder, rows.length);
    gpu.device.queue.submit([encoder.finish()]);
  }

  // Sampling of the first `rows.length` logits rows; the logprobs pass scans every row's whole
  // vocabulary, so it runs only when some row's request reads it.
  private encodeSampling(pass: GPUComputePassEncoder, rows: RequestState[]): void {
    const { ctx, forward, sampler } = this.parts;
    const logprobs = rows.some((r) => r.params.logprobs !== null);
    sampler.encode(pass, ctx, forward.acts.logits, rows.length, logprobs);
  }

  private specRows(): GpuSpecLogits {
    const { buffers, forward } = this.parts;
    this.specLogits ??= new GpuSpecLogits(buffers, forward.acts.logits, forward.plan.shape.vocabSize);
    return this.specLogits;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { gpu, ctx, buffers, ownsDevice } = this.parts;
    await gpu.device.queue.onSubmittedWorkDone();
    buffers.destroyAll();
    ctx.destroy();
    if (ownsDevice) gpu.device.destroy();
  }
}
