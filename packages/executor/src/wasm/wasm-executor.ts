import type { WasmKernels } from "@pagoda/kernels-wasm";
import type { Executor, ExecutorOutput, SchedulerOutput } from "@pagoda/scheduler";
import { flattenBatch } from "../batch/flat-batch.js";
import { promptRuns, scorePromptRuns } from "../batch/prompt-logprobs.js";
import { RequestStates } from "../batch/request-states.js";
import { type Sampler, sampleBatch } from "../batch/sample-batch.js";
import { planStep } from "../batch/step-shape.js";
import { HostSwap } from "../cpu/host-swap.js";
import { ExecutorError } from "../errors.js";
import type { ExecutorSizes } from "../model/sizes.js";
import { runLogitRows, runWasmPlan, type WasmForward } from "./run-wasm-plan.js";
import { writeInputs } from "./wasm-buffers.js";

/** Where a step's time went, in milliseconds. */
export interface WasmStepTimings {
  /** Applying diffs, block moves, flattening and writing the inputs. */
  prepareMs: number;
  forwardMs: number;
  sampleMs: number;
}

/** What {@link WasmExecutor} is built from (see `createWasmExecutor`). */
export interface WasmExecutorParts {
  readonly forward: WasmForward;
  readonly sizes: ExecutorSizes;
  readonly sampler: Sampler;
  /** Whether `close()` closes the kernels: false when they were another executor's. */
  readonly ownsKernels: boolean;
}

/**
 * The fast CPU executor: the forward plan on WebAssembly SIMD kernels over every core, with the
 * paged KV cache, activations and weights in one (shared) WebAssembly memory. Samples on the host
 * with the sampling kernels' reference, so it picks what the other executors pick.
 */
export class WasmExecutor implements Executor {
  readonly sizes: ExecutorSizes;
  /** Timings of the last step that ran a forward pass. */
  lastStepTimings: WasmStepTimings = { prepareMs: 0, forwardMs: 0, sampleMs: 0 };
  private readonly states = new RequestStates();
  private readonly swap: HostSwap;
  private closed = false;

  constructor(private readonly parts: WasmExecutorParts) {
    this.sizes = parts.sizes;
    this.swap = new HostSwap(parts.sizes.numSwapBlocks);
  }

  /** The kernels (thread pool and memory) it runs on: give them to `createWasmExecutor` to share. */
  get kernels(): WasmKernels {
    return this.parts.forward.kernels;
  }

  /** Worker threads the kernels run on, the calling thread included. */
  get threads(): number {
    return this.parts.forward.kernels.threads;
  }

  async execute(step: SchedulerOutput): Promise<ExecutorOutput> {
    if (this.closed) throw new ExecutorError("executor.closed", "the executor was closed");
    const t0 = performance.now();
    const { forward } = this.parts;
    const requests = this.states.apply(step);
    if (step.swapOut.length + step.swapIn.length + step.blockCopies.length > 0) {
      this.swap.moveBlocks(forward.buffers.cacheViews(), step);
    }
    if (requests.length === 0) return { sampledTokenIds: {}, logprobs: {} };
    const vocab = forward.plan.shape.vocabSize;
    const { blockSize, numSpeculativeTokens } = this.sizes;
    const batch = flattenBatch(step, requests, blockSize, { numSpeculativeTokens, vocab });
    // Refuses token ids, block ids and sizes the buffers were not made for, naming the value.
    planStep(batch, this.sizes, vocab);
    writeInputs(forward.kernels, forward.buffers.inputs, batch);
    const t1 = performance.now();
    runWasmPlan(forward, batch);
    const t2 = performance.now();
    const logits = forward.kernels.f32(forward.buffers.acts.logits, batch.logitRows.length * vocab);
    const output = sampleBatch(step, batch, logits, vocab, this.parts.sampler);
    const runs = promptRuns(batch);
    if (runs.length > 0) {
      // After sampling, which read the logits buffer these passes overwrite.
      output.promptLogprobs = await scorePromptRuns(runs, vocab, this.sizes.maxNumSeqs, (rows) => {
        runLogitRows(forward, batch.numTokens, rows);
        return forward.kernels.f32(forward.buffers.acts.logits, rows.length * vocab);
      });
    }
    this.lastStepTimings = { prepareMs: t1 - t0, forwardMs: t2 - t1, sampleMs: performance.now() - t2 };
    return output;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Shared kernels stay up for the executor that created them (it closes them).
    if (this.parts.ownsKernels) await this.parts.forward.kernels.close();
  }
}
